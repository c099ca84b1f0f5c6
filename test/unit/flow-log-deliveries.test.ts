import { gzipSync } from 'node:zlib';
import { awsKeyDayMs, deliveryText, utcDaysBetween } from '../../activities/flow-log-deliveries';
import {
  advanceFlowLogCursor,
  formatFlowLogCursor,
  isUnread,
  parseFlowLogCursor,
  streamOf,
} from '../../domain/flow-log-cursor';

describe('reading flow-log deliveries in either layout (decision 0062)', () => {
  test("AWS's gzipped deliveries are unpacked, the chaos tool's plain text read as it is", () => {
    const text = 'version account-id\n2 123 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 40 1 2 ACCEPT OK';
    expect(deliveryText(gzipSync(text))).toBe(text);
    expect(deliveryText(Buffer.from(text))).toBe(text);
    expect(deliveryText(new Uint8Array())).toBe('');
  });

  test('the day folders from a start to now, across a month and a year', () => {
    expect(utcDaysBetween(Date.UTC(2026, 11, 30, 23, 50), Date.UTC(2027, 0, 1, 0, 5))).toEqual([
      '2026/12/30',
      '2026/12/31',
      '2027/01/01',
    ]);
    expect(utcDaysBetween(Date.UTC(2026, 10, 28, 9), Date.UTC(2026, 10, 28, 10))).toEqual(['2026/11/28']);
  });

  test('the day an AWS key was delivered on; none for other keys', () => {
    expect(
      awsKeyDayMs(
        'flow-logs/web/AWSLogs/123456789012/vpcflowlogs/us-east-1/2026/11/28/123456789012_vpcflowlogs_us-east-1_fl-1_20261128T1405Z_ab.log.gz',
      ),
    ).toBe(Date.UTC(2026, 10, 28));
    expect(awsKeyDayMs('flow-logs/web/2026-11-28T14:05:00.000Z-ab12cd34.log')).toBeUndefined();
  });
});

describe('the flood scan keeps its place per delivery stream (decision 0062, session 25)', () => {
  const key = (region: string, flowLog: string, stamp: string) =>
    `flow-logs/web/AWSLogs/123456789012/vpcflowlogs/${region}/2026/11/28/123456789012_vpcflowlogs_${region}_${flowLog}_${stamp}Z_ab.log.gz`;
  const plain = 'flow-logs/web/2026-11-28T14:05:00.000Z-ab12cd34.log';

  test('a stream is an account, a region and a flow log', () => {
    expect(streamOf(key('us-east-1', 'fl-1', '20261128T1405'))).toBe(
      'flow-logs/web/AWSLogs/123456789012/vpcflowlogs/us-east-1/fl-1',
    );
    expect(streamOf(key('us-east-1', 'fl-1', '20261128T1410'))).toBe(
      streamOf(key('us-east-1', 'fl-1', '20261128T1405')),
    );
    expect(streamOf(key('us-east-1', 'fl-2', '20261128T1405'))).not.toBe(
      streamOf(key('us-east-1', 'fl-1', '20261128T1405')),
    );
  });

  test('each stream and the plain layout advance on their own; a later key of another stream sorting first is unread', () => {
    let cursor = parseFlowLogCursor(undefined);
    for (const k of [plain, key('us-east-1', 'fl-2', '20261128T1405')])
      cursor = advanceFlowLogCursor(cursor, k);
    expect(isUnread(cursor, key('us-east-1', 'fl-2', '20261128T1405'))).toBe(false);
    expect(isUnread(cursor, key('us-east-1', 'fl-1', '20261128T1410'))).toBe(true);
    expect(isUnread(cursor, key('ap-south-1', 'fl-2', '20261128T1400'))).toBe(true);
    expect(isUnread(cursor, plain)).toBe(false);
    expect(isUnread(cursor, 'flow-logs/web/2026-11-28T14:06:00.000Z-ff.log')).toBe(true);
    // Carried as a string, it reads back the same.
    expect(parseFlowLogCursor(formatFlowLogCursor(cursor))).toEqual(cursor);
  });

  test('a cursor carried before streams existed is read as it was meant', () => {
    expect(formatFlowLogCursor(parseFlowLogCursor(plain))).toBe(plain);
    const aws = key('us-east-1', 'fl-1', '20261128T1405');
    expect(parseFlowLogCursor(aws)).toEqual({ streams: { [streamOf(aws)]: aws } });
  });
});
