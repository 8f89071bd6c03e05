// Runs the Radiomics Lambda handler in its own process, S3 and DynamoDB mocked to serve the files of
// argv[2] (volume.nii.gz, mask.nii.gz), so that the process's peak resident memory is one invocation's:
// the runtime, the bundled SDK, the compressed and decoded grids and the extraction. The test suite's
// Lambda environment (fake credentials, silent logs) comes first, as the handler's modules read it.
import '../../test/support/lambda-env';
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import type { StudyRun } from '../../core/pipeline/run';
import { workKeys } from '../../core/study/keys';
import { handler } from '../../lambdas/radiomics/handler';

const folder = process.argv[2]!;
const run: StudyRun = { studyId: 'bench', manifestVersion: 'v1', bucket: 'studies', artifacts: {} };
const keys = workKeys(run);
const s3 = mockClient(S3Client);
for (const [key, file] of [
  [keys.volume, 'volume.nii.gz'],
  [keys.mask, 'mask.nii.gz'],
] as const) {
  // Read per call, as S3 would deliver it: the handler holds the only copy.
  s3.on(GetObjectCommand, { Key: key }).callsFake(async () => {
    const bytes = new Uint8Array(await readFile(path.join(folder, file)));
    return { Body: { transformToByteArray: async () => bytes } };
  });
}
s3.on(PutObjectCommand).resolves({});
mockClient(DynamoDBDocumentClient).onAnyCommand().resolves({});

const baselineRss = process.memoryUsage().rss;
const start = performance.now();
await handler(run);
const wallMs = performance.now() - start;
console.log(JSON.stringify({ wallMs, baselineRss, peakRss: process.resourceUsage().maxRSS * 1024 }));
