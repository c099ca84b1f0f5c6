import {
  DEFAULT_DETECTOR_PARAMS,
  DETECTOR_VERSION,
  StreamingDetector,
  type DetectorParams,
  type DetectorSnapshot,
} from './anomaly/detector';
import { describeUsual, requestsPerSecond, type Usual } from './anomaly/usual';
import {
  donorsByGroup,
  inheritedSnapshot,
  stillInherited,
  type Donor,
  type Inheritance,
} from './detector-inheritance';
import type { IncidentKind, Severity } from './incident';
import {
  formatterOf,
  kindOfMetric,
  metricName,
  MONITORED_METRICS,
  severityOfMetric,
  type MonitoredMetric,
} from './monitor-view';
import type { DetectionVerdict } from './anomaly/weekly-routine';
import { describeMinutes, forecastTimeToFailure, proactiveSeverity } from './maintenance';
import {
  groupsUnanswered,
  membersNotServing,
  NOT_SERVING_WINDOW_POINTS,
  type BalancerView,
  type MemberRequests,
  type NotServing,
  type UnansweredGroup,
} from './serving';

export interface MetricPoint {
  at: string;
  value: number;
}

export interface InstanceObservation {
  instanceId: string;
  state: string;
  /** Its Auto Scaling group: a newcomer's detectors start from a sibling's normal (decision 0063). */
  group?: string;
  statusCheckFailed: MetricPoint[];
  cpuUtilization: MetricPoint[];
  /** The application's p99 latency (ms) on this instance, when its agent publishes it. */
  latencyP99?: MetricPoint[];
  /** Inbound traffic in bytes per second (EC2 NetworkIn per period, divided by the period). */
  networkIn?: MetricPoint[];
  /** Outbound traffic in bytes per second (EC2 NetworkOut, the same way). */
  networkOut?: MetricPoint[];
  /** Requests a second the application served (CloudMedic/App RequestCount, the same way), when its agent publishes it. */
  requestRate?: MetricPoint[];
  /** The root disk's used share (CloudWatch agent `disk_used_percent`), when published. */
  diskUsedPercent?: MetricPoint[];
  /** Memory in use (CloudWatch agent `mem_used_percent`), when published. */
  memUsedPercent?: MetricPoint[];
  /** Percent of the application's requests failing on this instance (CloudMedic/App ErrorRate), when published. */
  errorRate?: MetricPoint[];
  /**
   * The days before the scan's window, read for a detector this monitor has not started yet: it learns
   * them before it judges, so a new monitor knows each instance's working day and week from its first
   * scan. Never reported.
   */
  history?: {
    cpuUtilization?: MetricPoint[];
    latencyP99?: MetricPoint[];
    networkIn?: MetricPoint[];
    networkOut?: MetricPoint[];
    requestRate?: MetricPoint[];
  };
}

export interface DetectionThresholds {
  cpuHighPercent: number;
  /** How many of the newest datapoints must average above the threshold: one spike is not an incident. */
  cpuWindowPoints: number;
  /** p99 latency (ms) that, sustained over the same window, opens a latency-high incident. */
  latencyHighMs?: number;
  /** Predictive maintenance: the disk usage that counts as full, and how far ahead a forecast opens an incident. */
  diskFullPercent?: number;
  forecastHorizonMinutes?: number;
  /** Memory use that counts as exhausted (the OOM killer's territory). */
  memoryFullPercent?: number;
  /** The error rate (percent) that counts as failure, e.g. the SLO's error budget burning. */
  errorRateFailurePercent?: number;
  /**
   * A group member serving no requests while its siblings' median rate is at least this many a second
   * opens `not-serving` (decision 0066); absent, nobody is judged on it.
   */
  notServingSiblingMinPerSecond?: number;
}

/** Resources that creep toward failure, forecast before they get there (predictive maintenance). */
const CREEPING: {
  kind: 'disk-filling' | 'memory-exhaustion' | 'error-rate-rising';
  unit: string;
  what: string;
  failure: string;
  series: (o: InstanceObservation) => MetricPoint[] | undefined;
  full: (t: DetectionThresholds) => number | undefined;
}[] = [
  {
    kind: 'disk-filling',
    what: 'root disk',
    unit: '%',
    failure: 'full',
    series: (o) => o.diskUsedPercent,
    full: (t) => t.diskFullPercent,
  },
  {
    kind: 'memory-exhaustion',
    what: 'memory',
    unit: '%',
    failure: 'exhausted',
    series: (o) => o.memUsedPercent,
    full: (t) => t.memoryFullPercent,
  },
  {
    kind: 'error-rate-rising',
    what: 'error rate',
    unit: '% of requests',
    failure: 'failing',
    series: (o) => o.errorRate,
    full: (t) => t.errorRateFailurePercent,
  },
];

