// s3rver 3.7 modules (CommonJS, no published types) that the local ListObjectsV2 (s3-list-objects-v2.ts) reuses.
declare module 's3rver/lib/middleware/authentication.js' {
  /** s3rver's signature check: an unknown access key is refused with InvalidAccessKeyId. */
  export default function authentication(): (ctx: unknown, next: () => Promise<void>) => Promise<void>;
}

declare module 's3rver/lib/models/error.js' {
  /** Thrown inside s3rver's Koa app, it is rendered as S3's XML error with its status. */
  export default class S3Error extends Error {
    constructor(code: string, message: string, detail?: Record<string, string | number>);
    code: string;
    status: number;
  }
}
