import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import { TRANSIENT_ERRORS_MIDDLEWARE, transientErrorsMiddleware } from './transient-errors';

// Created once per container and reused across invocations. Endpoints come from the SDK's own
// AWS_ENDPOINT_URL_* variables; the local stack also sets SAP_LOCAL_S3 because its S3 server needs
// path-style addressing and rejects the SDK's default streaming checksums.
const localS3 = process.env.SAP_LOCAL_S3 === '1';

export const s3 = new S3Client(
  localS3
    ? {
        forcePathStyle: true,
        requestChecksumCalculation: 'WHEN_REQUIRED',
        responseChecksumValidation: 'WHEN_REQUIRED',
      }
    : {},
);
// Signs URLs handed to clients only. A presigned PUT has no body when it is signed, so the SDK's default
// checksum would be the empty body's CRC32 and S3 would refuse every real upload (aws/aws-sdk-js-v3#6994);
// a presigned GET would sign a checksum-mode header that a browser never sends.
export const s3Presigner = new S3Client({
  ...(localS3 ? { forcePathStyle: true } : {}),
  requestChecksumCalculation: 'WHEN_REQUIRED',
  responseChecksumValidation: 'WHEN_REQUIRED',
});
const dynamoClient = new DynamoDBClient({});
export const dynamo = DynamoDBDocumentClient.from(dynamoClient, {
  marshallOptions: { removeUndefinedValues: true },
});
export const sfn = new SFNClient({});
export const sagemaker = new SageMakerRuntimeClient({});

// A fault the SDK's own retries did not outlast fails the step as TRANSIENT, which the state machine
// retries later with backoff (core/pipeline/steps.ts); any other error keeps its own type.
s3.middlewareStack.add(transientErrorsMiddleware('S3'), TRANSIENT_ERRORS_MIDDLEWARE);
dynamoClient.middlewareStack.add(transientErrorsMiddleware('DynamoDB'), TRANSIENT_ERRORS_MIDDLEWARE);
sfn.middlewareStack.add(transientErrorsMiddleware('Step Functions'), TRANSIENT_ERRORS_MIDDLEWARE);
sagemaker.middlewareStack.add(transientErrorsMiddleware('SageMaker'), TRANSIENT_ERRORS_MIDDLEWARE);
