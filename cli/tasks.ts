import { readFileSync } from 'node:fs';
import type { MedicConfig } from '../domain/config';
import { createApiClient } from './api-client';
import { parseFlags, requireFlag, UsageError } from './args';

interface TaskRow {
  name: string;
  description?: string;
  approval: string;
  steps: { action: string }[];
  updatedAt: string;
  updatedBy: string;
}

interface RunState {
  runId: string;
  task: string;
  status: string;
  summary?: string;
  steps: { step: number; action: string; target?: string; outcome: string; detail: string }[];
}

/** `--param k=v` (repeatable) into an object; a value may contain `=`. */
function params(values: string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of values ?? []) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new UsageError(`--param must be name=value, got "${pair}"`);
    out[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return out;
}

/** `medic tasks add|list|show|run|status|approve|decline`: custom tasks through the API. */
export async function tasksCommand(
  sub: string | undefined,
  args: string[],
  config: MedicConfig,
): Promise<void> {
  const flags = parseFlags(args, {
    file: { type: 'string' },
    name: { type: 'string' },
    id: { type: 'string' },
    param: { type: 'string', multiple: true },
    key: { type: 'string' },
    by: { type: 'string' },
    reason: { type: 'string' },
    json: { type: 'boolean' },
  });
  const api = () => createApiClient(config);
  const print = (value: unknown, text: string) => console.log(flags.json ? JSON.stringify(value) : text);
  if (sub === 'add') {
    const file = requireFlag(flags.file, 'file');
    let source: string;
    try {
      source = readFileSync(file, 'utf8');
    } catch (err) {
      throw new UsageError(`--file ${file}: ${(err as Error).message}`);
    }
    const task = await api().request<{ definition: TaskRow }>('POST', '/tasks', { source });
    print(
      task,
      `task ${task.definition.name} stored (${task.definition.steps.length} steps, approval ${task.definition.approval})`,
    );
    return;
  }
  if (sub === 'list') {
    const { tasks } = await api().request<{ tasks: TaskRow[] }>('GET', '/tasks');
    print(
      tasks,
      tasks.length
        ? tasks
            .map(
              (t) =>
                `${t.name.padEnd(24)} ${t.approval.padEnd(9)} ${t.steps.map((s) => s.action).join(' → ')}`,
            )
            .join('\n')
        : 'no tasks yet: medic tasks add --file TASK.yaml',
    );
    return;
  }
  if (sub === 'show') {
    const task = await api().request<{ source: string }>(
      'GET',
      `/tasks/${encodeURIComponent(requireFlag(flags.name, 'name'))}`,
    );
    print(task, task.source);
    return;
  }
  if (sub === 'run') {
    const name = requireFlag(flags.name, 'name');
    const run = await api().request<{ id: string }>('POST', `/tasks/${encodeURIComponent(name)}/runs`, {
      params: params(flags.param),
      ...(flags.key ? { idempotencyKey: flags.key } : {}),
    });
    print(run, `started ${run.id}; medic tasks status --id ${run.id}`);
    return;
  }
  if (sub === 'status') {
    const state = await api().request<RunState>(
      'GET',
      `/task-runs/${encodeURIComponent(requireFlag(flags.id, 'id'))}`,
    );
    print(
      state,
      [
        `${state.runId}  ${state.status}${state.summary ? `  ${state.summary}` : ''}`,
        ...state.steps.map(
          (s) => `  ${s.step}. ${s.action}${s.target ? ` ${s.target}` : ''}: ${s.outcome} (${s.detail})`,
        ),
      ].join('\n'),
    );
    return;
  }
  if (sub === 'approve' || sub === 'decline') {
    const id = requireFlag(flags.id, 'id');
    const ack = await api().request<{ status: string }>(
      'POST',
      `/task-runs/${encodeURIComponent(id)}/decision`,
      {
        decision: sub,
        ...(flags.by ? { by: flags.by } : {}),
        ...(flags.reason ? { reason: flags.reason } : {}),
      },
    );
    print(ack, `${id}: ${sub} accepted, now ${ack.status}`);
    return;
  }
  throw new UsageError(
    `unknown tasks command "${sub ?? ''}"; one of add, list, show, run, status, approve, decline`,
  );
}
