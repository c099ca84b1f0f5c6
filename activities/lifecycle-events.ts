import { formatForSink, type EventSink, type LifecycleEvent } from '../domain/lifecycle-events';
import type { IncidentMetrics } from './incident-metrics';
import { DEFAULT_DELIVERY, deliverJson, type DeliveryOptions } from './webhook-delivery';

export interface PublishResult {
  delivered: number;
  failed: number;
  detail: string;
}

/**
 * Counts each lifecycle event in the worker's metrics and sends it to every configured sink. Sinks
 * are delivered to side by side; one that fails is reported, never thrown, so no incident waits on it.
 */
export function createLifecycleEventActivities(
  sinks: EventSink[],
  region: string,
  metrics: IncidentMetrics,
  delivery: DeliveryOptions = DEFAULT_DELIVERY,
) {
  async function publishLifecycleEvent(event: LifecycleEvent): Promise<PublishResult> {
    metrics.observe(event);
    const results = await Promise.all(
      sinks.map(async (sink) => {
        const result = await deliverJson(sink.url, formatForSink(event, sink.format, region), delivery);
        metrics.delivered(sink.format, result.delivered);
        return { sink, result };
      }),
    );
    const failed = results.filter((r) => !r.result.delivered);
    return {
      delivered: results.length - failed.length,
      failed: failed.length,
      detail:
        sinks.length === 0
          ? 'no event sinks configured'
          : failed.map((f) => `${f.sink.format} sink: ${f.result.detail}`).join('; ') || 'delivered',
    };
  }
  return { publishLifecycleEvent };
}
