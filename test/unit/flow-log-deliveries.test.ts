import { gzipSync } from 'node:zlib';
import { awsKeyDayMs, deliveryText, utcDaysBetween } from '../../activities/flow-log-deliveries';

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
