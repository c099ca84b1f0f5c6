import {
  patched,
  ApplicationFailure,
  condition,
  defineQuery,
  defineUpdate,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { MedicActivities } from '../activities';
import {
  canaryTargets,
  DEFAULT_CANARY_STEPS,
  judgeRelease,
  type DeployRequest,
  type ReleaseThresholds,
  type ReleaseVerdict,
} from '../domain/deploy';
import { parseDuration } from '../domain/duration';

const aws = proxyActivities<MedicActivities>({
  startToCloseTimeout: '15 minutes',
  heartbeatTimeout: '1 minute',
  retry: {
    initialInterval: '2 seconds',
    maximumInterval: '30 seconds',
    maximumAttempts: 10,
    nonRetryableErrorTypes: [
      'GroupNotFound',
      'NoLaunchTemplate',
      'NoTargetGroup',
      'NoListener',
      'InstanceTerminated',
    ],
  },
});

export type DeployStatus =
  | 'starting'
  | 'rolling'
  | 'baking'
  | 'awaiting_promotion'
  | 'switching'
  | 'rolling_back'
  | 'deployed'
  | 'rolled_back';

export interface DeployState {
  deployId: string;
  group: string;
  strategy: DeployRequest['strategy'];
  mode: DeployRequest['mode'];
  fromVersion?: string;
  version: string;
  status: DeployStatus;
  /** New-instance counts per canary step (blue-green: one step, the whole green group). */
  targets: number[];
  step: number;
  newInstances: string[];
  retiredInstances: string[];
  verdicts: (ReleaseVerdict & { step: number; at: string })[];
  /** The group serving traffic at the end (blue-green: the green group after the switch). */
  liveGroup: string;
  timeline: { at: string; status: DeployStatus; message: string }[];
  conclusion?: string;
}

export interface DeployDecision {
  decision: 'promote' | 'rollback';
  by: string;
  reason?: string;
}

export const deployStateQuery = defineQuery<DeployState>('deployState');
/** MANUAL deploys: promote the current step or roll back; a rollback is also taken while baking. */
export const deployDecisionUpdate = defineUpdate<DeployStatus, [DeployDecision]>('deployDecision');

const DEFAULT_THRESHOLDS: ReleaseThresholds = { cpuHighPercent: 90, maxCpuIncreasePoints: 25 };

/**
 * A release of a launch template version to an Auto Scaling group, watched at every step.
 * Canary: new instances replace old ones step by step (surge first, then retire), each step baked
 * on a durable timer and judged on alarms, status checks and CPU against the old version; a bad
 * signal (or a person) rolls back to the old version. Blue-green: a green group on the new
 * version behind its own target group is baked, the listener switched, watched again, and
 * switched back on a bad signal. MANUAL asks a person between steps.
 */
export async function deployWorkflow(
  request: DeployRequest & { thresholds?: ReleaseThresholds },
): Promise<DeployState> {
  const info = workflowInfo();
  const now = () => new Date().toISOString();
  const bakeMs = parseDuration(request.bake);
  if (bakeMs === undefined)
    throw ApplicationFailure.nonRetryable(
      `bake "${request.bake}" is not a duration like 5m`,
      'InvalidDeploy',
    );
  const state: DeployState = {
    deployId: `${info.workflowId}@${info.runId.slice(0, 8)}`,
    group: request.group,
    strategy: request.strategy,
    mode: request.mode,
    version: request.version,
    status: 'starting',
    targets: [],
    step: 0,
    newInstances: [],
    retiredInstances: [],
    verdicts: [],
    liveGroup: request.group,
    timeline: [],
  };
  const move = (status: DeployStatus, message: string) => {
    state.status = status;
    state.timeline.push({ at: now(), status, message });
  };
  let decision: DeployDecision | undefined;
  setHandler(deployStateQuery, () => state);
  setHandler(
    deployDecisionUpdate,
    (incoming) => {
      decision = incoming;
      state.timeline.push({
        at: now(),
        status: state.status,
        message: `${incoming.decision} by ${incoming.by}${incoming.reason ? `: ${incoming.reason}` : ''}`,
      });
      return incoming.decision === 'promote' ? 'rolling' : 'rolling_back';
    },
    {
      validator: (incoming: DeployDecision) => {
        if (incoming?.decision !== 'promote' && incoming?.decision !== 'rollback')
          throw new Error('decision must be promote or rollback');
        if (typeof incoming.by !== 'string' || incoming.by.trim() === '')
          throw new Error('"by" must name a person');
        const open =
          state.status === 'awaiting_promotion' ||
          (incoming.decision === 'rollback' && state.status === 'baking');
        if (!open)
          throw new Error(`the deploy is ${state.status}; it takes that decision only while it waits`);
      },
    },
  );
  const thresholds = request.thresholds ?? DEFAULT_THRESHOLDS;
  // Read through a function: the update handler assigns `decision` behind the compiler's back.
  const currentDecision = (): DeployDecision | undefined => decision;
  const rolledBackByPerson = () => currentDecision()?.decision === 'rollback';

  /** Bakes, then judges; a person's rollback cuts the bake short. True = the step may go on. */
  const bakeAndJudge = async (evidenceOf: () => Promise<Parameters<typeof judgeRelease>[0]>) => {
    move('baking', `Step ${state.step}: watching for ${request.bake}`);
    await condition(() => decision?.decision === 'rollback', bakeMs);
    if (decision?.decision === 'rollback') return false;
    const verdict = judgeRelease(await evidenceOf(), thresholds);
    state.verdicts.push({ ...verdict, step: state.step, at: now() });
    if (!verdict.healthy) {
      state.timeline.push({
        at: now(),
        status: state.status,
        message: `Bad signal: ${verdict.reasons.join('; ')}`,
      });
      return false;
    }
    state.timeline.push({ at: now(), status: state.status, message: `Step ${state.step} healthy` });
    return true;
  };
  /** MANUAL: a person promotes or rolls back; no answer in time rolls back (the safe default). */
  const promoted = async (isLast: boolean) => {
    if (request.mode !== 'manual' || isLast) return true;
    decision = undefined;
    const timeout = request.approvalTimeout ?? '1h';
    move(
      'awaiting_promotion',
      `Step ${state.step} healthy; waiting for promote or rollback (timeout ${timeout})`,
    );
    await condition(() => decision !== undefined, parseDuration(timeout) ?? 3_600_000);
    const answer = currentDecision();
    if (answer?.decision === 'promote') return true;
    if (!answer)
      state.timeline.push({ at: now(), status: state.status, message: `No decision within ${timeout}` });
    return false;
  };
  const finish = (status: 'deployed' | 'rolled_back', conclusion: string) => {
    state.conclusion = conclusion;
    move(status, conclusion);
    return state;
  };

  const release = await aws.describeRelease({ group: request.group });
  state.fromVersion = release.version;
  if (request.strategy === 'blue-green') {
    const listener = await aws.findListener({ group: request.group });
    state.targets = [release.desired];
    state.step = 1;
    move('rolling', `Creating the green group on version ${request.version} beside ${request.group}`);
    const green = await aws.createGreenGroup({
      group: request.group,
      deployId: state.deployId,
      version: request.version,
    });
    state.newInstances = green.instanceIds;
    const since = now();
    const greenEvidence = (baselineIds: string[]) => () =>
      aws.releaseEvidence({ group: green.greenGroup, canaryIds: green.instanceIds, baselineIds, since });
    const discardGreen = async (why: string) => {
      move('rolling_back', why);
      await aws.deleteGreenGroup(green);
      return finish('rolled_back', `${why}; ${request.group} kept serving on version ${release.version}.`);
    };
    if (!(await bakeAndJudge(greenEvidence(release.instanceIds))))
      return discardGreen('The green group did not pass its bake');
    if (!(await promoted(false))) return discardGreen('Not promoted');
    state.step = 2;
    move('switching', `Switching the listener to ${green.greenGroup}`);
    await aws.switchListener({ listenerArn: listener.listenerArn, targetGroupArn: green.targetGroupArn });
    state.liveGroup = green.greenGroup;
    if (!(await bakeAndJudge(greenEvidence([])))) {
      await aws.switchListener({
        listenerArn: listener.listenerArn,
        targetGroupArn: listener.targetGroupArn,
      });
      state.liveGroup = request.group;
      return discardGreen('Bad signal after the switch: the listener is back on blue');
    }
    await aws.drainGroup({ group: request.group });
    return finish(
      'deployed',
      `Version ${request.version} serves from ${green.greenGroup}; ${request.group} is drained to 0 and kept for a rollback by hand.`,
    );
  }

  state.targets = canaryTargets(request.steps ?? DEFAULT_CANARY_STEPS, release.desired);
  const oldInstances = [...release.instanceIds];
  const rollback = async (why: string) => {
    move('rolling_back', `${why}: bringing back version ${release.version}`);
    if (state.retiredInstances.length > 0)
      await aws.launchReleaseInstances({
        group: request.group,
        deployId: state.deployId,
        step: 'rollback',
        version: release.version,
        count: state.retiredInstances.length,
      });
    await aws.retireInstances({
      group: request.group,
      instanceIds: state.newInstances,
      maxSize: release.maxSize,
    });
    return finish(
      'rolled_back',
      `${why}. Rolled back: ${state.newInstances.length} new instance(s) retired, ${state.retiredInstances.length} replaced on version ${release.version}.`,
    );
  };
  for (const [index, target] of state.targets.entries()) {
    state.step = index + 1;
    const count = target - state.newInstances.length;
    move(
      'rolling',
      `Step ${state.step}/${state.targets.length}: ${count} instance(s) on version ${request.version}`,
    );
    const launched = await aws.launchReleaseInstances({
      group: request.group,
      deployId: state.deployId,
      step: String(state.step),
      version: request.version,
      count,
    });
    state.newInstances.push(...launched.filter((id) => !state.newInstances.includes(id)));
    const since = now();
    const retiring = oldInstances.filter((id) => !state.retiredInstances.includes(id)).slice(0, count);
    await aws.retireInstances({ group: request.group, instanceIds: retiring });
    state.retiredInstances.push(...retiring);
    const remaining = oldInstances.filter((id) => !state.retiredInstances.includes(id));
    const healthy = await bakeAndJudge(() =>
      aws.releaseEvidence({
        group: request.group,
        canaryIds: state.newInstances,
        baselineIds: remaining,
        since,
      }),
    );
    if (!healthy)
      return rollback(
        rolledBackByPerson()
          ? 'Rolled back by a person'
          : `Bad signal (${state.verdicts.at(-1)?.reasons.join('; ')})`,
      );
    if (!(await promoted(index === state.targets.length - 1))) return rollback('Not promoted');
  }
  await aws.setGroupVersion({ group: request.group, version: request.version });
  // Deploys started before the activity existed replay the call they recorded.
  if (patched('restore-group-max-size'))
    await aws.restoreGroupMaxSize({ group: request.group, maxSize: release.maxSize });
  else await aws.retireInstances({ group: request.group, instanceIds: [], maxSize: release.maxSize });
  return finish(
    'deployed',
    `Version ${request.version} runs on all ${state.newInstances.length} instance(s) of ${request.group}; new launches use it.`,
  );
}
