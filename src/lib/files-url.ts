/**
 * `FILES_URL`: where catalog files live. Unset means the local disk (each file at its catalog
 * path); `s3://bucket/prefix` means an S3-compatible bucket (AWS S3, Cloudflare R2, MinIO, …),
 * with the endpoint, region and keys from the `S3_*` settings.
 * @module
 */

export type S3Location = {
  kind: 's3'
  bucket: string
  /** Key prefix, without a leading slash; '' or ending in '/'. */
  prefix: string
  /** Custom endpoint (R2, MinIO); undefined = AWS. */
  endpoint?: string
  region: string
  /** Path-style URLs (`endpoint/bucket/key`), which MinIO and most self-hosted servers need. */
  forcePathStyle: boolean
  /** Both or neither; neither = the AWS SDK's default chain (instance role, AWS_* variables). */
  credentials?: { accessKeyId: string; secretAccessKey: string }
}

export type FilesLocation = { kind: 'local' } | S3Location

export type S3Settings = {
  endpoint?: string | undefined
  region?: string | undefined
  accessKeyId?: string | undefined
  secretAccessKey?: string | undefined
  forcePathStyle?: boolean | undefined
}

/** S3's bucket naming rules (3–63 lower-case letters, digits, dots and hyphens). */
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/

/** Parses FILES_URL with the S3 settings; a string is the problem to report. */
export function parseFilesLocation(filesUrl: string | undefined, s3: S3Settings): FilesLocation | string {
  if (filesUrl === undefined) return { kind: 'local' }
  const match = /^s3:\/\/([^/?#]+)(\/[^?#]*)?$/.exec(filesUrl)
  if (!match) return 'FILES_URL: must be s3://bucket or s3://bucket/prefix (unset: files on the local disk)'
  const [, bucket = '', path = ''] = match
  if (!BUCKET.test(bucket)) return `FILES_URL: "${bucket}" is not a valid bucket name (3–63 of a-z 0-9 . -)`
  if (path.split('/').some((segment) => segment === '..' || segment === '.')) {
    return 'FILES_URL: the prefix may not contain . or .. segments'
  }
  if ((s3.accessKeyId === undefined) !== (s3.secretAccessKey === undefined)) {
    return 'S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY: set both, or neither (the AWS default credentials)'
  }
  const prefix = path.replace(/^\/+/, '').replace(/\/*$/, '/')
  return {
    kind: 's3',
    bucket,
    prefix: prefix === '/' ? '' : prefix,
    region: s3.region ?? 'us-east-1',
    forcePathStyle: s3.forcePathStyle ?? s3.endpoint !== undefined,
    ...(s3.endpoint !== undefined ? { endpoint: s3.endpoint } : {}),
    ...(s3.accessKeyId !== undefined && s3.secretAccessKey !== undefined
      ? { credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey } }
      : {}),
  }
}
