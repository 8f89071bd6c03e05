import { setTimeout as sleep } from 'node:timers/promises';

/** How --wait polls: a short first interval, growing by `factor` to `maxMs`, reset when something changes. */
export interface PollClock {
  now(): number;
  sleep(ms: number): Promise<void>;
  firstMs: number;
  maxMs: number;
  factor: number;
}

/** A study's stages change within seconds. */
export const STUDY_CLOCK: PollClock = {
  now: Date.now,
  sleep: (ms) => sleep(ms),
  firstMs: 1000,
  maxMs: 15_000,
  factor: 1.5,
};

/** A batch runs for hours: poll every few seconds at first, then once a minute. */
export const BATCH_CLOCK: PollClock = { ...STUDY_CLOCK, firstMs: 5000, maxMs: 60_000 };