/**
 * The first creeping metric (in CREEPING's order) with unseen datapoints whose trend fails within
 * the horizon; the forecasts after it are not computed (Theil–Sen is quadratic in the points).
 */
function firstCreepingFailure(
  obs: InstanceObservation,
  thresholds: DetectionThresholds,
  markOf: (kind: IncidentKind) => string | undefined,
) {
  for (const c of CREEPING) {
    const points = c.series(obs) ?? [];
    const full = c.full(thresholds);
    if (full === undefined) continue;
    if (!points.some((p) => p.at > (markOf(c.kind) ?? ''))) continue;
    const forecast = forecastTimeToFailure(points, full);
    if (forecast && forecast.minutesToFailure <= (thresholds.forecastHorizonMinutes ?? 24 * 60))
      return { ...c, points, full, forecast };
  }
  return undefined;
}

export interface Finding {
  resourceId: string;
  kind: IncidentKind;
  severity: Severity;
  summary: string;
  evidenceAt: string;
  /** The detector version that judged it, for findings of the streaming detector. */
  detectorVersion?: string;
  /** `manual`: a person decides, whatever the instance's tag or the configured default. */
  mode?: 'manual';
}

/**
 * What the detector has already reported, per `resource/kind`: the newest evidence timestamp for
 * metric faults, the time a stop was first seen for stopped instances. Findings are edge
 * triggered, so a fault that stays (a declined incident, an instance left stopped) is reported
 * once per episode, not every polling interval.
 */
export type Watermarks = Record<string, string>;

/** One detector's state (an instance's CPU, p99 latency or inbound traffic), carried by the detection loop between polls. */
export interface DetectorState {
  snapshot: DetectorSnapshot;
  /** The newest datapoint the detector has been fed. */
  fedUpTo: string;
  /** Started from a group sibling's detector, until it has a warm-up of its own points (decision 0063). */
  inherited?: Inheritance;
}
export type DetectorStates = Record<string, DetectorState>;

export interface AnomalySettings {
  detectors: DetectorStates;
  /** An anomaly below this CPU level is not an incident (a jump from 2 % to 9 % is news, not trouble). */
  floorPercent: number;
  /**
   * The same for p99 latency, in ms; absent, latency is judged by its fixed threshold alone. Each
   * instance that publishes latency then has a second detector, keyed `<instance>/LatencyP99`.
   */
  latencyFloorMs?: number;
  /**
   * The same for inbound traffic, in bytes per second; absent, traffic volume is not judged. Each
   * instance that reports NetworkIn then has a third detector, keyed `<instance>/NetworkIn`.
   */
  networkFloorBytesPerSecond?: number;
  /**
   * The same for outbound traffic; absent, it is not judged. Each instance that reports NetworkOut then
   * has a fourth detector, keyed `<instance>/NetworkOut`.
   */
  egressFloorBytesPerSecond?: number;
  /**
   * The same for the application's request rate, in requests a second; absent, it is not judged. Each
   * instance whose agent publishes RequestCount then has a fifth detector, keyed `<instance>/RequestCount`.
   */
  requestFloorPerSecond?: number;
  /** The model registry's active detector; the shipped parameters when none is promoted. */
  model?: { params: DetectorParams; version: string };
  /**
   * Detectors (by key) that wait for a later scan to start from their history (a scan reads the
   * history of only so many series): not started; the fixed thresholds judge meanwhile.
   */
  waitingForHistory?: ReadonlySet<string>;
}

export interface DetectionResult {
  findings: Finding[];
  watermarks: Watermarks;
  /** Present when the streaming detector ran. */
  detectors?: DetectorStates;
}

/**
 * Past this many detectors in one monitor (one per instance and judged metric: CPU, inbound and
 * outbound traffic, and latency and the request rate where the application publishes them) they keep no level-transition counts: the snapshots travel in every scan's
 * input and output, and 480 bytes each would near Temporal's 2 MiB payload limit at about 4 000
 * detectors (205 bytes without them: about 10 000).
 */
