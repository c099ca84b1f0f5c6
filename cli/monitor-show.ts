import type { Client } from '@temporalio/client';
import {
  monitoredDetector,
  type MonitoredDetector,
  type MonitoredMetric,
} from '../activities/monitor-starter';
import { milliseconds, percent, type ProfileView } from '../domain/anomaly/usual';
import { NotFoundError } from './args';

export type { MonitoredDetector };

/** The fleet monitor's detector for one instance's metric; not found is exit 3 with a sentence. */
export async function shownDetector(
  client: Client,
  fleet: string,
  instanceId: string,
  metric: MonitoredMetric,
): Promise<MonitoredDetector> {
  const detector = await monitoredDetector(client, fleet, instanceId, metric);
  if (!detector)
    throw new NotFoundError(
      `the monitor of fleet ${fleet} has no ${metric === 'cpu' ? 'CPU' : 'p99 latency'} detector for ${instanceId} (not in the fleet, or no datapoints yet)`,
    );
  return detector;
}

const hourLabel = (hour: number) => `${String(hour).padStart(2, '0')}:00`;

function profileLine(name: string, profile: ProfileView): string {
  const state = profile.proven ? 'judges' : 'learning, not judging yet';
  return `${name}: ${state} (learnt from ${profile.days} day${profile.days === 1 ? '' : 's'})`;
}

/** The detector as an operator reads it: what is usual at each hour, on which days. */
export function formatMonitoredDetector(d: MonitoredDetector): string {
  const format = d.metric === 'cpu' ? percent : milliseconds;
  const figure = (usual: { value: number; spread: number } | null | undefined) =>
    usual ? `${format(usual.value)} ± ${format(usual.spread)}` : '-';
  const metric = d.metric === 'cpu' ? 'CPU' : 'p99 latency';
  const lines = [
    `${d.instanceId} ${metric} as the monitor of fleet ${d.fleet} knows it: ${d.points} points, the last at ${d.fedUpTo}`,
    `recent level: ${figure(d.recent)}`,
  ];
  const profile = d.profile;
  if (!profile) {
    lines.push(
      'no daily profile (the monitor watches too many instances to carry one): judged by the recent level',
    );
    return lines.join('\n');
  }
  lines.push(profileLine('time of day (UTC)', profile));
  const weekdays = profile.weekdays ?? [];
  const odd = weekdays.filter((w) => w.odd).map((w) => w.day);
  if (weekdays.some((w) => w.level !== null))
    lines.push(
      `days: ${weekdays
        .map(
          (w) =>
            `${w.day} ${w.odd ? 'odd' : (w.verdict ?? 'not seen')}${w.level === null ? '' : ` (${format(w.level)})`}`,
        )
        .join(', ')}`,
    );
  if (profile.oddDays) lines.push(profileLine(`odd days (${odd.join(', ')})`, profile.oddDays));
  if (d.weeklyRoutines?.length)
    lines.push(
      `weekly routines (surprised the two weeks before, not alarmed): ${d.weeklyRoutines.join(', ')}`,
    );
  const oddDays = profile.oddDays;
  const header = ['hour', 'usual', ...(oddDays ? [`on ${odd.join(', ')}`] : [])];
  const rows = profile.hours.map((usual, hour) => [
    hourLabel(hour),
    figure(usual),
    ...(oddDays ? [figure(oddDays.hours[hour])] : []),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  for (const row of [header, ...rows])
    lines.push(
      row
        .map((cell, i) => cell.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd(),
    );
  return lines.join('\n');
}
