import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { EC2Client } from '@aws-sdk/client-ec2';
import { DEFAULT_IDLE_THRESHOLDS, idleVerdict, monthlySaving, type IdleThresholds } from '../domain/cost';
import type { MetricPoint } from '../domain/detection';
import { listFleetInstances } from './fleet';
import { stateOf, tagValue } from './instances';
import { readEc2Metrics } from './metrics';
import { PROTECT_TAG } from './tags';

export interface IdleScanInput {
  fleet: string;
  windowSeconds: number;
  periodSeconds: number;
  thresholds?: IdleThresholds;
}

export interface IdleInstance {
  instanceId: string;
  instanceType?: string;
  reason: string;
  /** USD a month saved by stopping it; absent when the type's price is unknown. */
  monthlySaving?: number;
}

/** Adds NetworkIn and NetworkOut per period: idleness is about traffic either way. */
function networkPerPeriod(inbound: MetricPoint[], outbound: MetricPoint[]): MetricPoint[] {
  const total = new Map<string, number>();
  for (const p of [...inbound, ...outbound]) total.set(p.at, (total.get(p.at) ?? 0) + p.value);
  return [...total.entries()].map(([at, value]) => ({ at, value }));
}

/** The cost agent's read: running instances of a fleet that were quiet for the whole window. */
export function createCostActivities(ec2: EC2Client, cloudwatch: CloudWatchClient) {
  async function findIdleInstances(input: IdleScanInput): Promise<IdleInstance[]> {
    const running = (await listFleetInstances(ec2, input.fleet)).filter(
      (i) => stateOf(i) === 'running' && tagValue(i, PROTECT_TAG) !== 'true',
    );
    if (running.length === 0) return [];
    const until = new Date();
    const since = new Date(until.getTime() - input.windowSeconds * 1000);
    const ids = running.map((i) => i.InstanceId ?? '');
    const series = await readEc2Metrics(
      cloudwatch,
      ids.flatMap((instanceId) =>
        (['CPUUtilization', 'NetworkIn', 'NetworkOut'] as const).map((metric) => ({ instanceId, metric })),
      ),
      since,
      until,
      input.periodSeconds,
      'exact-start',
    );
    const expected = Math.floor(input.windowSeconds / input.periodSeconds);
    const idle: IdleInstance[] = [];
    for (const instance of running) {
      const id = instance.InstanceId ?? '';
      const verdict = idleVerdict(
        series.get(`${id}/CPUUtilization`) ?? [],
        networkPerPeriod(series.get(`${id}/NetworkIn`) ?? [], series.get(`${id}/NetworkOut`) ?? []),
        expected,
        input.thresholds ?? DEFAULT_IDLE_THRESHOLDS,
      );
      if (!verdict.idle) continue;
      const saving = monthlySaving(instance.InstanceType);
      idle.push({
        instanceId: id,
        ...(instance.InstanceType ? { instanceType: instance.InstanceType } : {}),
        reason: verdict.reason,
        ...(saving !== undefined ? { monthlySaving: saving } : {}),
      });
    }
    return idle;
  }
  return { findIdleInstances };
}