export const MAX_DETECTORS_WITH_LEVELS = 2000;

/**
 * Past this many detectors in one monitor they keep no daily profile (about 1.1 kB of each 1.4-1.6 kB
 * snapshot, with the odd days' profile and the weekly routines; 1.6 MiB each way at this many), and
 * judge by the plain view. The capacity plan's monitor of 200 instances that all publish latency and
 * requests (and, as every EC2 instance does, traffic both ways) is exactly this many.
 */
export const MAX_DETECTORS_WITH_PROFILES = 1000;

const byTime = (a: MetricPoint, b: MetricPoint) => a.at.localeCompare(b.at);

/** The floors of the anomaly settings: a metric is judged by its detector when its floor is set. */
export type AnomalyFloors = Pick<
  AnomalySettings,
  | 'floorPercent'
  | 'latencyFloorMs'
  | 'networkFloorBytesPerSecond'
  | 'egressFloorBytesPerSecond'
  | 'requestFloorPerSecond'
>;

/** Where each judged metric sits in an observation, its history, and the settings (its floor). */
const JUDGED: Record<
  MonitoredMetric,
  {
    series: (o: InstanceObservation) => MetricPoint[] | undefined;
    history: (o: InstanceObservation) => MetricPoint[] | undefined;
    floor: (a: AnomalyFloors | undefined) => number | undefined;
    /**
     * Whether a newcomer starts from a group sibling's detector (decision 0063). Only outbound
     * traffic: it has no fixed threshold behind it, and a booting instance sends little. CPU and
     * inbound traffic run high while an instance boots and pulls its software, which its group's
     * steady normal would call a fault; CPU and latency have their fixed thresholds meanwhile, and
     * floods are judged per source from the flow logs.
     */
    inheritable: boolean;
  }
> = {
  cpu: {
    series: (o) => o.cpuUtilization,
    history: (o) => o.history?.cpuUtilization,
    floor: (a) => a?.floorPercent,
    inheritable: false,
  },
  latency: {
    series: (o) => o.latencyP99,
    history: (o) => o.history?.latencyP99,
    floor: (a) => a?.latencyFloorMs,
    inheritable: false,
  },
  network: {
    series: (o) => o.networkIn,
    history: (o) => o.history?.networkIn,
    floor: (a) => a?.networkFloorBytesPerSecond,
    inheritable: false,
  },
  egress: {
    series: (o) => o.networkOut,
    history: (o) => o.history?.networkOut,
    floor: (a) => a?.egressFloorBytesPerSecond,
    inheritable: true,
  },
  requests: {
    series: (o) => o.requestRate,
    history: (o) => o.history?.requestRate,
    floor: (a) => a?.requestFloorPerSecond,
    inheritable: false,
  },
};

/** The metrics whose detectors judge under these floors: each whose floor is set (CPU's always is). */
export const judgedMetrics = (floors: AnomalyFloors | undefined): MonitoredMetric[] =>
  MONITORED_METRICS.filter((m) => JUDGED[m].floor(floors) !== undefined);

/**
 * What follows the instance id in a carried detector's key. CPU's is empty: its detector keeps the
 * instance id as its key, as before latency had one, so carried states still fit.
 */
const KEY_SUFFIX: Record<MonitoredMetric, string> = {
  cpu: '',
  latency: '/LatencyP99',
  network: '/NetworkIn',
  egress: '/NetworkOut',
  requests: '/RequestCount',
};

export const detectorKeyOf = (instanceId: string, metric: MonitoredMetric) =>
  `${instanceId}${KEY_SUFFIX[metric]}`;

/** Which instance and metric a carried detector's key names (the inverse of `detectorKeyOf`). */
export function detectorKeyParts(key: string): { instanceId: string; metric: MonitoredMetric } {
  for (const metric of MONITORED_METRICS) {
    const suffix = KEY_SUFFIX[metric];
    if (suffix && key.endsWith(suffix)) return { instanceId: key.slice(0, -suffix.length), metric };
  }
  return { instanceId: key, metric: 'cpu' };
}

/**
 * A carried detector told what a person said about one of its detections (decision 0051): its weekly
 * routine learns the verdict, and a fault holds its daily profile's learning for an hour.
 */
export function withDetectionVerdict(
  state: DetectorState,
  atMs: number,
  verdict: DetectionVerdict,
): DetectorState {
  return { ...state, snapshot: StreamingDetector.judgedSnapshot(state.snapshot, atMs, verdict) };
}

