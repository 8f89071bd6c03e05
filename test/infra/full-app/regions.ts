import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { readRegions } from '../../../lib/config';
import { FULL_APP_REGIONS, fullApp } from '../../support/synth';

const ESSENTIAL = [
  'AWS::KMS::Key',
  'AWS::S3::Bucket',
  'AWS::DynamoDB::GlobalTable',
  'AWS::StepFunctions::StateMachine',
  'AWS::SageMaker::Endpoint',
  'AWS::ApiGateway::RestApi',
  'AWS::Events::Rule',
  'AWS::CloudWatch::Dashboard',
];

describe('one self-contained stack per region', () => {
  it('synthesises two complete, independent stacks, bundling the functions with local esbuild', () => {
    const { app, stacks } = fullApp();
    expect(FULL_APP_REGIONS).toEqual(['eu-west-1', 'us-east-1']);
    expect(stacks.map((s) => [s.stackName, s.region])).toEqual([
      ['SapPipeline-eu-west-1', 'eu-west-1'],
      ['SapPipeline-us-east-1', 'us-east-1'],
    ]);
    const assembly = app.synth();
    for (const stack of stacks) {
      const artifact = assembly.getStackByName(stack.stackName);
      expect(artifact.dependencies.filter((d) => stacks.some((s) => s.artifactId === d.id))).toEqual([]);
      const template = Template.fromStack(stack);
      for (const type of ESSENTIAL)
        expect(Object.keys(template.findResources(type)).length, type).toBeGreaterThan(0);
      const text = JSON.stringify(template.toJSON());
      expect(text).not.toContain('Fn::ImportValue');
      const other = stacks.find((s) => s !== stack)!;
      expect(text).not.toContain(other.region);
      // Each function deploys an esbuild bundle staged in the assembly, not the TypeScript source.
      const functions = Object.values(template.findResources('AWS::Lambda::Function')) as {
        Properties: { Code: { S3Key?: string } };
      }[];
      const bundleHashes = functions
        .map((f) => f.Properties.Code.S3Key?.replace(/\.zip$/, ''))
        .filter(Boolean);
      expect(bundleHashes.length).toBeGreaterThanOrEqual(9);
      for (const hash of bundleHashes) {
        const staged = join(assembly.directory, `asset.${hash}`);
        expect(existsSync(join(staged, 'index.mjs')) || existsSync(join(staged, 'index.js')), staged).toBe(
          true,
        );
      }
    }
  });

  it('reads the regions from -c regions or cdk.json, and refuses an empty or malformed list', () => {
    const cdkJson = JSON.parse(readFileSync(new URL('../../../cdk.json', import.meta.url), 'utf8')) as {
      context: { regions: string };
    };
    expect(readRegions(cdkJson.context.regions)).toEqual(['eu-west-1']);
    expect(readRegions('eu-west-1, us-east-1,eu-west-1')).toEqual(['eu-west-1', 'us-east-1']);
    expect(() => readRegions('')).toThrow(/no regions/);
    expect(() => readRegions('eu_west_1')).toThrow(/not AWS region names/);
  });
});
