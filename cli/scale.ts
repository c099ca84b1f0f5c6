import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { TASK_QUEUES } from '../domain/config';
import { scalingAgentWorkflowId } from '../domain/ids';
import { DEFAULT_PREDICTIVE } from '../domain/scaling/live-forecast';
import { scalingStateQuery, stopScalingSignal, type ScalingState } from '../workflows/scaling-agent';
import { intFlag, parseFlags, requireFlag, UsageError } from './args';

type WithTemporal = <T>(fn: (client: Client) => Promise<T>) => Promise<T>;

/** Recent capacity changes `medic scale status` lists. */
const RECENT_CHANGES = 5;

/** What an operator asks of a running scaling agent: its last decision, its forecast, its changes. */
export function formatScalingState(state: ScalingState): string {
  const lines = [`group ${state.group}: ${state.last ?? 'no decision yet'}`];
  const f = state.forecast;
  if (f) {
    const pct = (x: number | undefined) => (x === undefined ? '-' : `${(100 * x).toFixed(1)} %`);
    lines.push(
      f.ready
        ? `forecast: peak ${Math.round(f.peak ?? 0)} instance-% over the boot time (upper ${Math.round(f.upper ?? 0)}), needs ${f.need ?? '-'} instances`
        : 'forecast: not ready (it needs two days of demand)',
      `live one-step error ${pct(f.mape)} over ${f.measuredSteps} steps${f.fit ? `; smoothing chosen at ${pct(f.fit.heldOutMape)} on the last day (${f.fit.baselineVersion ?? 'shipped default'} ${pct(f.fit.defaultMape)})` : ''}`,
    );
    if (f.seededAt)
      lines.push(`fitted on history at ${f.seededAt}${f.refitReason ? ` (early: ${f.refitReason})` : ''}`);
  }
  const recent = state.actions.slice(-RECENT_CHANGES);
  lines.push(recent.length ? 'recent changes:' : 'no capacity changes yet');
  for (const a of recent) lines.push(`  ${a.at}  ${a.from} → ${a.to}  ${a.reason}`);
  return lines.join('\n');
}

/** The running agent's state (its `scalingState` query). */
export async function scalingState(client: Client, group: string): Promise<ScalingState> {
  try {
    return await client.workflow.getHandle(scalingAgentWorkflowId(group)).query(scalingStateQuery);
  } catch (err) {
    if (err instanceof WorkflowNotFoundError)
      throw new WorkflowNotFoundError(
        `no scaling agent runs for ${group}; start one with medic scale watch --group ${group}`,
        err.workflowId,
        err.runId,
      );
    throw err;
  }
}

/** `medic scale watch|status|stop --group NAME …`: the scaling agent for one Auto Scaling group. */
export async function scaleCommand(
  sub: string | undefined,
  args: string[],
  withTemporal: WithTemporal,
): Promise<void> {
  const flags = parseFlags(args, {
    group: { type: 'string' },
    target: { type: 'string' },
    min: { type: 'string' },
    max: { type: 'string' },
    cooldown: { type: 'string' },
    interval: { type: 'string' },
    predictive: { type: 'boolean' },
    boot: { type: 'string' },
    'refit-above': { type: 'string' },
    json: { type: 'boolean' },
  });
  const group = requireFlag(flags.group, 'group');
  if (!/^[\w.:/-]{1,255}$/.test(group))
    throw new UsageError(`--group is not an Auto Scaling group name: "${group}"`);
  const workflowId = scalingAgentWorkflowId(group);
  if (sub === 'stop') {
    await withTemporal((client) => client.workflow.getHandle(workflowId).signal(stopScalingSignal));
    console.log(`stopping the scaling agent of ${group}`);
    return;
  }
  if (sub === 'status') {
    const state = await withTemporal((client) => scalingState(client, group));
    console.log(flags.json ? JSON.stringify(state) : formatScalingState(state));
    return;
  }
  if (sub !== 'watch')
    throw new UsageError(`unknown scale command "${sub ?? ''}"; one of watch, status, stop`);
  const minSize = intFlag(flags.min, 'min', 1, 0, 10_000);
  const policy = {
    targetCpuPercent: intFlag(flags.target, 'target', 60, 1, 100),
    minSize,
    maxSize: intFlag(flags.max, 'max', 10, Math.max(1, minSize), 10_000),
    cooldownSeconds: intFlag(flags.cooldown, 'cooldown', 300, 0, 86_400),
  };
  const intervalSeconds = intFlag(flags.interval, 'interval', 60, 1, 3600);
  for (const flag of ['boot', 'refit-above'] as const)
    if (flags[flag] !== undefined && !flags.predictive) throw new UsageError(`--${flag} needs --predictive`);
  const refitAbove = flags['refit-above'];
  const predictive = flags.predictive
    ? {
        ...DEFAULT_PREDICTIVE,
        bootSeconds: intFlag(flags.boot, 'boot', DEFAULT_PREDICTIVE.bootSeconds, 0, 3600),
        ...(typeof refitAbove === 'string'
          ? { refitAboveMape: intFlag(refitAbove, 'refit-above', 30, 1, 1000) / 100 }
          : {}),
      }
    : undefined;
  await withTemporal((client) =>
    client.workflow.start('scalingAgentWorkflow', {
      workflowId,
      taskQueue: TASK_QUEUES.scaling,
      workflowIdConflictPolicy: 'USE_EXISTING',
      args: [{ group, policy, intervalSeconds, ...(predictive ? { predictive } : {}) }],
    }),
  );
  console.log(
    `scaling agent ${workflowId}: target ${policy.targetCpuPercent}% CPU, ${policy.minSize}-${policy.maxSize}, cool-down ${policy.cooldownSeconds}s${predictive ? `, predictive (boot ${predictive.bootSeconds}s; forecasting once it has two days of demand)` : ''}`,
  );
}