/** One carried detector as a list of them shows it: whose, how much it has seen, and until when. */
export interface CarriedDetector {
  key: string;
  points: number;
  fedUpTo: string;
}

export const carriedDetectors = (detectors: DetectorStates | undefined): CarriedDetector[] =>
  Object.entries(detectors ?? {})
    .map(([key, state]) => ({ key, points: state.snapshot.index, fedUpTo: state.fedUpTo }))
    .sort((a, b) => a.key.localeCompare(b.key));

/**
 * Feeds a series' new datapoints to its detector; returns the anomalous rises at or above `floor`
 * (a metric falling back from a peak is not a fault of the kinds detection opens).
 */
function feedDetector(
  detectorKey: string,
  points: MetricPoint[],
  floor: number,
  anomaly: AnomalySettings,
  detectors: DetectorStates,
  carried: { withLevels: boolean; withProfile: boolean },
  history: MetricPoint[] = [],
  sibling?: { donor: Donor; group: string },
): DetectedRise[] {
  const saved = detectors[detectorKey];
  const params = anomaly.model?.params;
  const warmup = (params ?? DEFAULT_DETECTOR_PARAMS).warmup;
  const ownHistory = saved ? [] : [...history].sort(byTime);
  // A newcomer with less history than a warm-up judges its points by its group's normal. Its own
  // few points before the window are left out: learnt, they might teach it the fault it came with.
  const inherit = !saved && sibling && ownHistory.length < warmup ? sibling : undefined;
  const start = saved?.snapshot ?? (inherit ? inheritedSnapshot(inherit.donor.snapshot) : undefined);
  const detector = start ? StreamingDetector.restore(start, params) : new StreamingDetector(params);
  const inheritance: Inheritance | undefined =
    saved?.inherited ??
    (inherit && start
      ? { from: inherit.donor.instanceId, group: inherit.group, atIndex: start.index }
      : undefined);
  const past = inherit ? [] : ownHistory;
  for (const point of past) detector.updateAt(point.value, Date.parse(point.at));
  const since = saved?.fedUpTo ?? past.at(-1)?.at ?? '';
  const unseen = points.filter((p) => p.at > since).sort(byTime);
  const anomalies: DetectedRise[] = [];
  for (const point of unseen) {
    // The point's time places it in the day: the detector's daily profile learns each instance's
    // working hours, so a load that comes every morning stops looking like an anomaly.
    const result = detector.updateAt(point.value, Date.parse(point.at));
    if (result.isAnomaly && result.above && point.value >= floor) {
      const judgedBy = stillInherited(inheritance, detector.pointsSeen, warmup);
      anomalies.push({
        point,
        score: result.score,
        ...(result.usual ? { usual: result.usual } : {}),
        ...(judgedBy ? { inherited: judgedBy } : {}),
      });
    }
  }
  const fedUpTo = unseen.at(-1)?.at ?? (since || undefined);
  const snapshot = detector.snapshot(carried);
  const still = stillInherited(inheritance, snapshot.index, warmup);
  if (fedUpTo !== undefined)
    detectors[detectorKey] = { snapshot, fedUpTo, ...(still ? { inherited: still } : {}) };
  return anomalies;
}

/** A rise the streaming detector found, and what it took for usual there. */
interface DetectedRise {
  point: MetricPoint;
  score: number;
  usual?: Usual;
  /** The group sibling whose normal judged it, while the instance has too few points of its own. */
  inherited?: Inheritance;
}

/** A streaming detector's finding, its kind and severity the metric's (`severityOfMetric`). */
function anomalyFinding(
  instanceId: string,
  metric: MonitoredMetric,
  found: DetectedRise,
  detectorVersion: string,
): Finding {
  const format = formatterOf(metric);
  const reading = `${metricName(metric)} at ${format(found.point.value)}`;
  const usual = found.usual ? `: ${describeUsual(found.usual, format)}` : '';
  const whose = found.inherited
    ? ` (too new for a normal of its own, it is judged by group ${found.inherited.group}'s, learnt on ${found.inherited.from})`
    : '';
  return {
    resourceId: instanceId,
    kind: kindOfMetric(metric),
    severity: severityOfMetric(metric),
    summary: `Instance ${instanceId} ${reading} is outside its normal range${usual}${whose} (anomaly score ${found.score.toFixed(2)}, streaming detector).`,
    evidenceAt: found.point.at,
    detectorVersion,
  };
}

