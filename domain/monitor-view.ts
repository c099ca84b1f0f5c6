import type { Inheritance } from './detector-inheritance';
import type { FlowLogProblem } from './flow-log-health';
import {
  bytesPerSecond,
  milliseconds,
  percent,
  requestsPerSecond,
  type DetectorView,
  type ProfileView,
  type WeekdayView,
} from './anomaly/usual';

/** The metrics a fleet monitor keeps a detector for. */
export const MONITORED_METRICS = ['cpu', 'latency', 'network', 'egress', 'requests'] as const;
export type MonitoredMetric = (typeof MONITORED_METRICS)[number];

interface MetricTraits {
  /** How reports, the CLI and the console name it. */
  name: string;
  /** How its figures are written: "21.0%", "120 ms", "4.2 MB/s". */
  format: (value: number) => string;
  /** The incident kind its detector opens. */
  kind: 'cpu-high' | 'latency-high' | 'traffic-surge' | 'egress-surge' | 'request-surge';
  /**
   * How severe its detector's finding is: medium, since only the metric's own history says it is
   * wrong; outbound traffic high, since data may be leaving while the incident waits.
   */
  severity: 'medium' | 'high';
}

const TRAITS: Record<MonitoredMetric, MetricTraits> = {
  cpu: { name: 'CPU', format: percent, kind: 'cpu-high', severity: 'medium' },
  latency: { name: 'p99 latency', format: milliseconds, kind: 'latency-high', severity: 'medium' },
  network: { name: 'inbound traffic', format: bytesPerSecond, kind: 'traffic-surge', severity: 'medium' },
  egress: { name: 'outbound traffic', format: bytesPerSecond, kind: 'egress-surge', severity: 'high' },
  requests: { name: 'request rate', format: requestsPerSecond, kind: 'request-surge', severity: 'medium' },
};

/** One detector of a running fleet monitor, read: what `medic monitor show` and the console show. */
export interface MonitoredDetector extends DetectorView {
  fleet: string;
  instanceId: string;
  metric: MonitoredMetric;
  fedUpTo: string;
  /** Started from a group sibling's normal, while it has too few points of its own (decision 0063). */
  inherited?: Inheritance;
}

/** A series a fleet monitor keeps a detector for. */
export interface WatchedSeries {
  instanceId: string;
  metric: MonitoredMetric;
  /** Points its detector has learnt from. */
  points: number;
  fedUpTo: string;
}

/** A running fleet monitor and the series it keeps a detector for. */
export interface RunningMonitor {
  fleet: string;
  /** When its current run started: it continues as new every so many polls, carrying its detectors. */
  runStartedAt: string;
  /** Null when the monitor did not answer (its worker is down or busy, or an older release runs it). */
  series: WatchedSeries[] | null;
  /** The instances its fleet lists now (not terminated); absent when the fleet was not read. */
  instancesInFleet?: number;
  /** Its flow logs cannot be judged (absent when the last ones read could, or none came). */
  flowLogProblem?: FlowLogProblem;
}

/**
 * Why a running monitor cannot see floods: the flow-log deliveries it reads are in a form it cannot
 * judge. Blind is not quiet, so the console and the CLI say so beside the monitor.
 */
export const flowLogNote = (monitor: RunningMonitor): string | undefined => {
  const problem = monitor.flowLogProblem;
  if (!problem) return undefined;
  const count =
    problem.deliveries === 1 ? 'a flow-log delivery' : `${problem.deliveries} flow-log deliveries`;
  return `fleet ${monitor.fleet}: ${count} could not be judged for floods, the newest (read ${problem.at}, ${problem.key}) because ${problem.reason}. Until its flow logs can be read, floods against it go unseen.`;
};

/**
 * Why a running monitor watches nothing real: its fleet lists no instance now. It keeps its
 * detectors through an empty listing (one bad answer must not erase what it learnt), so it says so
 * instead — after the local emulator restarts, every earlier demo fleet's monitor is in this state.
 */
export const emptyFleetNote = (monitor: RunningMonitor): string | undefined =>
  monitor.instancesInFleet === 0
    ? `fleet ${monitor.fleet} lists no instances now (emptied, or gone with the emulator's state); its detectors are kept until it lists some again. medic monitor stop --fleet ${monitor.fleet} ends the monitor.`
    : undefined;

export const metricName = (metric: MonitoredMetric) => TRAITS[metric].name;

/** "CPU, p99 latency, inbound traffic or outbound traffic": the detectors a monitor runs per instance. */
export const monitoredMetricNames = () => {
  const names = MONITORED_METRICS.map(metricName);
  return `${names.slice(0, -1).join(', ')} or ${names.at(-1) ?? ''}`;
};

/** How the metric's figures are written: "21.0%", "120 ms", "4.2 MB/s". */
export const formatterOf = (metric: MonitoredMetric) => TRAITS[metric].format;

/** The incident kind a metric's detector opens. */
export const kindOfMetric = (metric: MonitoredMetric) => TRAITS[metric].kind;

/** How severe a finding of the metric's detector is. */
export const severityOfMetric = (metric: MonitoredMetric) => TRAITS[metric].severity;

/** "21.0% ± 2.9%", or a dash for an hour not seen. */
export const usualFigure = (
  usual: { value: number; spread: number } | null | undefined,
  format: (value: number) => string,
) => (usual ? `${format(usual.value)} ± ${format(usual.spread)}` : '-');

/** "judges (learnt from 5 days)" */
export const profileState = (profile: ProfileView) =>
  `${profile.proven ? 'judges' : 'learning, not judging yet'} (learnt from ${profile.days} day${profile.days === 1 ? '' : 's'})`;

/**
 * "Mon as usual (70.2%), …, Fri quieter (55.0%), Sat odd (20.1%)": how each weekday's last one went
 * against the usual hours (an odd day is judged by the odd days' own hours), and its level.
 */
export const describeWeekdays = (weekdays: readonly WeekdayView[], format: (value: number) => string) =>
  weekdays
    .map(
      (w) =>
        `${w.day} ${w.odd ? 'odd' : w.verdict === 'like' ? 'as usual' : (w.verdict ?? 'not seen')}${w.level === null ? '' : ` (${format(w.level)})`}`,
    )
    .join(', ');

/** The odd days' names, for the column and the line that speak of them. */
export const oddDayNames = (profile: ProfileView | undefined) =>
  (profile?.weekdays ?? []).filter((w) => w.odd).map((w) => w.day);

/** The fleet named by the detector alert that opened an incident (`detector:<fleet>`), if one did. */
export function detectingFleet(incident: { alerts?: readonly { source: string }[] }): string | undefined {
  const source = incident.alerts?.find((a) => a.source.startsWith('detector:'))?.source;
  return source?.slice('detector:'.length) || undefined;
}

/** Which of an instance's detectors opens incidents of this kind, if one does. */
export const metricOfKind = (kind: string | undefined): MonitoredMetric | undefined =>
  MONITORED_METRICS.find((metric) => TRAITS[metric].kind === kind);

/** Why the weekly routines are not alarmed, after them in `monitor show` and the console. */
export const ROUTINES_NOTE =
  'not alarmed: each surprised the two weeks before, or a person said it is expected';

/** Whose normal a newcomer's detector started from (decision 0063): the same sentence in the CLI and the console. */
export const inheritedNote = (d: Pick<MonitoredDetector, 'inherited'>): string | undefined =>
  d.inherited
    ? `started from ${d.inherited.from}'s normal (group ${d.inherited.group}) at point ${d.inherited.atIndex}: judged by it until it has a warm-up of its own points`
    : undefined;
