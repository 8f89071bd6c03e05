import type { IncomingMessage, Server } from 'node:http';
import { createFaultProxy } from '../fault-proxy';
import { s3Target } from '../s3-request-guard';
import { localArn } from './local-arns';
import type { Principal } from './principals';
import { recordCall, type AwsCall } from './recorder';
import { listBucket } from './sdk-calls';

/**
 * The IAM authorization a path-style S3 REST request needs (`GET /bucket?list-type=2&prefix=p` is
 * s3:ListBucket with s3:prefix = p), for a client whose SDK calls this process cannot see: the inference
 * container. https://docs.aws.amazon.com/AmazonS3/latest/API/API_Operations_Amazon_Simple_Storage_Service.html
 */
export function callsOfS3Request(method: string, url: string, copySource?: string): AwsCall[] {
  const parsed = new URL(url, 'http://s3');
  const target = s3Target(parsed.pathname);
  if (!target) return [{ action: 's3:ListAllMyBuckets', resource: '*' }];
  const { bucket, key } = target;
  const query = parsed.searchParams;
  const object = (action: string) => ({ action, resource: localArn.object(bucket, key) });
  const versioned = query.has('versionId');
  if (key === '') {
    if (method === 'GET' && query.has('versions'))
      return [listBucket('s3:ListBucketVersions', bucket, query.get('prefix') ?? undefined)];
    if (method === 'GET' && query.has('location'))
      return [{ action: 's3:GetBucketLocation', resource: localArn.bucket(bucket) }];
    if (
      (method === 'GET' || method === 'HEAD') &&
      [...query.keys()].every((name) => LIST_PARAMETERS.has(name))
    )
      return [listBucket('s3:ListBucket', bucket, query.get('prefix') ?? undefined)];
    return [
      { action: `s3:${method}Bucket?${[...query.keys()].join('&')}`, resource: localArn.bucket(bucket) },
    ];
  }
  switch (method) {
    case 'GET':
    case 'HEAD':
      return [object(versioned ? 's3:GetObjectVersion' : 's3:GetObject')];
    case 'PUT': {
      if (!copySource) return [object('s3:PutObject')];
      const source = s3Target(`/${copySource.replace(/^\//, '').replace(/\?.*$/, '')}`);
      return [
        object('s3:PutObject'),
        ...(source ? [{ action: 's3:GetObject', resource: localArn.object(source.bucket, source.key) }] : []),
      ];
    }
    case 'POST':
      // CreateMultipartUpload (?uploads) and CompleteMultipartUpload (?uploadId=) write the object.
      return [object('s3:PutObject')];
    case 'DELETE':
      return [
        object(
          query.has('uploadId')
            ? 's3:AbortMultipartUpload'
            : versioned
              ? 's3:DeleteObjectVersion'
              : 's3:DeleteObject',
        ),
      ];
    default:
      return [object(`s3:${method}Object`)];
  }
}

const LIST_PARAMETERS = new Set([
  'list-type',
  'prefix',
  'delimiter',
  'continuation-token',
  'start-after',
  'max-keys',
  'encoding-type',
  'fetch-owner',
  'marker',
  'x-id',
]);

/**
 * An S3 endpoint for one principal: forwards every request to `upstream` unchanged and records what it
 * needs as that principal. The inference container gets its own, so its calls are the endpoint role's
 * however it runs (in this process or its own).
 */
export function createS3CallRecorder(upstream: string, principal: Principal): Server {
  return createFaultProxy(upstream, (request: IncomingMessage) => {
    const copySource = request.headers['x-amz-copy-source'];
    for (const call of callsOfS3Request(
      request.method ?? 'GET',
      request.url ?? '/',
      typeof copySource === 'string' ? copySource : undefined,
    ))
      recordCall(call, principal);
    return undefined;
  });
}