/**
 * An instance under a maintenance window (decision 0064): what its metrics do now is neither reported
 * later nor learnt. Its metric watermarks and its detectors' `fedUpTo` move to now; its state is
 * judged again once the window ends (an instance left stopped is reported then).
 */
function passOverMaintenance(
  instanceId: string,
  watermarks: Watermarks,
  detectors: DetectorStates | undefined,
  now: string,
): void {
  // One key per instance, not one per kind: a window over a fleet of thousands must not multiply
  // the carried watermarks by the kinds (decision 0046's payload budget).
  const held = heldKey(instanceId);
  if ((watermarks[held] ?? '') < now) watermarks[held] = now;
  for (const metric of MONITORED_METRICS) {
    const k = detectorKeyOf(instanceId, metric);
    const state = detectors?.[k];
    if (detectors && state && state.fedUpTo < now) detectors[k] = { ...state, fedUpTo: now };
  }
}

/** The running members of Auto Scaling groups, with the requests each served: what the not-serving rules judge. */
export const runningGroupMembers = (
  observations: Pick<InstanceObservation, 'instanceId' | 'state' | 'group' | 'requestRate'>[],
): MemberRequests[] =>
  observations.flatMap((o) =>
    o.state === 'running' && o.group !== undefined
      ? [{ instanceId: o.instanceId, group: o.group, requestRate: o.requestRate ?? [] }]
      : [],
  );

/** A member that stopped serving, by either rule: the episode it belongs to and its report. */
interface Silence {
  lastServedAt: string;
  windowFrom: string;
  finding: Finding;
}

/**
 * Running group members that stopped serving, by instance: those whose siblings still serve
 * (decision 0066), and every member of a group whose balancer's requests go unanswered (0070).
 */
function notServingOf(
  observations: InstanceObservation[],
  thresholds: DetectionThresholds,
  balancers: readonly BalancerView[],
): Map<string, Silence> {
  const minimum = thresholds.notServingSiblingMinPerSecond;
  if (minimum === undefined) return new Map();
  const members = runningGroupMembers(observations);
  const silent = new Map<string, Silence>();
  for (const n of membersNotServing(members, minimum))
    silent.set(n.instanceId, { ...n, finding: notServingFinding(n) });
  for (const group of groupsUnanswered(members, balancers, minimum))
    for (const instanceId of group.instanceIds)
      silent.set(instanceId, {
        lastServedAt: group.lastServedAt,
        windowFrom: group.windowFrom,
        finding: unansweredFinding(instanceId, group),
      });
  return silent;
}

function notServingFinding(n: NotServing): Finding {
  const siblings = n.siblings === 1 ? 'its sibling' : `its ${n.siblings} siblings`;
  return {
    resourceId: n.instanceId,
    kind: 'not-serving',
    severity: 'high',
    summary: `Instance ${n.instanceId} served no requests in group ${n.group}'s last ${NOT_SERVING_WINDOW_POINTS} datapoints (${n.windowFrom} to ${n.windowTo}) while ${siblings} served a median ${requestsPerSecond(n.siblingsMedian)}: its application has stopped answering, or its load balancer stopped sending to it. It last served at ${n.lastServedAt}.`,
    evidenceAt: n.windowTo,
  };
}

/** A member of a group that stopped serving together: critical, and a person's call (decision 0070). */
function unansweredFinding(instanceId: string, g: UnansweredGroup): Finding {
  const balancers = g.balancers.join(', ');
  return {
    resourceId: instanceId,
    kind: 'not-serving',
    severity: 'critical',
    mode: 'manual',
    summary: `Instance ${instanceId} and every other member of group ${g.group} that served (${g.instanceIds.length}: ${g.instanceIds.join(', ')}) stopped serving together: load balancer ${balancers} routed them ${requestsPerSecond(g.routedPerSecond)} over its last ${NOT_SERVING_WINDOW_POINTS} datapoints (${g.windowFrom} to ${g.windowTo}) and none was answered; they last served at ${g.lastServedAt}. One cause behind them all (a dependency, a release, the balancer) is likelier than each application failing at once: a person decides, with the root cause ranking in the report.`,
    evidenceAt: g.windowTo,
  };
}

/** The unseen anomaly with the highest score, if any. */
const strongestAfter = (anomalies: DetectedRise[], watermark: string | undefined) =>
  anomalies.filter((a) => a.point.at > (watermark ?? '')).sort((a, b) => b.score - a.score)[0];

