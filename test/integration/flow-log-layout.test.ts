import { gzipSync } from 'node:zlib';
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { deliveriesAfter, flowLogPrefix } from '../../activities/flow-log-deliveries';
import { outboundFlowReader, writeFlowLog } from '../../activities/flow-logs';
import { FLEET_TAG } from '../../activities/tags';
import { advanceFlowLogCursor, formatFlowLogCursor, parseFlowLogCursor } from '../../domain/flow-log-cursor';
import { FLOW_LOG_HEADER, type FlowRecord } from '../../domain/traffic';
import { destroyAws, testAws } from '../support/env';

const aws = testAws();
const bucket = `medic-flow-layout-${process.pid}`;
const fleet = 'web';
const ACCOUNT = '123456789012';
const SOURCE = '10.42.1.4';
afterAll(() => destroyAws(aws));
beforeAll(async () => {
  await aws.s3.send(new CreateBucketCommand({ Bucket: bucket }));
});

const DAY = 86_400_000;
const day = (ms: number) => new Date(ms).toISOString().slice(0, 10).replace(/-/g, '/');

/** A delivery as AWS writes it with the fleet's prefix as the destination: gzipped, in its own folders. */
async function awsDelivery(
  atMs: number,
  records: FlowRecord[],
  flowLog = 'fl-0a1b2c',
  region = 'us-east-1',
): Promise<string> {
  const stamp = new Date(atMs).toISOString().replace(/[-:]/g, '').slice(0, 13);
  const key = `${flowLogPrefix(fleet)}AWSLogs/${ACCOUNT}/vpcflowlogs/${region}/${day(atMs)}/${ACCOUNT}_vpcflowlogs_${region}_${flowLog}_${stamp}Z_${atMs}.log.gz`;
  const lines = records.map(
    (r) =>
      `2 ${ACCOUNT} eni-1 ${r.srcaddr} ${r.dstaddr} 40000 ${r.dstport} 6 ${r.packets} ${r.bytes} ${r.start} ${r.start + 60} ${r.action} OK`,
  );
  await aws.s3.send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: key,
      Body: gzipSync([FLOW_LOG_HEADER, ...lines].join('\n')),
    }),
  );
  return key;
}

const out = (dstaddr: string, bytes: number, atMs: number): FlowRecord => ({
  srcaddr: SOURCE,
  dstaddr,
  dstport: 443,
  packets: 10,
  bytes,
  start: Math.floor(atMs / 1000),
  action: 'ACCEPT',
});

describe('flow logs as AWS delivers them (decision 0062): gzipped, under AWSLogs/<account>/vpcflowlogs/<region>/<day>/', () => {
  const now = Date.now();
  let first: string;
  let ownKey: string;

  beforeAll(async () => {
    // Three days ago (not read by a first scan or a diagnosis), today, and the chaos tool's plain text.
    await awsDelivery(now - 3 * DAY, [out('192.0.2.1', 5_000_000, now - 3 * DAY)]);
    first = await awsDelivery(now - 60_000, [
      out('203.0.113.66', 300_000_000, now - 120_000),
      // Reported in this delivery, but from before the diagnosis's window.
      out('192.0.2.9', 7_000_000, now - 40 * 60_000),
    ]);
    ownKey = await writeFlowLog(aws.s3, bucket, fleet, [out('198.51.100.4', 1_000_000, now - 30_000)]);
  });

  test("a first scan reads today's gzipped deliveries and the plain ones, not the days before", async () => {
    const read = [];
    for await (const delivery of deliveriesAfter(aws.s3, bucket, fleet, {})) read.push(delivery);
    expect(read.map((d) => d.key)).toEqual([ownKey, first]);
    expect(read[1]?.records.map((r) => [r.dstaddr, r.bytes])).toEqual([
      ['203.0.113.66', 300_000_000],
      ['192.0.2.9', 7_000_000],
    ]);
  });

  test('the next scan reads only what came after, per region and flow log, and the plain deliveries too', async () => {
    const scan = async (cursor?: string) => {
      const start = parseFlowLogCursor(cursor);
      let at = start;
      const keys: string[] = [];
      for await (const delivery of deliveriesAfter(aws.s3, bucket, fleet, { cursor: start })) {
        keys.push(delivery.key);
        at = advanceFlowLogCursor(at, delivery.key);
      }
      return { keys, cursor: formatFlowLogCursor(at) };
    };
    const firstScan = await scan();
    expect(firstScan.keys).toEqual([ownKey, first]);
    const later = await awsDelivery(now, [out('203.0.113.66', 1_000, now)]);
    // A second flow log and a second region: their keys sort before the last one read.
    const otherFlowLog = await awsDelivery(now, [out('203.0.113.67', 1_000, now)], 'fl-00aaaa');
    const otherRegion = await awsDelivery(now, [out('203.0.113.68', 1_000, now)], 'fl-0a1b2c', 'ap-south-1');
    const plainLater = await writeFlowLog(aws.s3, bucket, fleet, [out('198.51.100.5', 1_000, now)]);
    const next = await scan(firstScan.cursor);
    expect(next.keys.sort()).toEqual([plainLater, otherRegion, otherFlowLog, later].sort());
    // Nothing new: nothing read again.
    expect((await scan(next.cursor)).keys).toEqual([]);
    // A monitor carrying one key from before the cursor had streams reads on from it.
    const legacy = await scan(first);
    expect(legacy.keys).toEqual(expect.arrayContaining([later, otherFlowLog, otherRegion]));
    expect(legacy.keys).not.toContain(first);
  });

  test('a reader wanting only what came after a moment skips objects written before it, in either layout', async () => {
    const read = [];
    for await (const delivery of deliveriesAfter(aws.s3, bucket, fleet, {
      since: new Date(Date.now() + 60_000),
    }))
      read.push(delivery.key);
    expect(read).toEqual([]);
  });

  test("an outbound surge's diagnosis counts only the window's flows, whichever layout delivered them", async () => {
    const instance = { PrivateIpAddress: SOURCE, Tags: [{ Key: FLEET_TAG, Value: fleet }] };
    const flows = await outboundFlowReader(aws.s3, bucket)(instance, new Date(now - 15 * 60_000));
    expect(flows?.line).toBe(
      `Flow logs: 301.0 MB sent from ${SOURCE} in the last 15 min: 100 % to 203.0.113.66:443.`,
    );
  });
});

