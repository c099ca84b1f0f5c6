import { gunzipSync } from 'node:zlib';
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { parseFlowLog, type FlowRecord } from '../domain/traffic';

/**
 * Where a fleet's VPC flow logs land. The chaos tool and tests write their deliveries straight under
 * it, named by delivery time; AWS, given `arn:aws:s3:::<bucket>/flow-logs/<fleet>/` as the flow log's
 * destination, writes gzipped objects under `AWSLogs/<account>/vpcflowlogs/<region>/yyyy/mm/dd/`
 * below it (decision 0062). Both are read.
 */
export const flowLogPrefix = (fleet: string) => `flow-logs/${fleet}/`;

/** Where AWS's own layout starts below the prefix; it sorts after every delivery-time name. */
const AWS_LAYOUT = 'AWSLogs/';

/** Records read at most in one go: a scan or a diagnosis stops paging past this many. */
const MAX_RECORDS_READ = 1_000_000;

/** A delivery's text: AWS gzips its deliveries (`.log.gz`); the chaos tool writes plain text. */
export function deliveryText(bytes: Uint8Array): string {
  const gzipped = bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
  return Buffer.from(gzipped ? gunzipSync(bytes) : bytes).toString('utf8');
}

const utcDay = (ms: number) => new Date(ms).toISOString().slice(0, 10).replace(/-/g, '/');

/** The UTC days from `fromMs` to `untilMs`, as AWS names their folders (`2026/11/28`). */
export function utcDaysBetween(fromMs: number, untilMs: number): string[] {
  const days: string[] = [];
  const start = Date.UTC(
    new Date(fromMs).getUTCFullYear(),
    new Date(fromMs).getUTCMonth(),
    new Date(fromMs).getUTCDate(),
  );
  for (let day = start; day <= untilMs && days.length < 32; day += 86_400_000) days.push(utcDay(day));
  return days;
}

/** The day an AWS-layout key was delivered on, as epoch ms (undefined for any other key). */
export function awsKeyDayMs(key: string): number | undefined {
  const match = /\/vpcflowlogs\/[^/]+\/(\d{4})\/(\d{2})\/(\d{2})\//.exec(key);
  return match ? Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) : undefined;
}

async function subfolders(s3: S3Client, bucket: string, prefix: string): Promise<string[]> {
  const folders: string[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, Delimiter: '/', ContinuationToken: token }),
    );
    for (const p of page.CommonPrefixes ?? []) if (p.Prefix) folders.push(p.Prefix);
    token = page.NextContinuationToken;
  } while (token);
  return folders;
}

/** Each account's and region's day folders AWS delivered into from `fromMs` until now. */
async function awsDayFolders(s3: S3Client, bucket: string, fleet: string, fromMs: number): Promise<string[]> {
  const days = utcDaysBetween(fromMs, Date.now());
  const folders: string[] = [];
  for (const account of await subfolders(s3, bucket, `${flowLogPrefix(fleet)}${AWS_LAYOUT}`))
    for (const region of await subfolders(s3, bucket, `${account}vpcflowlogs/`))
      for (const day of days) folders.push(`${region}${day}/`);
  return folders;
}

/**
 * Keys under `prefix` after `startAfter`, in order, a page at a time; `stopAt` ends the listing early,
 * and an object last written before `notBefore` is passed over (it cannot hold a later flow).
 */
async function* keysUnder(
  s3: S3Client,
  bucket: string,
  prefix: string,
  startAfter: string | undefined,
  { stopAt, notBefore }: { stopAt?: string; notBefore?: Date } = {},
): AsyncGenerator<string> {
  let token: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectsV2Command({
        Bucket: bucket,
        Prefix: prefix,
        ...(startAfter ? { StartAfter: startAfter } : {}),
        ContinuationToken: token,
        MaxKeys: 100,
      }),
    );
    for (const object of page.Contents ?? []) {
      if (!object.Key) continue;
      if (stopAt && object.Key.startsWith(stopAt)) return;
      if (notBefore && object.LastModified && object.LastModified < notBefore) continue;
      yield object.Key;
    }
    token = page.NextContinuationToken;
  } while (token);
}

/**
 * The fleet's flow-log deliveries in key order, each with its records, up to about
 * `MAX_RECORDS_READ` records: those after `afterKey` (the last one a scan read), else those delivered
 * since `since`. In AWS's layout whole days are listed (its keys sort by day, then by flow log), so
 * a reader wanting only `since` onward filters the records by their own times. A bucket not created
 * yet means nothing delivered yet.
 */
export async function* deliveriesAfter(
  s3: S3Client,
  bucket: string,
  fleet: string,
  from: { afterKey?: string; since?: Date },
): AsyncGenerator<{ key: string; records: FlowRecord[] }> {
  const prefix = flowLogPrefix(fleet);
  const awsAfter = from.afterKey?.startsWith(`${prefix}${AWS_LAYOUT}`) ? from.afterKey : undefined;
  let read = 0;
  const fetch = async (key: string) => {
    const body = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    const records = parseFlowLog(deliveryText((await body.Body?.transformToByteArray()) ?? new Uint8Array()));
    read += records.length;
    return { key, records };
  };
  try {
    if (!awsAfter) {
      const startAfter = from.afterKey ?? (from.since ? `${prefix}${from.since.toISOString()}` : undefined);
      for await (const key of keysUnder(s3, bucket, prefix, startAfter, {
        stopAt: `${prefix}${AWS_LAYOUT}`,
      })) {
        yield await fetch(key);
        if (read >= MAX_RECORDS_READ) return;
      }
    }
    const fromMs =
      (awsAfter === undefined ? undefined : awsKeyDayMs(awsAfter)) ?? from.since?.getTime() ?? Date.now();
    for (const folder of await awsDayFolders(s3, bucket, fleet, fromMs)) {
      const startAfter = awsAfter?.startsWith(folder) ? awsAfter : undefined;
      if (awsAfter && !startAfter && folder < awsAfter) continue;
      // A day folder holds the whole day: a reader wanting the last minutes skips what was written before.
      for await (const key of keysUnder(
        s3,
        bucket,
        folder,
        startAfter,
        awsAfter ? {} : { notBefore: from.since },
      )) {
        yield await fetch(key);
        if (read >= MAX_RECORDS_READ) return;
      }
    }
  } catch (err) {
    if ((err as { name?: string }).name !== 'NoSuchBucket') throw err;
  }
}
