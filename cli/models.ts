import { progressBar, silentProgress } from './progress';
import type { Client, ScheduleDescription, ScheduleOptions } from '@temporalio/client';
import { createAwsClients } from '../activities/aws-clients';
import { ActivePointerChanged, createModelStore, modelOverview } from '../activities/model-store';
import { TASK_QUEUES, type MedicConfig } from '../domain/config';
import { retrainScheduleId } from '../domain/ids';
import { formatDuration } from '../domain/duration';
import { describeSamples, parseQualityFloors } from '../domain/models/monitoring';
import {
  describeTraining,
  formatModelFigure,
  formatModelMetrics,
  rollback,
  SHIPPED_VERSION,
  type ModelOverview,
} from '../domain/models/registry';
import type { ModelMonitorInput, ModelMonitorResult } from '../workflows/model-monitor';
import { isModelName, TRAINERS, type ModelName } from '../domain/models/trainers';
import type { RetrainResult } from '../workflows/retrain';
import {
  ConflictError,
  durationFlag,
  everyFlag,
  flagOrWord,
  intFlag,
  NotFoundError,
  parseFlags,
  parseFlagsAndWords,
  requireFlag,
  UsageError,
} from './args';
import { complianceScheduleOptions } from './compliance';
import { rootCauseMessage } from './failure-chain';

type WithTemporal = <T>(fn: (client: Client) => Promise<T>) => Promise<T>;

function modelFlag(value: string | undefined): ModelName {
  const model = requireFlag(value, 'model');
  if (!isModelName(model))
    throw new UsageError(`--model must be one of ${Object.keys(TRAINERS).join(', ')}, got "${model}"`);
  return model;
}

/** What decides after a run that promoted nothing: the active version, or the shipped model. */
const keptModel = (r: Pick<RetrainResult, 'active'>) =>
  r.active === undefined || r.active.version === SHIPPED_VERSION ? 'the shipped model' : 'the active version';

/** Starts a retraining run and shows its heartbeat progress until it ends. */
async function retrain(client: Client, model: string, examples: number, json: boolean): Promise<void> {
  const handle = await client.workflow.start('retrainModelWorkflow', {
    taskQueue: TASK_QUEUES.learning,
    workflowId: `retrain-${model}-manual-${Date.now()}`,
    args: [{ model, examples }],
  });
  // The bar follows the training activity's heartbeats ("training 40 %"), then the later stages.
  const bar = json ? silentProgress : progressBar(`retraining ${model}`, 100);
  let shown = 0;
  const result = handle.result() as Promise<RetrainResult>;
  let done = false;
  void result.finally(() => (done = true)).catch(() => undefined);
  while (!done) {
    const description = await handle.describe();
    const pending = description.raw.pendingActivities?.[0];
    const detail = pending?.heartbeatDetails?.payloads?.[0]?.data;
    const progress = detail ? Buffer.from(detail).toString().replace(/^"|"$/g, '') : '';
    const percent = Number(/training (\d+) %/.exec(progress)?.[1] ?? (pending && !progress ? 0 : shown));
    const stage = pending?.activityType?.name === 'trainCandidate' ? Math.min(90, percent * 0.9) : shown;
    if (stage > shown || (progress && !/^training/.test(progress))) {
      bar.tick(
        Math.max(0, Math.round(stage - shown)),
        progress || (pending?.activityType?.name ?? undefined),
      );
      shown = Math.max(shown, Math.round(stage));
    }
    await Promise.race([result, new Promise((r) => setTimeout(r, 300))]).catch(() => undefined);
  }
  const r = await result;
  bar.done();
  if (json) console.log(JSON.stringify(r));
  else
    console.log(
      `${r.promoted ? 'promoted' : `not promoted (${keptModel(r)} stays)`}: ${r.candidate.version} — ${r.reason}`,
    );
}

/** Every model on a line: what decides now (a promoted version, or the shipped model), its figure, since when. */
function formatOverview(models: ModelOverview[]): string {
  const lines = [`${'model'.padEnd(20)} ${'active version'.padEnd(58)} ${'held-out'.padEnd(28)} since`];
  for (const m of models) {
    const value = m.active?.metrics[m.metric];
    const figure = value === undefined ? '' : `${m.metric} ${formatModelFigure(m.metric, value)}`;
    lines.push(
      `${m.model.padEnd(20)} ${(m.active?.version ?? (m.shipped ? `shipped (${m.shipped.reason})` : 'shipped (none promoted)')).padEnd(58)} ${figure.padEnd(28)} ${m.active?.since ?? m.shipped?.since ?? ''}`.trimEnd(),
    );
  }
  lines.push('versions of one model: medic model list --model NAME');
  return lines.join('\n');
}

