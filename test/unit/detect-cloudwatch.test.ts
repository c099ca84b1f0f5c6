import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { main } from '../../cli/main';
import { awsEndpoint, destroyAws, testAws } from '../support/env';
import { consoleOutput } from '../support/console-output';

/**
 * `medic detect --instance --metric`: a metric's history read from the emulator's CloudWatch and
 * scored like a CSV file, so any metric the fleet publishes can be judged without exporting it.
 */
describe('medic detect on a CloudWatch metric', () => {
  const aws = testAws();
  const dir = mkdtempSync(join(tmpdir(), 'medic-detect-cw-'));
  const instanceId = `i-${randomBytes(8).toString('hex')}`;
  const periodMs = 300_000;
  // 600 five-minute points ending now (two days and two hours), steady traffic, one burst at 450.
  const start = Math.floor(Date.now() / periodMs) * periodMs - 600 * periodMs;
  const at = (i: number) => new Date(start + i * periodMs);
  const burst = 450;
  const output = consoleOutput();
  const savedEndpoint = process.env.AWS_ENDPOINT_URL;

  beforeAll(async () => {
    process.env.AWS_ENDPOINT_URL = awsEndpoint();
    for (let offset = 0; offset < 600; offset += 200)
      await aws.cloudwatch.send(
        new PutMetricDataCommand({
          Namespace: 'AWS/EC2',
          MetricData: Array.from({ length: 200 }, (_, k) => offset + k).map((i) => ({
            MetricName: 'NetworkIn',
            Dimensions: [{ Name: 'InstanceId', Value: instanceId }],
            Timestamp: at(i),
            Value: i === burst ? 90_000_000 : 2_000_000 + 50_000 * (i % 5),
          })),
        }),
      );
  });
  afterAll(() => {
    if (savedEndpoint === undefined) delete process.env.AWS_ENDPOINT_URL;
    else process.env.AWS_ENDPOINT_URL = savedEndpoint;
    destroyAws(aws);
  });

  test('reads the history in order, scores every point and names the anomaly', async () => {
    const file = join(dir, 'network-in.csv');
    const args = ['detect', '--instance', instanceId, '--metric', 'NetworkIn', '--since', '3d'];
    expect(await main([...args, '--output', file])).toBe(0);
    const rows = readFileSync(file, 'utf8').trim().split('\n');
    expect(rows[0]).toBe('timestamp,value,anomaly_score,is_anomaly');
    expect(rows).toHaveLength(601);
    expect(rows[1]?.split(',')[0]).toBe(at(0).toISOString());
    const flagged = rows.slice(1).flatMap((row) => (row.endsWith(',1') ? [row.split(',')[0]] : []));
    expect(flagged).toEqual([at(burst).toISOString()]);
    expect(output.join('\n')).toContain(`600 points, 1 anomaly at ${at(burst).toISOString()}`);
  });

  test("any metric, by namespace and dimensions: a load balancer's request count", async () => {
    const loadBalancer = `app/web-${instanceId.slice(2, 8)}/0123456789abcdef`;
    await aws.cloudwatch.send(
      new PutMetricDataCommand({
        Namespace: 'AWS/ApplicationELB',
        MetricData: Array.from({ length: 400 }, (_, i) => ({
          MetricName: 'RequestCount',
          Dimensions: [{ Name: 'LoadBalancer', Value: loadBalancer }],
          Timestamp: at(200 + i),
          Value: i === 300 ? 0 : 1200 + 10 * (i % 3),
        })),
      }),
    );
    const file = join(dir, 'requests.csv');
    const args = ['detect', '--metric', 'RequestCount', '--namespace', 'AWS/ApplicationELB'];
    const where = ['--dimension', `LoadBalancer=${loadBalancer}`, '--stat', 'Sum', '--since', '3d'];
    expect(await main([...args, ...where, '--output', file])).toBe(0);
    const rows = readFileSync(file, 'utf8').trim().split('\n').slice(1);
    expect(rows).toHaveLength(400);
    // The drop to zero requests is the anomaly: a detector that judges rises only would miss it.
    expect(rows.flatMap((row) => (row.endsWith(',1') ? [row.split(',')[0]] : []))).toEqual([
      at(500).toISOString(),
    ]);
    expect(output.join('\n')).toContain(
      `AWS/ApplicationELB RequestCount {LoadBalancer=${loadBalancer}} (Sum, 300 s)`,
    );
  });

  test('a metric without its namespace, or two sources at once, is a usage error naming the flag', async () => {
    const out = join(dir, 'x.csv');
    /** Exits 2 (bad usage) and says what is wrong. */
    const refused = async (args: string[], message: string) => {
      output.length = 0;
      expect(await main(['detect', ...args, '--output', out])).toBe(2);
      expect(output.join('\n')).toContain(message);
    };
    await refused(['--instance', instanceId, '--metric', 'Bogus'], '--namespace is required for Bogus');
    await refused(
      ['--metric', 'RequestCount', '--namespace', 'AWS/ELB', '--dimension', 'x'],
      '--dimension must be Name=Value, got "x"',
    );
    await refused(['--instance', instanceId, '--input', 'a.csv', '--metric', 'NetworkIn'], 'not both');
    await refused(
      ['--instance', instanceId, '--metric', 'NetworkIn', '--period', '90'],
      '--period must be a multiple of 60 seconds',
    );
  });
});
