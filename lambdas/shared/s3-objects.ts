import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { StepError } from '../../core/pipeline/step-error';
import { s3 } from './aws-clients';

export async function putJson(bucket: string, key: string, value: unknown): Promise<void> {
  await s3.send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: key,
      Body: JSON.stringify(value, null, 2),
      ContentType: 'application/json',
    }),
  );
}

/** A text artifact (chart, report) with its media type. */
export async function putText(bucket: string, key: string, body: string, contentType: string): Promise<void> {
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: contentType }));
}

/** The whole object in memory (artifacts and uploads are read whole: NIfTI, DICOM and JSON parsers need it). */
export async function getBytes(bucket: string, key: string): Promise<Uint8Array> {
  const response = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  if (!response.Body) throw new Error(`s3://${bucket}/${key} has no body`);
  return response.Body.transformToByteArray();
}

/** A JSON artifact or model card; ARTIFACT_CORRUPT when its bytes are not JSON. */
export async function getJson(bucket: string, key: string): Promise<unknown> {
  const bytes = await getBytes(bucket, key);
  try {
    return JSON.parse(new TextDecoder().decode(bytes)) as unknown;
  } catch {
    // The parser's message quotes the text around the error: it is left out, as the text may be patient data.
    throw corruptArtifact(bucket, key, 'it is not valid JSON');
  }
}

/** An object a previous step (or the deployment) wrote that cannot be read back as what it should be. */
export function corruptArtifact(bucket: string, key: string, why: string): StepError {
  return new StepError('ARTIFACT_CORRUPT', `s3://${bucket}/${key} cannot be used: ${why}`);
}
