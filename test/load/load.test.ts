import { describe, expect, it } from 'vitest';
import { formatLoadFigures } from '../../local/loadtest/format-report';
import { loadPassed, runLoadTest } from '../../local/loadtest/load-test';

/** The CI size of `npm run loadtest` (50 there): 12 studies, 2 of them deliberately bad, on one inference thread. */
const STUDIES = 12;

describe('load: studies submitted at once through the local stack', () => {
  it(`ends all ${STUDIES}: none lost, none run twice, none mixed up, each as planned`, async () => {
    const figures = await runLoadTest({ studies: STUDIES, inferenceThreads: 1, timeoutMinutes: 3 });
    console.info(formatLoadFigures(figures));
    expect(figures.problems).toEqual([]);
    expect(figures.strayKeys).toEqual([]);
    expect(figures).toMatchObject({
      requested: STUDIES,
      submitted: STUDIES,
      completed: 10,
      failed: 2,
      lost: 0,
      duplicated: 0,
      mixedUp: 0,
      unexpectedEnd: 0,
      repeatedManifests: 1,
    });
    expect(figures.latencySeconds!.p95).toBeGreaterThanOrEqual(figures.latencySeconds!.p50);
    expect(figures.throughputPerMinute).toBeGreaterThan(0);
    expect(loadPassed(figures)).toBe(true);
  }, 240_000);
});
