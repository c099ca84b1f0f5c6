import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { EC2Client } from '@aws-sdk/client-ec2';
import {
  DEFAULT_IDLE_THRESHOLDS,
  downsizeSaving,
  idleVerdict,
  monthlySaving,
  OVERSIZED_CPU_BELOW_PERCENT,
  type IdleThresholds,
} from '../domain/cost';
import { previousInstanceSize } from '../domain/sizing';
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

export interface OversizedInstance extends IdleInstance {
  smallerType: string;
}

/** The cost agent's reads: running instances of a fleet that were quiet, or small for their size, all window. */
export function createCostActivities(ec2: EC2Client, cloudwatch: CloudWatchClient) {
  /** Each running, unprotected instance with its CPU and network over the window. */
  async function observe(input: IdleScanInput) {
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
    return running.map((instance) => {
      const id = instance.InstanceId ?? '';
      const cpu = series.get(`${id}/CPUUtilization`) ?? [];
      const verdict = idleVerdict(
        cpu,
        networkPerPeriod(series.get(`${id}/NetworkIn`) ?? [], series.get(`${id}/NetworkOut`) ?? []),
        expected,
        input.thresholds ?? DEFAULT_IDLE_THRESHOLDS,
      );
      return { instance, id, cpu, expected, verdict };
    });
  }

  async function findIdleInstances(input: IdleScanInput): Promise<IdleInstance[]> {
    const idle: IdleInstance[] = [];
    for (const { instance, id, verdict } of await observe(input)) {
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
  /** Not idle, but CPU never reached a fifth of the instance: one size smaller would do. */
  async function findOversizedInstances(input: IdleScanInput): Promise<OversizedInstance[]> {
    const found: OversizedInstance[] = [];
    for (const { instance, id, cpu, expected, verdict } of await observe(input)) {
      const smallerType = previousInstanceSize(instance.InstanceType);
      if (verdict.idle || !smallerType || cpu.length < DEFAULT_IDLE_THRESHOLDS.minCoverage * expected)
        continue;
      const peak = Math.max(...cpu.map((p) => p.value));
      if (peak >= OVERSIZED_CPU_BELOW_PERCENT) continue;
      const saving = downsizeSaving(instance.InstanceType, smallerType);
      found.push({
        instanceId: id,
        ...(instance.InstanceType ? { instanceType: instance.InstanceType } : {}),
        smallerType,
        reason: `CPU at most ${peak.toFixed(1)}% (busy enough not to be idle: ${verdict.reason})`,
        ...(saving !== undefined ? { monthlySaving: saving } : {}),
      });
    }
    return found;
  }

  return { findIdleInstances, findOversizedInstances };
}
