/**
 * Artifact store backend: S3 or any S3-compatible object storage, as `s3://bucket/prefix`.
 * Endpoint, region and credentials come from the standard AWS environment variables
 * (AWS_ENDPOINT_URL_S3 or AWS_ENDPOINT_URL, AWS_REGION or AWS_DEFAULT_REGION, AWS_ACCESS_KEY_ID /
 * AWS_SECRET_ACCESS_KEY, or any other source of the SDK's default credential chain). With a custom
 * endpoint, path-style addressing is used (MinIO, Ceph, s3rver).
 */
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { UsageError } from '../core/errors.js';
import type { BlobBackend } from './artifact-store.js';

function isNotFound(err: unknown): boolean {
  if (err instanceof S3ServiceException) return err.$metadata.httpStatusCode === 404 || err.name === 'NoSuchKey' || err.name === 'NotFound';
  return false;
}

export function s3Backend(url: URL, env: NodeJS.ProcessEnv): BlobBackend {
  const bucket = url.hostname;
  if (bucket === '') throw new UsageError(`an S3 store URL names a bucket: s3://bucket/prefix, got ${url.href}`);
  const prefix = url.pathname.replace(/^\/+|\/+$/g, '');
  const endpoint = env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL || undefined;
  const client = new S3Client({
    region: env.AWS_REGION || env.AWS_DEFAULT_REGION || 'us-east-1',
    ...(endpoint ? { endpoint, forcePathStyle: true } : {}),
    // NOTE: keys given in `env` are used as given; otherwise the SDK's default chain (profiles, SSO, instance roles).
    ...(env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY
      ? { credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY, ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}) } }
      : {}),
  });
  const key = (name: string) => (prefix ? `${prefix}/${name}` : name);
  return {
    shown: `s3://${bucket}${prefix ? `/${prefix}` : ''}`,
    async read(name) {
      try {
        const r = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key(name) }));
        if (r.Body === undefined) return Buffer.alloc(0);
        return Buffer.from(await r.Body.transformToByteArray());
      } catch (err) {
        if (isNotFound(err)) return null;
        throw err;
      }
    },
    async write(name, bytes) {
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: key(name), Body: bytes }));
    },
    async exists(name) {
      try {
        await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key(name) }));
        return true;
      } catch (err) {
        if (isNotFound(err)) return false;
        throw err;
      }
    },
  };
}
