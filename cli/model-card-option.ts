/** `--model-card FILE`, or `--model FILE`, its old name (commander refuses both at once). */
export interface ModelCardOption {
  modelCard?: string;
  model?: string;
}

export function modelCardFile(option: ModelCardOption): string | undefined {
  return option.modelCard ?? option.model;
}
