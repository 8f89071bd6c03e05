import { describe, expect, it } from 'vitest';
import { selectCases, type BenchCase } from '../../bench/harness';

const named = (...names: string[]): BenchCase[] =>
  names.map((name) => ({ name, run: () => Promise.resolve([]) }));
const names = (cases: BenchCase[]) => cases.map((c) => c.name);

describe('npm run bench -- <filter>', () => {
  const cases = named(
    'inference',
    'inference-networks',
    'inference-cpu',
    'radiomics',
    'radiomics-lambda',
    'lambda bundles',
  );

  it('runs every case without a filter', () => {
    expect(names(selectCases(cases, undefined))).toEqual(names(cases));
  });

  it('runs only the case a filter names exactly, not those whose names contain it', () => {
    expect(names(selectCases(cases, 'inference'))).toEqual(['inference']);
    expect(names(selectCases(cases, 'radiomics'))).toEqual(['radiomics']);
    expect(names(selectCases(cases, 'inference-cpu'))).toEqual(['inference-cpu']);
  });

  it('runs every case whose name contains a filter that names none exactly', () => {
    expect(names(selectCases(cases, 'lambda'))).toEqual(['radiomics-lambda', 'lambda bundles']);
    expect(names(selectCases(cases, 'nothing'))).toEqual([]);
  });
});
