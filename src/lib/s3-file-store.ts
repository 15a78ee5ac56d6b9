/**
 * The S3 file store (AWS S3, Cloudflare R2, MinIO, any S3-compatible server) on the AWS SDK v3.
 * A download is a presigned GET valid for a few minutes, carrying the file's name and type, so
 * the bucket stays private and the bytes go straight from the bucket to the buyer. Loaded only
 * when FILES_URL names a bucket (file-store.ts imports this module lazily).
 * @module
 */
import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import {
  GetObjectCommand,
  HeadObjectCommand,
  NotFound,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3'
import { getSignedUrl } from '@aws-sdk/s3-request-presigner'
import { contentDisposition, type FileStore, fileSize, objectKey, type SoldFile } from './stored-file.js'
import type { S3Location } from './files-url.js'

/** Long enough for a slow browser to follow the redirect; S3 checks expiry only when a GET starts. */
export const DOWNLOAD_LINK_SECONDS = 300

export function createS3FileStore(location: S3Location): FileStore {
  const client = new S3Client({
    region: location.region,
    forcePathStyle: location.forcePathStyle,
    // The SDK's default CRC checksums (streamed as aws-chunked bodies) are not understood by every
    // S3-compatible server; the Content-MD5 we send on uploads is, everywhere.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    ...(location.endpoint ? { endpoint: location.endpoint } : {}),
    ...(location.credentials ? { credentials: location.credentials } : {}),
  })
  const key = (file: SoldFile): string => objectKey(location.prefix, file)
  const head = (file: SoldFile) => headObject(client, location.bucket, key(file))
  return {
    description: `s3://${location.bucket}/${location.prefix}`,
    locate: (file) => `s3://${location.bucket}/${key(file)}`,
    exists: async (file) => (await head(file)) !== undefined,
    async readSource(file) {
      const found = await head(file)
      if (found?.size === undefined) return undefined
      return {
        size: found.size,
        version: found.etag ?? String(found.size),
        async bytes() {
          const res = await client.send(new GetObjectCommand({ Bucket: location.bucket, Key: key(file) }))
          if (!res.Body) throw new Error(`s3://${location.bucket}/${key(file)} has no body`)
          return res.Body.transformToByteArray()
        },
      }
    },
    async deliver(file, download) {
      if ((await head(file)) === undefined) return undefined
      const command = new GetObjectCommand({
        Bucket: location.bucket,
        Key: key(file),
        ResponseContentType: file.contentType,
        ResponseContentDisposition: contentDisposition(download.filename),
        ResponseCacheControl: 'private, no-store',
      })
      return {
        kind: 'redirect',
        url: await getSignedUrl(client, command, { expiresIn: DOWNLOAD_LINK_SECONDS }),
      }
    },
    async upload(file) {
      const size = await fileSize(file.path)
      if (size === undefined) throw new Error(`${file.path} does not exist`)
      const md5 = await fileMd5(file.path)
      const existing = await head(file)
      // A single-part upload's ETag is the MD5 of its bytes: the same ETag means the same file.
      if (existing?.etag === `"${md5.hex}"` && existing.size === size) return 'unchanged'
      await client.send(
        new PutObjectCommand({
          Bucket: location.bucket,
          Key: key(file),
          Body: createReadStream(file.path),
          ContentLength: size,
          ContentType: file.contentType,
          ContentMD5: md5.base64,
        }),
      )
      return 'uploaded'
    },
  }
}

async function headObject(
  client: S3Client,
  bucket: string,
  key: string,
): Promise<{ etag?: string; size?: number } | undefined> {
  try {
    const res = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }))
    return {
      ...(res.ETag ? { etag: res.ETag } : {}),
      ...(res.ContentLength !== undefined ? { size: res.ContentLength } : {}),
    }
  } catch (err) {
    if (err instanceof NotFound) return undefined
    if (err instanceof S3ServiceException && err.$metadata.httpStatusCode === 404) return undefined
    throw err
  }
}

function fileMd5(path: string): Promise<{ hex: string; base64: string }> {
  return new Promise((resolve, reject) => {
    const hash = createHash('md5')
    createReadStream(path)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => {
        const digest = hash.digest()
        resolve({ hex: digest.toString('hex'), base64: digest.toString('base64') })
      })
  })
}