export async function modelCommand(
  sub: string | undefined,
  args: string[],
  config: MedicConfig,
  withTemporal: WithTemporal,
): Promise<void> {
  if (sub === 'monitor') return modelMonitorCommand(args, withTemporal);
  const parsed = parseFlagsAndWords(args, {
    model: { type: 'string' },
    examples: { type: 'string' },
    json: { type: 'boolean' },
  });
  const flags = { ...parsed.flags, model: flagOrWord(parsed.flags.model, parsed.words, 'model') };
  const store = createModelStore(
    createAwsClients({ region: config.awsRegion, endpoint: config.awsEndpoint }).s3,
    config.modelBucket,
  );
  if (sub === 'retrain') {
    const model = modelFlag(flags.model);
    const examples = intFlag(flags.examples, 'examples', 400, 1, 100_000);
    return withTemporal((client) => retrain(client, model, examples, Boolean(flags.json)));
  }
  if (sub === 'list' && flags.model === undefined) {
    const models = await modelOverview(store)();
    return console.log(flags.json ? JSON.stringify({ models }) : formatOverview(models));
  }
  const model = modelFlag(flags.model);
  await store.ensureBucket();
  if (sub === 'list') {
    const [versions, active] = await Promise.all([store.listVersions(model), store.getActive(model)]);
    const rows = await Promise.all(versions.map((v) => store.getVersion(model, v)));
    const sorted = rows.flatMap((r) => (r ? [r] : [])).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    if (flags.json)
      return console.log(JSON.stringify({ active, versions: sorted.map(({ parameters: _, ...v }) => v) }));
    if (sorted.length === 0)
      return console.log(`No versions of ${model} yet (medic model retrain --model ${model})`);
    for (const v of sorted)
      console.log(
        `${v.version === active?.version ? '*' : ' '} ${v.version.padEnd(32)} ${v.createdAt}  ${formatModelMetrics(v.metrics)}  parent=${v.parentVersion ?? '-'}  ${describeTraining(v.training)}`,
      );
    if (active?.version === SHIPPED_VERSION)
      console.log(`active: the shipped model since ${active.changedAt} (${active.reason})`);
    else if (active)
      console.log(`active: ${active.version} since ${active.changedAt} (why: ${active.reason})`);
    return;
  }
  if (sub === 'rollback') {
    const read = await store.readActive(model);
    if (!read)
      throw new ConflictError(
        `model ${model} has no active version: the shipped one decides, nothing to roll back`,
      );
    const active = read.pointer;
    let next;
    try {
      next = rollback(active, new Date().toISOString());
    } catch (err) {
      throw new ConflictError((err as Error).message);
    }
    // Over the pointer just read only: a promotion landing meanwhile is not silently undone.
    await store.setActive(next, read).catch((err: unknown) => {
      if (err instanceof ActivePointerChanged)
        throw new ConflictError(
          `the active version of ${model} changed while rolling back ${active.version} (a retraining promoted one?); nothing was changed: see medic model list ${model}, then roll back again`,
        );
      throw err;
    });
    const now =
      next.version === SHIPPED_VERSION
        ? `the shipped ${model} (${TRAINERS[model].shipped.describe})`
        : next.version;
    return console.log(
      flags.json ? JSON.stringify(next) : `model ${model}: active ${active.version} → ${now}`,
    );
  }
  throw new UsageError(`unknown model command "${sub ?? ''}"; one of retrain, list, rollback, monitor`);
}

/** Creates a schedule; one of that id already there is a conflict that names the way to replace it. */
async function createSchedule(client: Client, options: ScheduleOptions): Promise<void> {
  await client.schedule.create(options).catch((err: unknown) => {
    if (err instanceof Error && err.name === 'ScheduleAlreadyRunning')
      throw new ConflictError(
        `schedule ${options.scheduleId} exists already; to change it: medic schedule delete ${options.scheduleId}, then create it again`,
      );
    throw err;
  });
}

