import { Validations } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { describe, expect, it } from 'vitest';
import { unacknowledgedFindings } from '../../support/nag-findings';
import { fullApp, sharedSynth, synthApp } from '../../support/synth';

describe('cdk-nag: AWS Solutions, HIPAA Security, NIST 800-53 rev 5', () => {
  it('finds nothing unacknowledged in a two-region app with an alarm address, as deployed', () => {
    const { app } = fullApp();
    expect(unacknowledgedFindings(app)).toEqual([]);
  });

  it('still reports a resource added without the secure defaults', () => {
    const { app, stacks } = synthApp();
    new s3.Bucket(stacks[0]!, 'CarelessBucket');
    const findings = unacknowledgedFindings(app);
    for (const rule of [
      'AwsSolutions-S1',
      'HIPAA.Security-S3BucketLoggingEnabled',
      'NIST.800.53.R5-S3BucketLoggingEnabled',
    ]) {
      expect(findings).toContain(`${rule} at SapPipeline-eu-west-1/CarelessBucket/Resource`);
    }
    expect(findings.every((f) => f.includes('/CarelessBucket/'))).toBe(true);
  });

  it('gives a specific reason for every acknowledgement', () => {
    const { app } = sharedSynth();
    const acknowledgements = app.node.findAll().flatMap((c) =>
      c.node.metadata
        .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
        .flatMap((m) => Object.entries(m.data as Record<string, string>))
        .filter(([id]) => /(AwsSolutions|HIPAA\.Security|NIST\.800\.53\.R5)-/.test(id)),
    );
    expect(acknowledgements.length).toBeGreaterThan(20);
    for (const [id, reason] of acknowledgements) {
      expect(reason.length, `reason for ${id}`).toBeGreaterThanOrEqual(40);
    }
  });
});
