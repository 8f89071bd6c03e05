import type { RunMode } from '../pipeline/run';
import type { BatchOutcome } from './outcome';

/** Outcomes of one batch that disagree on what the batch is: one mode and one fusion model per batch. */
export class MixedBatchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MIXED_BATCH';
  }
}

export interface BatchIdentity {
  /** Null while the batch has no outcome. */
  mode: RunMode | null;
  /** The fusion model of its completed studies; null while none completed. */
  model: { name: string; version: string } | null;
}

/**
 * The mode and fusion model every outcome of the batch shares. A batch starts all its items with one mode
 * and one model version, so outcomes that differ mean two batches wrote under one id: refused, not averaged.
 */
export function batchIdentity(outcomes: readonly BatchOutcome[]): BatchIdentity {
  const modes = new Set(outcomes.map((o) => o.mode));
  if (modes.size > 1)
    throw new MixedBatchError(`the outcomes were run in several modes: ${[...modes].sort().join(', ')}`);
  const models = new Map<string, { name: string; version: string }>();
  for (const outcome of outcomes)
    if (outcome.status === 'COMPLETED')
      models.set(`${outcome.model.name}@${outcome.model.version}`, outcome.model);
  if (models.size > 1)
    throw new MixedBatchError(
      `the outcomes come from several fusion models: ${[...models.keys()].sort().join(', ')}`,
    );
  const [model] = models.values();
  return {
    mode: outcomes[0]?.mode ?? null,
    model: model ? { name: model.name, version: model.version } : null,
  };
}
