/** The kinds of model a deployment loads, each versioned under its own prefix of the models bucket. */
export type ModelKind = 'unet' | 'resnet' | 'xgboost';

/** `[A-Za-z0-9._-]{1,64}`: a model version is one path segment (lib/config.ts checks the context too). */
export const MODEL_VERSION_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * `models/{kind}/{version}/`: one model version, immutable once uploaded, holding its model-card.json and
 * the file the card names (with its sha256).
 */
export function modelPrefix(kind: ModelKind, version: string): string {
  if (!MODEL_VERSION_PATTERN.test(version) || version === '.' || version === '..')
    throw new Error(`invalid model version: ${JSON.stringify(version)}`);
  return `models/${kind}/${version}/`;
}
