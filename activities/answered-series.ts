import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { fleetSeriesSpans, labelledFleetSeries } from '../domain/anomaly/fleet-labels';
import type { TrainingSeries } from '../domain/anomaly/labelled-series';
import type { DetectionVerdictRecord, FeedbackStore } from './feedback-store';
import { asJudged, MONITORED_SERIES, readEc2Metrics } from './metrics';
import { noBucketYet } from './s3-json';

/** CloudWatch keeps sub-minute datapoints for three hours only: the days before an answer are minutes. */
const HISTORY_PERIOD_SECONDS = 60;

/**
 * The fleet's answered detections as labelled training series (decision 0053): each answered
 * series' history from CloudWatch, one `GetMetricData` read per series, with a window around each
 * confirmed fault.
 */
export function answeredSeriesReader(
  cloudwatch: CloudWatchClient,
  feedback: FeedbackStore,
  metricPeriodSeconds: number,
  now: () => number = Date.now,
): (withHistory?: boolean, progress?: (detail: string) => void) => Promise<TrainingSeries[]> {
  // Without history (what the model monitor asks before a retraining) the series carry their labels only.
  return async (withHistory = true, progress = () => undefined) => {
    // A kept answer carries what labels a detection (instance, metric, opening, verdict) and more.
    const answers = await feedback.listVerdicts().catch(noBucketYet<DetectionVerdictRecord>);
    const period = Math.max(HISTORY_PERIOD_SECONDS, metricPeriodSeconds);
    const series: TrainingSeries[] = [];
    const spans = fleetSeriesSpans(answers, now());
    for (const [i, span] of spans.entries()) {
      if (!withHistory) {
        series.push(labelledFleetSeries(span, []));
        continue;
      }
      progress(`reading answered series ${i + 1} of ${spans.length}: ${span.name}`);
      const metric = MONITORED_SERIES[span.metric];
      const points = await readEc2Metrics(
        cloudwatch,
        [{ instanceId: span.instanceId, metric }],
        new Date(span.fromMs),
        new Date(span.toMs),
        period,
      );
      const read = points.get(`${span.instanceId}/${metric}`);
      series.push(labelledFleetSeries(span, asJudged(metric, read, period)));
    }
    return series;
  };
}
