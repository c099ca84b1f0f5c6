import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { asJudged, readEc2Metrics, type Ec2Metric } from '../activities/metrics';
import { usualAt, type ProfileView } from '../domain/anomaly/usual';
import { metricOfKind } from '../domain/monitor-view';
import type { IncidentDetail } from './incident-service';

export interface Evidence {
  resourceId: string;
  metric: Ec2Metric;
  unit: string;
  from: string;
  to: string;
  openedAt: string;
  closedAt?: string;
  points: { at: string; value: number }[];
  /**
   * Per point, what the fleet monitor's detector takes for usual at that time of day (value and
   * spread), null where its profile does not judge; present for an incident the detector opened.
   */
  usual?: ({ value: number; spread: number } | null)[];
}

/** The daily profile of the detector that opened this incident, if the fleet monitor has one. */
export type UsualProfileOf = (incident: IncidentDetail) => Promise<ProfileView | undefined>;

const METRIC_OF: Record<string, Ec2Metric> = {
  'cpu-high': 'CPUUtilization',
  'latency-high': 'LatencyP99',
  'traffic-surge': 'NetworkIn',
  'request-surge': 'RequestCount',
  // Its requests stopping is what it is: the chart shows them fall to nothing, or end.
  'not-serving': 'RequestCount',
  'egress-surge': 'NetworkOut',
  'status-check-failed': 'StatusCheckFailed',
  'instance-stopped': 'CPUUtilization',
};

const UNIT_OF: Partial<Record<Ec2Metric, string>> = {
  CPUUtilization: 'Percent',
  LatencyP99: 'Milliseconds',
  NetworkIn: 'Bytes/Second',
  NetworkOut: 'Bytes/Second',
  RequestCount: 'Count/Second',
};

/**
 * The metric around an incident, for the console's sparkline: from 15 minutes before it opened to
 * 10 minutes after it closed (or now), read from CloudWatch like the detector and verifier read it.
 */
export function evidenceReader(
  cloudwatch: CloudWatchClient,
  periodSeconds: number,
  usualProfileOf?: UsualProfileOf,
) {
  return async (incident: IncidentDetail): Promise<Evidence | undefined> => {
    const metric = METRIC_OF[incident.kind ?? ''];
    if (!metric || !incident.resourceId?.startsWith('i-')) return undefined;
    const opened = Date.parse(incident.openedAt);
    const closed = incident.closedAt ? Date.parse(incident.closedAt) : undefined;
    const from = new Date(opened - 15 * 60_000);
    const to = new Date(Math.min(Date.now(), (closed ?? Date.now()) + 10 * 60_000));
    const series = await readEc2Metrics(
      cloudwatch,
      [{ instanceId: incident.resourceId, metric }],
      from,
      to,
      periodSeconds,
    );
    // Oldest first, as readEc2Metrics returns them and a chart reads. Drawn as the detector judged it.
    const points = asJudged(metric, series.get(`${incident.resourceId}/${metric}`), periodSeconds);
    // The chart is drawn without the band rather than not at all when the monitor cannot be asked.
    const profile = metricOfKind(incident.kind)
      ? await usualProfileOf?.(incident).catch(() => undefined)
      : undefined;
    const usual = profile ? points.map((p) => usualAt(profile, Date.parse(p.at)) ?? null) : [];
    return {
      resourceId: incident.resourceId,
      metric,
      unit: UNIT_OF[metric] ?? 'Count',
      from: from.toISOString(),
      to: to.toISOString(),
      openedAt: incident.openedAt,
      ...(incident.closedAt ? { closedAt: incident.closedAt } : {}),
      points,
      ...(usual.some((u) => u !== null) ? { usual } : {}),
    };
  };
}