describe('a flow log in a custom format (its header names the fields)', () => {
  const customFleet = 'custom-format';
  const header =
    'version vpc-id subnet-id instance-id interface-id account-id type srcaddr dstaddr srcport dstport pkt-srcaddr pkt-dstaddr protocol bytes packets start end action tcp-flags log-status flow-direction';
  const put = async (name: string, lines: string[]) => {
    const key = `${flowLogPrefix(customFleet)}AWSLogs/${ACCOUNT}/vpcflowlogs/us-east-1/${day(Date.now())}/${ACCOUNT}_vpcflowlogs_us-east-1_${name}_${Date.now()}.log.gz`;
    await aws.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: gzipSync(lines.join('\n')) }));
    return key;
  };

  test('its records are read by name; a format without the bytes, or Parquet, is reported, not taken for quiet', async () => {
    const start = Math.floor(Date.now() / 1000);
    const readable = await put('fl-custom', [
      header,
      `5 vpc-1 subnet-1 i-1 eni-1 ${ACCOUNT} IPv4 203.0.113.70 10.42.1.4 41000 443 203.0.113.70 10.42.1.4 6 5120 8 ${start} ${start + 60} ACCEPT 2 OK ingress`,
    ]);
    const blind = await put('fl-nobytes', [
      'version srcaddr dstaddr srcport dstport packets start action log-status',
      `5 203.0.113.71 10.42.1.4 41000 443 8 ${start} ACCEPT OK`,
    ]);
    const parquetKey = `${flowLogPrefix(customFleet)}AWSLogs/${ACCOUNT}/vpcflowlogs/us-east-1/${day(Date.now())}/${ACCOUNT}_vpcflowlogs_us-east-1_fl-parquet_${Date.now()}.log.parquet`;
    await aws.s3.send(
      new PutObjectCommand({ Bucket: bucket, Key: parquetKey, Body: Buffer.from('PAR1\u0015\u0004binary') }),
    );
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      const read = [];
      for await (const delivery of deliveriesAfter(aws.s3, bucket, customFleet, {})) read.push(delivery);
      expect(read.map((d) => [d.key, d.records])).toEqual([
        [
          readable,
          [
            {
              srcaddr: '203.0.113.70',
              dstaddr: '10.42.1.4',
              srcport: 41000,
              dstport: 443,
              packets: 8,
              bytes: 5120,
              start,
              action: 'ACCEPT',
            },
          ],
        ],
        [blind, []],
        [parquetKey, []],
      ]);
      expect(warn).toHaveBeenCalledWith(
        `flow-log delivery s3://${bucket}/${blind} cannot be judged: its format has no bytes (header: "version srcaddr dstaddr srcport dstport packets start action log-status")`,
      );
      expect(warn).toHaveBeenCalledWith(
        `flow-log delivery s3://${bucket}/${parquetKey} cannot be judged: it is Parquet: set the flow log's file format to plain text`,
      );
      expect(warn).toHaveBeenCalledTimes(2);
    } finally {
      warn.mockRestore();
    }
  });
});
