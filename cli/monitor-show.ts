import type { Client } from '@temporalio/client';
import {
  monitoredDetector,
  noDetectorReason,
  runningMonitors,
  type MonitoredDetector,
  type MonitoredMetric,
  type RunningMonitor,
} from '../activities/monitor-reader';
import {
  describeWeekdays,
  formatterOf,
  inheritedNote,
  emptyFleetNote,
  flowLogNote,
  metricName,
  MONITORED_METRICS,
  oddDayNames,
  profileState,
  ROUTINES_NOTE,
  usualFigure,
} from '../domain/monitor-view';
import { NotFoundError, UsageError } from './args';

export type { MonitoredDetector };

/** The fleet monitor's detector for one instance's metric; not found is exit 3 with a sentence. */
export async function shownDetector(
  client: Client,
  fleet: string,
  instanceId: string,
  metric: MonitoredMetric,
): Promise<MonitoredDetector> {
  const detector = await monitoredDetector(client, fleet, instanceId, metric).catch((err: unknown) => {
    if (err instanceof Error && err.name === 'WorkflowNotFoundError')
      throw new NotFoundError(`No monitor for fleet ${fleet} (medic monitor list shows the running ones)`);
    throw err;
  });
  if (!detector) throw new NotFoundError(noDetectorReason(fleet, instanceId, metric));
  return detector;
}

/**
 * The fleet whose running monitor keeps a detector for this instance, for `monitor show` without
 * `--fleet`: the operator knows the instance, not always which fleet watches it.
 */
export async function monitorFleetOf(client: Client, instanceId: string): Promise<string> {
  const watching = (await runningMonitors(client))
    .filter((m) => m.series?.some((s) => s.instanceId === instanceId))
    .map((m) => m.fleet);
  if (watching.length === 1 && watching[0]) return watching[0];
  if (watching.length === 0)
    throw new NotFoundError(
      `No running monitor keeps a detector for ${instanceId} (medic monitor list shows what each watches)`,
    );
  throw new UsageError(
    `${instanceId} is watched by the monitors of fleets ${watching.join(', ')}: name one with --fleet`,
  );
}

/** The widest metric name ("inbound traffic"), so the series line up. */
const METRIC_COLUMN = Math.max(...MONITORED_METRICS.map((m) => metricName(m).length));
const hourLabel = (hour: number) => `${String(hour).padStart(2, '0')}:00`;

/** The detector as an operator reads it: what is usual at each hour, on which days. */
export function formatMonitoredDetector(d: MonitoredDetector): string {
  const format = formatterOf(d.metric);
  const figure = (usual: { value: number; spread: number } | null | undefined) => usualFigure(usual, format);
  const lines = [
    `${d.instanceId} ${metricName(d.metric)} as the monitor of fleet ${d.fleet} knows it: ${d.points} points, the last at ${d.fedUpTo}`,
    `recent level: ${figure(d.recent)}`,
    ...[inheritedNote(d)].filter((note) => note !== undefined),
  ];
  const profile = d.profile;
  if (!profile) {
    lines.push(
      'no daily profile (the monitor watches too many instances to carry one): judged by the recent level',
    );
    return lines.join('\n');
  }
  lines.push(`time of day (UTC): ${profileState(profile)}`);
  const weekdays = profile.weekdays ?? [];
  const odd = oddDayNames(profile);
  if (weekdays.some((w) => w.level !== null)) lines.push(`days: ${describeWeekdays(weekdays, format)}`);
  if (profile.oddDays) lines.push(`odd days (${odd.join(', ')}): ${profileState(profile.oddDays)}`);
  if (d.weeklyRoutines?.length)
    lines.push(`weekly routines (${ROUTINES_NOTE}): ${d.weeklyRoutines.join(', ')}`);
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

/** One block per running monitor: its fleet, since when, and each watched series. */
export function formatRunningMonitors(monitors: readonly RunningMonitor[]): string {
  if (monitors.length === 0) return 'no fleet monitor is running (medic monitor start --fleet NAME)';
  return monitors
    .map((m) => {
      const head = `fleet ${m.fleet} (its current run started at ${m.runStartedAt})`;
      const notes = [emptyFleetNote(m), flowLogNote(m)].filter((note) => note !== undefined);
      const noted = (lines: string[]) => [...lines, ...notes.map((note) => `  ${note}`)].join('\n');
      if (m.series === null) return noted([`${head}; the monitor did not answer (its worker may be down)`]);
      if (m.series.length === 0) return noted([`${head}; no detector yet (no datapoints read)`]);
      const rows = m.series.map(
        (s) =>
          `  ${s.instanceId}  ${metricName(s.metric).padEnd(METRIC_COLUMN)}  ${String(s.points).padStart(7)} points, the last at ${s.fedUpTo}`,
      );
      return noted([head, ...rows]);
    })
    .join('\n');
}
