import { App } from 'aws-cdk-lib';
import { buildApp } from '../../lib/app';
import type { BenchCase } from '../harness';

/** Synthesis of a two-region app without bundling: what every infrastructure test and `cdk synth` pays. */
export const synthTwoRegions: BenchCase = {
  name: 'cdk synth',
  async run() {
    const start = performance.now();
    const app = new App({ context: { regions: 'eu-west-1,us-east-1', 'aws:cdk:bundling-stacks': [] } });
    buildApp(app);
    app.synth();
    const ms = performance.now() - start;
    const rssMb = process.memoryUsage().rss / 2 ** 20;
    return [
      { case: 'cdk synth, 2 regions, no bundling', metric: 'wall', value: ms, unit: 'ms' },
      { case: 'cdk synth, 2 regions, no bundling', metric: 'process RSS after', value: rssMb, unit: 'MiB' },
    ];
  },
};