const key = (resourceId: string, kind: IncidentKind): string => `${resourceId}/${kind}`;
/** Until when a maintenance window held the instance: metric evidence up to then is not reported. */
const heldKey = (resourceId: string): string => `${resourceId}/maintenance`;
const laterOf = (a: string | undefined, b: string | undefined) => ((a ?? '') > (b ?? '') ? a : b);
/** The instance a watermark or detector key belongs to (both start `<instance>`). */
const instanceOfKey = (k: string): string => k.split('/', 1)[0] ?? k;

/**
 * Instances no longer listed in the fleet take their watermarks and detectors with them: in a group
 * that replaces instances every day the carried state would otherwise grow until it passed the
 * payload limit. An empty listing forgets nothing (a fleet does not vanish between two polls).
 */
function forgetDeparted(
  observations: InstanceObservation[],
  watermarks: Watermarks,
  detectors: DetectorStates | undefined,
): void {
  if (observations.length === 0) return;
  const listed = new Set(observations.map((o) => o.instanceId));
  for (const k of Object.keys(watermarks)) if (!listed.has(instanceOfKey(k))) delete watermarks[k];
  for (const k of Object.keys(detectors ?? {})) if (!listed.has(instanceOfKey(k))) delete detectors?.[k];
}

/** The newest `window` points after the watermark, when there are that many and every one is at or above `limit`. */
function sustainedAbove(
  points: MetricPoint[],
  watermark: string | undefined,
  window: number,
  limit: number,
): { at: string; mean: number } | undefined {
  const fresh = points
    .filter((p) => p.at > (watermark ?? ''))
    .sort((a, b) => a.at.localeCompare(b.at))
    .slice(-window);
  if (fresh.length < window) return undefined;
  if (fresh.some((p) => p.value < limit)) return undefined;
  return { at: fresh.at(-1)!.at, mean: fresh.reduce((sum, p) => sum + p.value, 0) / fresh.length };
}

function newest(points: MetricPoint[]): string | undefined {
  return points.reduce<string | undefined>(
    (max, p) => (max === undefined || p.at > max ? p.at : max),
    undefined,
  );
}

/**
 * Detection over one polling snapshot: state and status-check rules, CPU, p99 latency and inbound
 * traffic judged by each instance's streaming detectors (when their state is passed) with fixed
 * thresholds as the backstop for the first two. Resources with an incident already open are
 * skipped: a remediation that stops an instance on purpose must not open a second incident.
 */
