import { condition, continueAsNew, proxyActivities, setHandler } from '@temporalio/workflow';
import type { MedicActivities } from '../activities';
import type { Mode } from '../domain/incident';
import { stopMonitoringSignal } from './messages';

const agent = proxyActivities<MedicActivities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds' },
});

export interface CostAgentInput {
  fleet: string;
  /** How often the fleet is checked. */
  intervalSeconds: number;
  /** How long an instance must be quiet to be proposed (e.g. 24 h). */
  windowSeconds: number;
  periodSeconds: number;
  /** MANUAL unless the operator chose otherwise: stopping is a business decision. */
  mode?: Mode;
  /** Instance → when it was last proposed (ms), carried across continue-as-new. */
  proposed?: Record<string, number>;
  scansPerRun?: number;
}

const DAY_MS = 86_400_000;
const SCANS_PER_RUN = 200;

/**
 * The cost agent for one fleet: instances idle for the whole window become `instance-idle`
 * incidents that propose a stop (MANUAL by default) with the monthly saving in their summary. An
 * instance is proposed at most once a day, so a declined proposal is not repeated every scan.
 */
export async function costAgentWorkflow(input: CostAgentInput): Promise<{ proposed: number }> {
  // Idle instances are proposed for a stop; busy-enough but oversized ones for a smaller type.
  let stopping = false;
  const proposed: Record<string, number> = { ...input.proposed };
  setHandler(stopMonitoringSignal, () => {
    stopping = true;
  });
  const nowMs = () => new Date().getTime();
  for (let scan = 0; scan < (input.scansPerRun ?? SCANS_PER_RUN) && !stopping; scan++) {
    const idle = await agent.findIdleInstances({
      fleet: input.fleet,
      windowSeconds: input.windowSeconds,
      periodSeconds: input.periodSeconds,
    });
    for (const instance of idle) {
      if (nowMs() - (proposed[instance.instanceId] ?? 0) < DAY_MS) continue;
      const saving =
        instance.monthlySaving !== undefined
          ? `stopping it saves about $${instance.monthlySaving.toFixed(2)} a month (${instance.instanceType}, on-demand)`
          : `stopping it saves its compute cost (${instance.instanceType ?? 'unknown type'}: no price on file)`;
      await agent.openIncident({
        resourceId: instance.instanceId,
        kind: 'instance-idle',
        mode: input.mode ?? 'manual',
        severity: 'low',
        source: 'cost-agent',
        summary: `${instance.instanceId} idle for ${Math.round(input.windowSeconds / 60)} min (${instance.reason}); ${saving}.`,
      });
      proposed[instance.instanceId] = nowMs();
    }
    const oversized = await agent.findOversizedInstances({
      fleet: input.fleet,
      windowSeconds: input.windowSeconds,
      periodSeconds: input.periodSeconds,
    });
    for (const instance of oversized) {
      const key = `${instance.instanceId}/oversized`;
      if (nowMs() - (proposed[key] ?? 0) < DAY_MS) continue;
      const saving =
        instance.monthlySaving !== undefined
          ? `saves about $${instance.monthlySaving.toFixed(2)} a month (on-demand)`
          : 'saves the price difference (no price on file)';
      await agent.openIncident({
        resourceId: instance.instanceId,
        kind: 'instance-oversized',
        mode: input.mode ?? 'manual',
        severity: 'low',
        source: 'cost-agent',
        summary: `${instance.instanceId} is larger than it needs over ${Math.round(input.windowSeconds / 60)} min (${instance.reason}); ${instance.instanceType} → ${instance.smallerType} ${saving}.`,
      });
      proposed[key] = nowMs();
    }
    if (await condition(() => stopping, input.intervalSeconds * 1000)) break;
  }
  if (stopping) return { proposed: Object.keys(proposed).length };
  // Forget proposals older than a day so the carried state stays small.
  const recent = Object.fromEntries(Object.entries(proposed).filter(([, at]) => nowMs() - at < DAY_MS));
  return continueAsNew<typeof costAgentWorkflow>({ ...input, proposed: recent });
}

export const costAgentWorkflowId = (fleet: string) => `cost-agent-${fleet}`;