export async function scheduleCommand(
  sub: string | undefined,
  args: string[],
  withTemporal: WithTemporal,
): Promise<void> {
  if (sub === 'create') {
    const [what, ...rest] = args;
    if (what === 'model-monitor') {
      const options = modelMonitorScheduleOptions(rest);
      await withTemporal((client) => createSchedule(client, options));
      return console.log(`schedule ${options.scheduleId}: model monitoring every ${intervalOf(options)}`);
    }
    if (what === 'compliance') {
      const options = complianceScheduleOptions(rest);
      await withTemporal((client) => createSchedule(client, options));
      return console.log(`schedule ${options.scheduleId}: a compliance scan every ${intervalOf(options)}`);
    }
    if (what !== 'retrain')
      throw new UsageError(
        `schedule create supports "retrain", "model-monitor" and "compliance", got "${what ?? ''}"`,
      );
    const flags = parseFlags(rest, {
      model: { type: 'string' },
      every: { type: 'string' },
      examples: { type: 'string' },
    });
    const model = modelFlag(flags.model);
    const ms = everyFlag(flags.every);
    const every = flags.every ?? '';
    const examples = intFlag(flags.examples, 'examples', 400, 1, 100_000);
    const id = retrainScheduleId(model);
    await withTemporal((client) =>
      createSchedule(client, {
        scheduleId: id,
        spec: { intervals: [{ every: ms }] },
        action: {
          type: 'startWorkflow',
          workflowType: 'retrainModelWorkflow',
          taskQueue: TASK_QUEUES.learning,
          workflowId: `retrain-${model}-scheduled`,
          args: [{ model, examples }],
        },
        // A run still training when the next is due is not doubled.
        policies: { overlap: 'SKIP' },
      }),
    );
    return console.log(`schedule ${id}: retrain ${model} every ${every}`);
  }
  const parsed = parseFlagsAndWords(args, { id: { type: 'string' }, json: { type: 'boolean' } });
  const flags = { ...parsed.flags, id: flagOrWord(parsed.flags.id, parsed.words, 'id') };
  if (sub === 'list') {
    if (parsed.words.length) throw new UsageError(`schedule list takes no "${parsed.words.join(' ')}"`);
    return withTemporal(async (client) => {
      const rows = [];
      for await (const s of client.schedule.list()) {
        const d = await client.schedule.getHandle(s.scheduleId).describe();
        const lastRun = await lastRunOf(client, d);
        rows.push({
          id: s.scheduleId,
          paused: d.state.paused,
          every: d.spec.intervals?.map((i) => formatDuration(Number(i.every))).join(',') ?? '',
          nextRun: d.info.nextActionTimes[0]?.toISOString(),
          recentRuns: d.info.recentActions.length,
          ...(lastRun ? { lastRun } : {}),
        });
      }
      if (flags.json) console.log(JSON.stringify(rows));
      else if (rows.length === 0)
        console.log('No schedules (medic schedule create retrain --model NAME --every 24h)');
      else
        for (const r of rows) {
          console.log(
            `${r.id.padEnd(32)} ${r.paused ? 'paused ' : 'active '} every ${r.every}  next ${r.nextRun ?? '-'}  runs ${r.recentRuns}`,
          );
          if (r.lastRun) console.log(`  last run ${r.lastRun.at}: ${r.lastRun.outcome}`);
        }
    });
  }
  type ScheduleHandle = ReturnType<Client['schedule']['getHandle']>;
  /** Each action on one schedule, and what the CLI says once it is done. */
  const actions: Record<string, { run: (h: ScheduleHandle) => Promise<void>; done: string }> = {
    pause: { run: (h) => h.pause('paused from the medic CLI'), done: 'paused' },
    unpause: { run: (h) => h.unpause('unpaused from the medic CLI'), done: 'running again' },
    trigger: { run: (h) => h.trigger(), done: 'triggered, a run starts now' },
    delete: { run: (h) => h.delete(), done: 'deleted' },
  };
  const act = sub ? actions[sub] : undefined;
  if (!act)
    throw new UsageError(
      `unknown schedule command "${sub ?? ''}"; one of create, list, ${Object.keys(actions).join(', ')}`,
    );
  const id = requireFlag(flags.id, 'id');
  await withTemporal((client) =>
    act.run(client.schedule.getHandle(id)).catch((err: unknown) => {
      // By name, not instanceof: the same error class can come from another copy of the SDK.
      if (err instanceof Error && err.name === 'ScheduleNotFoundError')
        throw new NotFoundError(`no schedule "${id}" (medic schedule list shows them)`);
      throw err;
    }),
  );
  console.log(`schedule ${id}: ${act.done}`);
}

/**
 * How a schedule's latest run went, so a schedule that fails every time (a detector retraining on a
 * worker without MEDIC_DETECTOR_DATASET) says so where its schedule is listed: running, promoted or
 * kept (a retraining), completed, or failed with what went wrong.
 */
