import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { TASK_QUEUES } from '../domain/config';
import {
  DEFAULT_CANARY_STEPS,
  DEPLOY_STRATEGIES,
  type DeployRequest,
  type DeployStrategy,
} from '../domain/deploy';
import { deployDecisionUpdate, deployStateQuery, type DeployState } from '../workflows/deploy';
import { durationFlag, parseFlags, requireFlag, UsageError } from './args';

type WithTemporal = <T>(fn: (client: Client) => Promise<T>) => Promise<T>;

/** One deploy per group at a time: the workflow id is the group's. */
export const deployWorkflowId = (group: string) => `deploy-${group}`;

/** The request `medic deploy start` sends, from its flags; every bad flag is named. */
export function deployRequestFrom(args: string[]): DeployRequest {
  const flags = parseFlags(args, {
    group: { type: 'string' },
    version: { type: 'string' },
    strategy: { type: 'string' },
    steps: { type: 'string' },
    bake: { type: 'string' },
    mode: { type: 'string' },
    by: { type: 'string' },
    timeout: { type: 'string' },
  });
  const group = requireFlag(flags.group, 'group');
  const version = requireFlag(flags.version, 'version');
  if (!/^\d+$/.test(version))
    throw new UsageError(`--version must be a launch template version number, got "${version}"`);
  const strategy = (flags.strategy ?? 'canary') as DeployStrategy;
  if (!DEPLOY_STRATEGIES.includes(strategy))
    throw new UsageError(
      `--strategy must be one of ${DEPLOY_STRATEGIES.join(', ')}, got "${flags.strategy}"`,
    );
  const bake = flags.bake ?? '5m';
  durationFlag(bake, 'bake', { example: '5m' });
  const mode = flags.mode ?? 'auto';
  if (mode !== 'auto' && mode !== 'manual')
    throw new UsageError(`--mode must be auto or manual, got "${mode}"`);
  const steps = flags.steps ? flags.steps.split(',').map((s) => s.trim()) : DEFAULT_CANARY_STEPS;
  for (const step of steps)
    if (!/^(\d+|\d{1,3}%)$/.test(step))
      throw new UsageError(`--steps entries must be counts or shares like 1,25%,100%, got "${step}"`);
  if (flags.timeout !== undefined) durationFlag(flags.timeout, 'timeout', { example: '1h' });
  return {
    group,
    version,
    strategy,
    steps,
    bake,
    mode,
    ...(flags.timeout ? { approvalTimeout: flags.timeout } : {}),
    ...(flags.by ? { requestedBy: flags.by } : {}),
  };
}

function printState(state: DeployState, from = 0): number {
  for (const entry of state.timeline.slice(from))
    console.log(`${entry.at}  ${entry.status.padEnd(18)} ${entry.message}`);
  return state.timeline.length;
}

/** `medic deploy start|status|promote|rollback`: releases with canary or blue-green and automatic rollback. */
export async function deployCommand(sub: string | undefined, args: string[], withTemporal: WithTemporal) {
  if (sub === 'start') {
    const request = deployRequestFrom(args.filter((a) => a !== '--follow'));
    const follow = args.includes('--follow');
    return withTemporal(async (client) => {
      try {
        await client.workflow.start('deployWorkflow', {
          taskQueue: TASK_QUEUES.delivery,
          workflowId: deployWorkflowId(request.group),
          args: [request],
        });
      } catch (err) {
        if (err instanceof WorkflowExecutionAlreadyStartedError)
          throw new UsageError(
            `a deploy of ${request.group} is already running (medic deploy status --group ${request.group})`,
          );
        throw err;
      }
      console.log(
        `deploy ${deployWorkflowId(request.group)}: ${request.strategy} of version ${request.version} (${request.mode.toUpperCase()})`,
      );
      if (!follow) return;
      const handle = client.workflow.getHandle(deployWorkflowId(request.group));
      let shown = 0;
      for (;;) {
        const state = await handle.query(deployStateQuery);
        shown = printState(state, shown);
        if (state.status === 'deployed' || state.status === 'rolled_back') return;
        await new Promise((r) => setTimeout(r, 1000));
      }
    });
  }
  const flags = parseFlags(args, {
    group: { type: 'string' },
    by: { type: 'string' },
    reason: { type: 'string' },
    json: { type: 'boolean' },
  });
  const handleOf = (client: Client) =>
    client.workflow.getHandle(deployWorkflowId(requireFlag(flags.group, 'group')));
  if (sub === 'status')
    return withTemporal(async (client) => {
      const state = await handleOf(client).query(deployStateQuery);
      if (flags.json) console.log(JSON.stringify(state));
      else printState(state);
    });
  if (sub === 'promote' || sub === 'rollback')
    return withTemporal(async (client) => {
      const status = await handleOf(client).executeUpdate(deployDecisionUpdate, {
        args: [{ decision: sub, by: flags.by ?? process.env.USER ?? 'operator', reason: flags.reason }],
      });
      console.log(`deploy of ${flags.group}: ${sub} accepted, now ${status}`);
    });
  throw new UsageError(`unknown deploy command "${sub ?? ''}"; one of start, status, promote, rollback`);
}
