import { randomBytes } from 'node:crypto';
import { PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { METRIC_READ_SLICE_MS, readEc2Metrics } from '../../activities/metrics';
import { destroyAws, testAws } from '../support/env';

/**
 * A long read is made of day-long GetMetricData calls against the emulator's CloudWatch: every
 * datapoint comes back once, oldest first, whether it sits inside a day or on the edge between two.
 */
describe('reading a metric over several days', () => {
  const aws = testAws();
  const instanceId = `i-${randomBytes(8).toString('hex')}`;
  const hour = 3_600_000;
  const end = Math.floor(Date.now() / hour) * hour - hour;
  const start = end - 3 * METRIC_READ_SLICE_MS;
  // Hourly points over three days, plus one on each slice edge at the minute.
  const times = [
    ...Array.from({ length: 72 }, (_, i) => start + i * hour + 30 * 60_000),
    start + METRIC_READ_SLICE_MS,
    start + 2 * METRIC_READ_SLICE_MS,
  ].sort((a, b) => a - b);

  beforeAll(async () => {
    await aws.cloudwatch.send(
      new PutMetricDataCommand({
        Namespace: 'AWS/EC2',
        MetricData: times.map((at, i) => ({
          MetricName: 'CPUUtilization',
          Dimensions: [{ Name: 'InstanceId', Value: instanceId }],
          Timestamp: new Date(at),
          Value: i,
        })),
      }),
    );
  });

  afterAll(() => destroyAws(aws));

  test('every datapoint once, in time order, across the slice edges', async () => {
    const read = await readEc2Metrics(
      aws.cloudwatch,
      [{ instanceId, metric: 'CPUUtilization' }],
      new Date(start),
      new Date(end),
      60,
    );
    const points = read.get(`${instanceId}/CPUUtilization`) ?? [];
    expect(points.map((p) => Date.parse(p.at))).toEqual(times);
    expect(points.map((p) => p.value)).toEqual(times.map((_, i) => i));
  });

  test('a range shorter than a period reads nothing rather than failing', async () => {
    const read = await readEc2Metrics(
      aws.cloudwatch,
      [{ instanceId, metric: 'CPUUtilization' }],
      new Date(end + 1000),
      new Date(end + 2000),
      60,
    );
    expect(read.get(`${instanceId}/CPUUtilization`) ?? []).toEqual([]);
  });
});
