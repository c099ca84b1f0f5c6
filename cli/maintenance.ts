import type { MedicConfig } from '../domain/config';
import { windowScope, type MaintenanceWindow } from '../domain/maintenance-window';
import { createApiClient } from './api-client';
import { durationFlag, parseFlags, requireFlag, UsageError } from './args';

type Listed = MaintenanceWindow & { active: boolean };

export const formatWindow = (w: MaintenanceWindow & { active?: boolean }): string =>
  `${w.id}  ${w.active === false ? 'from ' + w.startsAt + ' ' : ''}until ${w.endsAt}  ${windowScope(w)}  "${w.reason}" by ${w.createdBy}`;

/**
 * `medic maintenance start|list|end`: planned work on instances (decision 0064); while it lasts their
 * alerts open nothing and the monitor passes over them.
 */
export async function maintenanceCommand(
  sub: string | undefined,
  args: string[],
  config: MedicConfig,
): Promise<void> {
  const flags = parseFlags(args, {
    instances: { type: 'string' },
    fleet: { type: 'string' },
    for: { type: 'string' },
    from: { type: 'string' },
    reason: { type: 'string' },
    id: { type: 'string' },
    json: { type: 'boolean' },
  });
  const api = createApiClient(config);
  if (sub === 'start') {
    const instances = (flags.instances ?? '').split(',').filter(Boolean);
    if (instances.length === 0 && !flags.fleet)
      throw new UsageError('give --instances ID[,ID…] or --fleet NAME');
    const ms = durationFlag(requireFlag(flags.for, 'for'), 'for', { example: '2h', minimum: '1m' });
    if (ms % 60_000 !== 0) throw new UsageError(`--for must be whole minutes, got "${flags.for}"`);
    const window = await api.request<MaintenanceWindow>('POST', '/maintenance', {
      instances,
      ...(flags.fleet ? { fleet: flags.fleet } : {}),
      ...(flags.from ? { startsAt: flags.from } : {}),
      durationMinutes: ms / 60_000,
      reason: requireFlag(flags.reason, 'reason'),
    });
    console.log(
      flags.json
        ? JSON.stringify(window)
        : `${formatWindow(window)}\nAlerts on them open nothing until then; end it early with: medic maintenance end --id ${window.id}`,
    );
    return;
  }
  if (sub === 'list') {
    const { windows } = await api.request<{ windows: Listed[] }>('GET', '/maintenance');
    if (flags.json) console.log(JSON.stringify(windows));
    else if (windows.length === 0) console.log('no maintenance window is active or planned');
    else for (const w of windows) console.log(formatWindow(w));
    return;
  }
  if (sub === 'end') {
    const id = requireFlag(flags.id, 'id');
    const ended = await api.request<MaintenanceWindow>('DELETE', `/maintenance/${encodeURIComponent(id)}`);
    console.log(
      flags.json ? JSON.stringify(ended) : `ended ${ended.id} (${windowScope(ended)}) at ${ended.endsAt}`,
    );
    return;
  }
  throw new UsageError(`unknown maintenance command "${sub ?? ''}"; one of start, list, end`);
}