export function detectFaults(
  observations: InstanceObservation[],
  previous: Watermarks,
  busyResources: ReadonlySet<string>,
  thresholds: DetectionThresholds,
  now: string,
  anomaly?: AnomalySettings,
  underMaintenance?: ReadonlySet<string>,
  balancers: readonly BalancerView[] = [],
): DetectionResult {
  const watermarks: Watermarks = { ...previous };
  const findings: Finding[] = [];
  const detectors: DetectorStates | undefined = anomaly ? { ...anomaly.detectors } : undefined;
  forgetDeparted(observations, watermarks, detectors);
  // Decided once per scan, for the monitor as a whole: the detectors it carries and those it feeds now.
  const monitored = detectors
    ? new Set([
        ...Object.keys(detectors),
        ...judgedMetrics(anomaly).flatMap((m) =>
          observations
            .filter((o) => (JUDGED[m].series(o)?.length ?? 0) > 0)
            .map((o) => detectorKeyOf(o.instanceId, m)),
        ),
      ]).size
    : 0;
  const carried = {
    withLevels: monitored <= MAX_DETECTORS_WITH_LEVELS,
    withProfile: monitored <= MAX_DETECTORS_WITH_PROFILES,
  };
  // From the states the scan started with, so a newcomer's start does not depend on listing order.
  const warmup = (anomaly?.model?.params ?? DEFAULT_DETECTOR_PARAMS).warmup;
  const donors = new Map(
    MONITORED_METRICS.filter((m) => JUDGED[m].inheritable).map((m) => [
      m,
      donorsByGroup(
        observations.filter((o) => o.state === 'running'),
        (instanceId) => anomaly?.detectors[detectorKeyOf(instanceId, m)]?.snapshot,
        warmup,
      ),
    ]),
  );

  const silent = notServingOf(observations, thresholds, balancers);

  for (const obs of observations) {
    const stoppedKey = key(obs.instanceId, 'instance-stopped');
    if (obs.state === 'running' || obs.state === 'terminated') delete watermarks[stoppedKey];
    if (busyResources.has(obs.instanceId)) continue;
    if (underMaintenance?.has(obs.instanceId)) {
      passOverMaintenance(obs.instanceId, watermarks, detectors, now);
      continue;
    }

    const terminatedKey = key(obs.instanceId, 'instance-terminated');
    if (
      (obs.state === 'terminated' || obs.state === 'shutting-down') &&
      watermarks[terminatedKey] === undefined
    ) {
      watermarks[terminatedKey] = now;
      findings.push({
        resourceId: obs.instanceId,
        kind: 'instance-terminated',
        severity: 'high',
        summary: `Instance ${obs.instanceId} was terminated although it is still a member of the fleet (cloud-medic retires members before it terminates them).`,
        evidenceAt: now,
      });
      continue;
    }
    if ((obs.state === 'stopped' || obs.state === 'stopping') && watermarks[stoppedKey] === undefined) {
      watermarks[stoppedKey] = now;
      findings.push({
        resourceId: obs.instanceId,
        kind: 'instance-stopped',
        severity: 'high',
        summary: `Instance ${obs.instanceId} is ${obs.state} but is part of the fleet and should be running.`,
        evidenceAt: now,
      });
      continue;
    }
    if (obs.state !== 'running') continue;

    // A metric's evidence counts after its watermark and after any maintenance window that held it.
    const heldUntil = watermarks[heldKey(obs.instanceId)];
    const markOf = (kind: IncidentKind) => laterOf(watermarks[key(obs.instanceId, kind)], heldUntil);
    const statusKey = key(obs.instanceId, 'status-check-failed');
    const failing = obs.statusCheckFailed.filter(
      (p) => p.value >= 1 && p.at > (markOf('status-check-failed') ?? ''),
    );
    const failingAt = newest(failing);
    if (failingAt !== undefined) {
      watermarks[statusKey] = failingAt;
      findings.push({
        resourceId: obs.instanceId,
        kind: 'status-check-failed',
        severity: 'critical',
        summary: `Instance ${obs.instanceId} failed its EC2 status checks (${failing.length} failing datapoint(s), latest ${failingAt}).`,
        evidenceAt: failingAt,
      });
      continue;
    }

    const cpuKey = key(obs.instanceId, 'cpu-high');
    const latencyKey = key(obs.instanceId, 'latency-high');
    // The streaming detectors judge each instance against its own normal range; the fixed thresholds
    // below stay as the backstop (and cover the warm-up). All are fed before any verdict, so a
    // finding on one metric leaves no gap in another's history.
    const feed = (metric: MonitoredMetric): DetectedRise[] => {
      const detectorKey = detectorKeyOf(obs.instanceId, metric);
      const points = JUDGED[metric].series(obs);
      const floor = JUDGED[metric].floor(anomaly);
      if (!anomaly || !detectors || floor === undefined || !points?.length) return [];
      if (anomaly.waitingForHistory?.has(detectorKey)) return [];
      const donor = obs.group === undefined ? undefined : donors.get(metric)?.get(obs.group);
      return feedDetector(
        detectorKey,
        points,
        floor,
        anomaly,
        detectors,
        carried,
        JUDGED[metric].history(obs),
        donor && obs.group !== undefined && donor.instanceId !== obs.instanceId
          ? { donor, group: obs.group }
          : undefined,
      );
    };
    const [anomalies, latencyAnomalies, trafficAnomalies, egressAnomalies, requestAnomalies] = (
      ['cpu', 'latency', 'network', 'egress', 'requests'] as const
    ).map(feed);
    const detectorVersion = anomaly?.model?.version ?? DETECTOR_VERSION;
    /** The strongest rise a detector found that is not reported yet, as its finding (its watermark moved). */
    const unreportedRise = (metric: MonitoredMetric, rises: DetectedRise[]): Finding | undefined => {
      const kind = kindOfMetric(metric);
      const found = strongestAfter(rises, markOf(kind));
      if (!found) return undefined;
      watermarks[key(obs.instanceId, kind)] = found.point.at;
      return anomalyFinding(obs.instanceId, metric, found, detectorVersion);
    };
    // A suspicion of exfiltration goes first: a reboot planned for CPU would wipe what a person who
    // isolates the instance needs to see.
    const leaking = unreportedRise('egress', egressAnomalies);
    if (leaking) {
      findings.push(leaking);
      continue;
    }
    const unanswered = silent.get(obs.instanceId);
    const servingKey = key(obs.instanceId, 'not-serving');
    // One report per episode: it starts over only when the instance serves again. Silence during a
    // maintenance window is the work's; still silent after it, over datapoints after it, is reported.
    if (
      unanswered &&
      (watermarks[servingKey] ?? '') < unanswered.lastServedAt &&
      (heldUntil ?? '') < unanswered.windowFrom
    ) {
      watermarks[servingKey] = unanswered.lastServedAt;
      findings.push(unanswered.finding);
      continue;
    }
    const hot = unreportedRise('cpu', anomalies);
    if (hot) {
      findings.push(hot);
      continue;
    }
    const slow =
      thresholds.latencyHighMs !== undefined
        ? sustainedAbove(
            obs.latencyP99 ?? [],
            markOf('latency-high'),
            thresholds.cpuWindowPoints,
            thresholds.latencyHighMs,
          )
        : undefined;
    if (slow) {
      watermarks[latencyKey] = slow.at;
      findings.push({
        resourceId: obs.instanceId,
        kind: 'latency-high',
        severity: 'high',
        summary: `Instance ${obs.instanceId} p99 latency averaged ${slow.mean.toFixed(0)} ms over its last ${thresholds.cpuWindowPoints} datapoints (threshold ${thresholds.latencyHighMs} ms).`,
        evidenceAt: slow.at,
      });
      continue;
    }
    /**
     * Requests and the bytes they bring rise together: one surge is one incident (and one more
     * instance), whichever detector saw it first, and its twin's rises so far are reported with it.
     */
    const demandSurge = (): Finding | undefined => {
      const surge =
        unreportedRise('requests', requestAnomalies) ?? unreportedRise('network', trafficAnomalies);
      if (!surge) return undefined;
      for (const [metric, rises] of [
        ['requests', requestAnomalies],
        ['network', trafficAnomalies],
      ] as const) {
        const twin = key(obs.instanceId, kindOfMetric(metric));
        const upTo = laterOf(watermarks[twin], newest(rises.map((r) => r.point)));
        if (upTo !== undefined) watermarks[twin] = upTo;
      }
      return surge;
    };
    const unusual = unreportedRise('latency', latencyAnomalies) ?? demandSurge();
    if (unusual) {
      findings.push(unusual);
      continue;
    }
    const creeping = firstCreepingFailure(obs, thresholds, markOf);
    if (creeping) {
      const { forecast } = creeping;
      const evidenceAt = newest(creeping.points) ?? now;
      watermarks[key(obs.instanceId, creeping.kind)] = evidenceAt;
      findings.push({
        resourceId: obs.instanceId,
        kind: creeping.kind,
        severity: proactiveSeverity(forecast.minutesToFailure),
        summary: `Instance ${obs.instanceId} ${creeping.what} at ${forecast.current.toFixed(1)}${creeping.unit} and rising ${forecast.slopePerHour.toFixed(1)} points an hour: predicted ${creeping.failure} (${creeping.full}${creeping.unit}) in ${describeMinutes(forecast.minutesToFailure)}, at ${forecast.failureAt} (trend fit R² ${forecast.fit.toFixed(2)}). Nothing has failed yet.`,
        evidenceAt,
      });
      continue;
    }
    const fresh = obs.cpuUtilization
      .filter((p) => p.at > (markOf('cpu-high') ?? ''))
      .sort((a, b) => a.at.localeCompare(b.at))
      .slice(-thresholds.cpuWindowPoints);
    const freshAt = newest(fresh);
    if (freshAt !== undefined && fresh.length >= thresholds.cpuWindowPoints) {
      const mean = fresh.reduce((sum, p) => sum + p.value, 0) / fresh.length;
      if (mean >= thresholds.cpuHighPercent) {
        watermarks[cpuKey] = freshAt;
        findings.push({
          resourceId: obs.instanceId,
          kind: 'cpu-high',
          severity: 'medium',
          summary: `Instance ${obs.instanceId} CPU averaged ${mean.toFixed(1)}% (threshold ${thresholds.cpuHighPercent}%).`,
          evidenceAt: freshAt,
        });
      }
    }
  }
  return detectors ? { findings, watermarks, detectors } : { findings, watermarks };
}
