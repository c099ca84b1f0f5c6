import {
  GetObjectCommand,
  ListObjectsV2Command,
  NoSuchKey,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';

/** Reads one JSON object. */
export async function readJsonObject<T>(s3: S3Client, bucket: string, key: string): Promise<T> {
  const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return JSON.parse((await out.Body?.transformToString()) ?? '{}') as T;
}

/** Reads one JSON object; undefined when there is none at the key. */
export async function readJsonObjectIfAny<T>(
  s3: S3Client,
  bucket: string,
  key: string,
): Promise<T | undefined> {
  try {
    return await readJsonObject<T>(s3, bucket, key);
  } catch (err) {
    if (err instanceof NoSuchKey) return undefined;
    throw err;
  }
}

/** Writes one JSON object, replacing any at the key. */
export async function writeJsonObject(
  s3: S3Client,
  bucket: string,
  key: string,
  value: unknown,
): Promise<void> {
  await s3.send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: key,
      Body: JSON.stringify(value),
      ContentType: 'application/json',
    }),
  );
}

/** Every JSON object under a prefix (after `startAfter`, when given), following the listing's pages. */
export async function readJsonObjects<T>(
  s3: S3Client,
  bucket: string,
  prefix: string,
  startAfter?: string,
): Promise<T[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectsV2Command({
        Bucket: bucket,
        Prefix: prefix,
        ...(startAfter ? { StartAfter: startAfter } : {}),
        ContinuationToken: token,
      }),
    );
    keys.push(...(page.Contents ?? []).flatMap((o) => (o.Key ? [o.Key] : [])));
    token = page.NextContinuationToken;
  } while (token);
  return Promise.all(keys.map((k) => readJsonObject<T>(s3, bucket, k)));
}

/** For a listing's `catch`: no bucket yet means nothing written yet (the first write makes it). */
export function noBucketYet<T>(err: unknown): T[] {
  if ((err as { name?: string }).name === 'NoSuchBucket') return [];
  throw err;
}
