import { LOCAL_NAMES } from '../local-env';
import { localArn } from './local-arns';
import type { AwsCall } from './recorder';

/** The SDK clients whose calls are recorded, by the IAM service prefix of their actions. */
export type RecordedService = 's3' | 'dynamodb' | 'states' | 'sagemaker';

type Input = Record<string, unknown>;

/**
 * The IAM authorization an SDK command needs, from its name and input: the action as the Service
 * Authorization Reference names it (HeadObject is s3:GetObject, ListObjectsV2 is s3:ListBucket with the
 * s3:prefix key), and the resource's ARN in local names.
 * https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html
 */
export function callsOfCommand(service: RecordedService, commandName: string, input: Input): AwsCall[] {
  const operation = commandName.replace(/Command$/, '');
  switch (service) {
    case 's3':
      return s3Calls(operation, input);
    case 'dynamodb':
      return dynamoCalls(operation, input);
    case 'states':
      return stepFunctionsCalls(operation, input);
    case 'sagemaker':
      return [{ action: `sagemaker:${operation}`, resource: localArn.endpoint(String(input.EndpointName)) }];
  }
}

const str = (value: unknown) => String(value ?? '');

function s3Calls(operation: string, input: Input): AwsCall[] {
  const bucket = str(input.Bucket);
  const object = (action: string) => ({ action, resource: localArn.object(bucket, str(input.Key)) });
  const versioned = input.VersionId !== undefined;
  switch (operation) {
    case 'GetObject':
    case 'HeadObject':
      return [object(versioned ? 's3:GetObjectVersion' : 's3:GetObject')];
    case 'PutObject':
    case 'CreateMultipartUpload':
    case 'UploadPart':
    case 'CompleteMultipartUpload':
      return [object('s3:PutObject')];
    case 'DeleteObject':
      return [object(versioned ? 's3:DeleteObjectVersion' : 's3:DeleteObject')];
    case 'DeleteObjects': {
      const keys = ((input.Delete as { Objects?: { Key?: string }[] } | undefined)?.Objects ?? []).map(
        (o) => o.Key,
      );
      return keys.map((key) => ({ action: 's3:DeleteObject', resource: localArn.object(bucket, str(key)) }));
    }
    case 'CopyObject': {
      const source = decodeURIComponent(str(input.CopySource).replace(/^\//, '').replace(/\?.*$/, ''));
      const slash = source.indexOf('/');
      return [
        object('s3:PutObject'),
        {
          action: 's3:GetObject',
          resource: localArn.object(source.slice(0, slash), source.slice(slash + 1)),
        },
      ];
    }
    case 'ListObjectsV2':
    case 'ListObjects':
      return [listBucket('s3:ListBucket', bucket, input.Prefix)];
    case 'ListObjectVersions':
      return [listBucket('s3:ListBucketVersions', bucket, input.Prefix)];
    default:
      // Most S3 actions carry the operation's name; one not listed above is checked under that name.
      return [
        {
          action: `s3:${operation}`,
          resource: input.Key ? localArn.object(bucket, str(input.Key)) : localArn.bucket(bucket),
        },
      ];
  }
}

/** A listing's prefix is the s3:prefix condition key (an absent prefix leaves the key absent). */
export function listBucket(action: string, bucket: string, prefix: unknown): AwsCall {
  const context = prefix === undefined || prefix === '' ? undefined : { 's3:prefix': str(prefix) };
  return { action, resource: localArn.bucket(bucket), ...(context ? { context } : {}) };
}

type TransactItem = Partial<
  Record<'Put' | 'Update' | 'Delete' | 'ConditionCheck' | 'Get', { TableName?: string }>
>;

function dynamoCalls(operation: string, input: Input): AwsCall[] {
  const table = (name: unknown, index?: unknown) => localArn.table(str(name), index ? str(index) : undefined);
  switch (operation) {
    case 'BatchGetItem':
    case 'BatchWriteItem':
      return Object.keys((input.RequestItems as object | undefined) ?? {}).map((name) => ({
        action: `dynamodb:${operation}`,
        resource: table(name),
      }));
    case 'TransactWriteItems':
    case 'TransactGetItems':
      return ((input.TransactItems as TransactItem[] | undefined) ?? []).flatMap((item) =>
        Object.entries(item).map(([kind, request]) => ({
          action: `dynamodb:${kind === 'ConditionCheck' ? 'ConditionCheckItem' : `${kind}Item`}`,
          resource: table(request?.TableName),
        })),
      );
    default:
      return [{ action: `dynamodb:${operation}`, resource: table(input.TableName, input.IndexName) }];
  }
}

function stepFunctionsCalls(operation: string, input: Input): AwsCall[] {
  switch (operation) {
    case 'StartExecution':
    case 'StartSyncExecution':
      return [{ action: `states:${operation}`, resource: str(input.stateMachineArn) }];
    case 'SendTaskSuccess':
    case 'SendTaskFailure':
    case 'SendTaskHeartbeat':
      // The token names no machine; only the study state machine waits for tokens.
      return [{ action: `states:${operation}`, resource: LOCAL_NAMES.stateMachineArn }];
    default:
      return [
        { action: `states:${operation}`, resource: str(input.executionArn ?? input.stateMachineArn ?? '*') },
      ];
  }
}