async function lastRunOf(
  client: Client,
  schedule: ScheduleDescription,
): Promise<{ at: string; outcome: string } | undefined> {
  const last = schedule.info.recentActions.at(-1);
  if (!last || last.action.type !== 'startWorkflow') return undefined;
  const at = last.takenAt.toISOString();
  const { workflowId, firstExecutionRunId } = last.action.workflow;
  const handle = client.workflow.getHandle(workflowId, firstExecutionRunId);
  try {
    if ((await handle.describe()).status.name === 'RUNNING') return { at, outcome: 'running' };
  } catch {
    return { at, outcome: 'unknown (its history is no longer kept)' };
  }
  try {
    const result: unknown = await handle.result();
    return {
      at,
      outcome: isRetrainResult(result)
        ? `${result.promoted ? 'promoted' : `kept ${keptModel(result)}`}: ${result.reason}`
        : 'completed',
    };
  } catch (err) {
    return { at, outcome: `failed: ${rootCauseMessage(err)}` };
  }
}

const isRetrainResult = (r: unknown): r is Pick<RetrainResult, 'promoted' | 'reason' | 'active'> =>
  typeof r === 'object' &&
  r !== null &&
  typeof (r as { promoted?: unknown }).promoted === 'boolean' &&
  typeof (r as { reason?: unknown }).reason === 'string';

/** A schedule's interval as `schedule list` writes it ("1h", "1d"). */
const intervalOf = (options: ScheduleOptions) =>
  formatDuration(Number(options.spec.intervals?.[0]?.every ?? 0));

/** `--floors remediation-policy=0.8,detector=0.6 --min-samples 10 --window 24h`, as the monitor takes them. */
export function modelMonitorInput(args: string[]): ModelMonitorInput & { every?: string } {
  const flags = parseFlags(args, {
    floors: { type: 'string' },
    'min-samples': { type: 'string' },
    window: { type: 'string' },
    every: { type: 'string' },
  });
  let floors: Record<string, number>;
  try {
    floors = parseQualityFloors(flags.floors ?? 'remediation-policy=0.8,detector=0.6');
  } catch (err) {
    throw new UsageError(`--floors: ${(err as Error).message}`);
  }
  const windowMs = durationFlag(flags.window ?? '24h', 'window', { example: '24h', minimum: '1h' });
  return {
    floors,
    minSamples: intFlag(flags['min-samples'], 'min-samples', 10, 1, 100_000),
    windowHours: windowMs / 3_600_000,
    ...(flags.every ? { every: flags.every } : {}),
  };
}

/** The schedule `medic schedule create model-monitor --every 1h` creates. */
export function modelMonitorScheduleOptions(args: string[]): ScheduleOptions {
  const { every, ...input } = modelMonitorInput(args);
  return {
    scheduleId: 'model-monitor',
    spec: { intervals: [{ every: everyFlag(every) }] },
    action: {
      type: 'startWorkflow',
      workflowType: 'modelMonitorWorkflow',
      taskQueue: TASK_QUEUES.learning,
      workflowId: 'model-monitor-scheduled',
      args: [input],
    },
    policies: { overlap: 'SKIP' },
  };
}

/** `medic model monitor [--floors …] [--min-samples N] [--window 24h] [--json]`: one measurement now. */
async function modelMonitorCommand(args: string[], withTemporal: WithTemporal): Promise<void> {
  const input = modelMonitorInput(args.filter((a) => a !== '--json'));
  const result = await withTemporal((client) =>
    client.workflow.execute<(i: ModelMonitorInput) => Promise<ModelMonitorResult>>('modelMonitorWorkflow', {
      taskQueue: TASK_QUEUES.learning,
      workflowId: `model-monitor-manual-${Date.now()}`,
      args: [input],
    }),
  );
  if (args.includes('--json')) return console.log(JSON.stringify(result));
  for (const q of result.quality)
    console.log(
      `${q.model.padEnd(20)} ${q.measure.padEnd(22)} ${q.value === undefined ? '   -  ' : q.value.toFixed(3)}  over ${describeSamples(q)}  (floor ${input.floors[q.model] ?? '-'})`,
    );
  for (const r of result.retraining)
    console.log(`retraining ${r.model} now (${r.value.toFixed(3)} < ${r.floor}): ${r.workflowId}`);
  for (const n of result.notes) console.log(n);
  return;
}
