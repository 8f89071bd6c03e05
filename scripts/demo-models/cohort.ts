// Which phantom a demo-model seed stands for. The variant cycle and the SAP label are shared with the fusion
// cohort (scripts/demo-model/make-cohort.ts: seed % 7 picks the variants; label = revised Atlanta "severe"),
// so the image models learn the same outcome the fusion model does. Contrast is added here: a third of the seeds are
// portal venous phase, so the U-Net meets enhanced and unenhanced glands.
import type { Phantom, PhantomVariant } from '../../core/phantom';

const VARIANTS: readonly (readonly PhantomVariant[])[] = [
  ['normal'],
  ['oedematous'],
  ['necrotising'],
  ['peripancreatic-fluid'],
  ['pleural-effusion'],
  ['necrotising', 'pleural-effusion'],
  ['necrotising', 'peripancreatic-fluid', 'pleural-effusion'],
];

export function cohortVariants(seed: number): readonly PhantomVariant[] {
  return VARIANTS[seed % VARIANTS.length]!;
}

export function cohortContrast(seed: number): boolean {
  return seed % 3 === 0;
}

/** 1 = severe acute pancreatitis (persistent organ failure), 0 = mild or moderately severe. */
export function sapLabel(phantom: Phantom): 0 | 1 {
  return phantom.clinical.outcome.atlantaSeverity === 'severe' ? 1 : 0;
}
