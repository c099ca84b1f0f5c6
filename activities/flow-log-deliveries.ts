import { gunzipSync } from 'node:zlib';
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { AWS_LAYOUT, isUnread, streamFolder, type FlowLogCursor } from '../domain/flow-log-cursor';
import { readFlowLog } from '../domain/flow-log-format';
import type { FlowRecord } from '../domain/traffic';

/**
 * Where a fleet's VPC flow logs land. The chaos tool and tests write their deliveries straight under
 * it, named by delivery time; AWS, given `arn:aws:s3:::<bucket>/flow-logs/<fleet>/` as the flow log's
 * destination, writes gzipped objects under `AWSLogs/<account>/vpcflowlogs/<region>/yyyy/mm/dd/`
 * below it (decision 0062). Both are read.
 */
export const flowLogPrefix = (fleet: string) => `flow-logs/${fleet}/`;

const DAY_MS = 86_400_000;

/** Records read at most in one go: a scan or a diagnosis stops paging past this many. */
const MAX_RECORDS_READ = 1_000_000;

/** A delivery's text: AWS gzips its deliveries (`.log.gz`); the chaos tool writes plain text. */
export function deliveryText(bytes: Uint8Array): string {
  const gzipped = bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
  return Buffer.from(gzipped ? gunzipSync(bytes) : bytes).toString('utf8');
}

/** A flow log may deliver Parquet files (`DestinationOptions.FileFormat`): binary, starting "PAR1". */
const isParquet = (bytes: Uint8Array) =>
  bytes.length >= 4 && Buffer.from(bytes.subarray(0, 4)).toString('latin1') === 'PAR1';

const utcDay = (ms: number) => new Date(ms).toISOString().slice(0, 10).replace(/-/g, '/');

/** The UTC days from `fromMs` to `untilMs`, as AWS names their folders (`2026/11/28`). */
export function utcDaysBetween(fromMs: number, untilMs: number): string[] {
  const days: string[] = [];
  const start = Date.UTC(
    new Date(fromMs).getUTCFullYear(),
    new Date(fromMs).getUTCMonth(),
    new Date(fromMs).getUTCDate(),
  );
  for (let day = start; day <= untilMs && days.length < 32; day += DAY_MS) days.push(utcDay(day));
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

/** Each account's and region's folder AWS delivers into: `…/AWSLogs/<account>/vpcflowlogs/<region>/`. */
async function awsRegionFolders(s3: S3Client, bucket: string, fleet: string): Promise<string[]> {
  const folders: string[] = [];
  for (const account of await subfolders(s3, bucket, `${flowLogPrefix(fleet)}${AWS_LAYOUT}`))
    folders.push(...(await subfolders(s3, bucket, `${account}vpcflowlogs/`)));
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
        MaxKeys: 1000,
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
 * The fleet's flow-log deliveries, each with its records, up to about `MAX_RECORDS_READ` records:
 * those the carried `cursor` has not read (`advanceFlowLogCursor` after each one), else those
 * delivered since `since`, else, on a first scan, every plain delivery and today's AWS ones. Each
 * delivery stream is read in key order (its time order), so a read cut short resumes where it
 * stopped. In AWS's layout whole days are listed (its keys sort by day, then by flow log), so a
 * reader wanting only `since` onward filters the records by their own times. A bucket not created
 * yet means nothing delivered yet.
 */
export async function* deliveriesAfter(
  s3: S3Client,
  bucket: string,
  fleet: string,
  from: { cursor?: FlowLogCursor; since?: Date },
): AsyncGenerator<{ key: string; records: FlowRecord[]; unreadable?: string }> {
  const prefix = flowLogPrefix(fleet);
  const cursor = from.cursor ?? { streams: {} };
  let read = 0;
  const fetch = async (key: string) => {
    const body = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    const bytes = (await body.Body?.transformToByteArray()) ?? new Uint8Array();
    const { records, unreadable } = isParquet(bytes)
      ? { records: [], unreadable: "it is Parquet: set the flow log's file format to plain text" }
      : readFlowLog(deliveryText(bytes));
    // A flow log in a format without the fields floods are judged by is blind, not quiet: say so.
    if (unreadable) console.warn(`flow-log delivery s3://${bucket}/${key} cannot be judged: ${unreadable}`);
    read += records.length;
    return { key, records, ...(unreadable ? { unreadable } : {}) };
  };
  try {
    const plainStart = cursor.plain ?? (from.since ? `${prefix}${from.since.toISOString()}` : undefined);
    for await (const key of keysUnder(s3, bucket, prefix, plainStart, { stopAt: `${prefix}${AWS_LAYOUT}` })) {
      yield await fetch(key);
      if (read >= MAX_RECORDS_READ) return;
    }
    const streams = Object.entries(cursor.streams);
    for (const region of await awsRegionFolders(s3, bucket, fleet)) {
      const seen = streams.filter(([stream]) => streamFolder(stream) === region);
      // A region the cursor has not read yet starts as a first scan does: today, or `since`.
      // A stream that stopped (a flow log deleted) must not keep every scan listing the days since: no
      // scan goes back past yesterday, and a flood older than that is no longer one to block.
      const fromMs = seen.length
        ? Math.max(Math.min(...seen.map(([, key]) => awsKeyDayMs(key) ?? Date.now())), Date.now() - DAY_MS)
        : (from.since?.getTime() ?? Date.now());
      for (const day of utcDaysBetween(fromMs, Date.now())) {
        // A day folder holds the whole day: a reader wanting the last minutes skips what was written before.
        const notBefore = seen.length ? undefined : from.since;
        for await (const key of keysUnder(s3, bucket, `${region}${day}/`, undefined, { notBefore })) {
          if (!isUnread(cursor, key)) continue;
          yield await fetch(key);
          if (read >= MAX_RECORDS_READ) return;
        }
      }
    }
  } catch (err) {
    if ((err as { name?: string }).name !== 'NoSuchBucket') throw err;
  }
}
