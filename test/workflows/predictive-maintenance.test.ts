import { DescribeInstancesCommand, DescribeVolumesCommand } from '@aws-sdk/client-ec2';
import { createChaos } from '../../activities/chaos';
import { createDetectionActivities } from '../../activities/detection';
import { createFleet } from '../../activities/fleet';
import { startHarness, type MedicHarness } from '../support/harness';

let h: MedicHarness;

beforeAll(async () => {
  h = await startHarness('maintenance');
}, 120_000);

afterAll(async () => h?.teardown());

async function rootVolumeSize(instanceId: string): Promise<number | undefined> {
  const instance = (await h.aws.ec2.send(new DescribeInstancesCommand({ InstanceIds: [instanceId] })))
    .Reservations?.[0]?.Instances?.[0];
  const volumeId = instance?.BlockDeviceMappings?.[0]?.Ebs?.VolumeId;
  return (await h.aws.ec2.send(new DescribeVolumesCommand({ VolumeIds: [volumeId ?? ''] }))).Volumes?.[0]
    ?.Size;
}

/** One scan of the detection loop with its test settings and one failure level. */
const scanWith = (levels: { diskFullPercent?: number; errorRateFailurePercent?: number }, fleet: string) =>
  createDetectionActivities(h.aws.ec2, h.aws.cloudwatch, h.env.client, {
    metricPeriodSeconds: 10,
    lookbackMinutes: 15,
    cpuHighPercent: 90,
    cpuWindowPoints: 3,
    cpuAnomalyFloorPercent: 50,
    forecastHorizonMinutes: 24 * 60,
    ...levels,
  }).scanFleet({ fleet, watermarks: {} });

describe('predictive maintenance', () => {
  test('the detection loop predicts the time to full, and the proactive incident grows the volume before it fails', async () => {
    const fleet = `pm-${process.pid}`;
    const { instances } = await createFleet(h.aws, { fleet, size: 2, manualCount: 0 });
    const [filling, calm] = instances.map((i) => i.instanceId);
    await createChaos(h.aws.ec2, h.aws.cloudwatch).diskFill(filling);
    const scan = await scanWith({ diskFullPercent: 95 }, fleet);
    const findings = scan.findings.filter((f) => f.kind === 'disk-filling');
    expect(findings.map((f) => f.resourceId)).toEqual([filling]);
    expect(findings[0]?.severity).toBe('critical');
    expect(findings[0]?.summary).toMatch(/predicted full \(95%\) in \d+ min/);
    expect(calm).toBeDefined();

    const before = await rootVolumeSize(filling);
    const handle = await h.open({
      resourceId: filling,
      kind: 'disk-filling',
      severity: findings[0].severity,
      summary: findings[0].summary,
      source: `detector:${fleet}`,
    });
    const state = await h.stateWhen(handle, 'resolved');
    expect(state.plan.map((s) => s.action)).toEqual(['expand-volume']);
    expect(state.report?.issueDetected).toMatch(/Nothing has failed yet/);
    const after = await rootVolumeSize(filling);
    expect(after).toBe(Math.ceil((before ?? 0) * 1.5));
  });

  test('an error rate drifting up on one instance is caught before it fails and healed by a restart', async () => {
    const fleet = `er-${process.pid}`;
    const { instances } = await createFleet(h.aws, { fleet, size: 2, manualCount: 0 });
    const [degrading] = instances.map((i) => i.instanceId);
    await createChaos(h.aws.ec2, h.aws.cloudwatch).errorDrift(degrading);
    const scan = await scanWith({ errorRateFailurePercent: 5 }, fleet);
    expect(scan.findings.map((f) => [f.resourceId, f.kind])).toEqual([[degrading, 'error-rate-rising']]);
    const finding = scan.findings[0];
    const handle = await h.open({
      resourceId: degrading,
      kind: 'error-rate-rising',
      severity: finding.severity,
      summary: finding.summary,
      source: `detector:${fleet}`,
    });
    const state = await h.stateWhen(handle, 'resolved');
    expect(state.report?.resolutionProcess.map((s) => [s.action, s.outcome])).toEqual([
      ['reboot-instance', 'succeeded'],
    ]);
    // The trend forecast opened it; the streaming detector did not judge it.
    expect(state.models).toMatchObject({ 'trend-forecast': 'theil-sen-trend-1' });
    expect(state.models).not.toHaveProperty('detector');
  });
});
