/**
 * Incident lifecycle events other systems subscribe to (decision 0023). The workflow emits them;
 * an activity delivers them to the configured sinks, each in the sink's own shape.
 */

export const LIFECYCLE_EVENT_TYPES = [
  'incident.opened',
  'incident.decision',
  'incident.action',
  'incident.closed',
] as const;
export type LifecycleEventType = (typeof LIFECYCLE_EVENT_TYPES)[number];

export interface LifecycleEvent {
  /** `<workflowId>/<runId>/<sequence>`: stable across activity retries, so receivers can deduplicate. */
  id: string;
  type: LifecycleEventType;
  at: string;
  incidentId: string;
  runId: string;
  resourceId: string;
  kind: string;
  severity: string;
  mode: string;
  status: string;
  openedAt: string;
  /** opened: summary; decision: decision, by, waitedSeconds; action: action, outcome; closed: outcome, conclusion. */
  detail: Record<string, string | number | boolean | undefined>;
}

export const SINK_FORMATS = ['json', 'eventbridge'] as const;
export type SinkFormat = (typeof SINK_FORMATS)[number];

export interface EventSink {
  format: SinkFormat;
  url: string;
}

const DETAIL_TYPES: Record<LifecycleEventType, string> = {
  'incident.opened': 'Incident Opened',
  'incident.decision': 'Incident Decision',
  'incident.action': 'Incident Action',
  'incident.closed': 'Incident Closed',
};

/**
 * The shape EventBridge delivers to its targets (and PutEvents entries carry), so rules written
 * for `source = cloud-medic` and a detail-type work unchanged when a bridge forwards these.
 */
export function toEventBridgeShape(event: LifecycleEvent, region: string, account = '000000000000') {
  return {
    version: '0',
    id: event.id,
    'detail-type': DETAIL_TYPES[event.type],
    source: 'cloud-medic',
    account,
    time: event.at,
    region,
    resources: event.resourceId.startsWith('arn:') ? [event.resourceId] : [],
    detail: { ...event },
  };
}

export function formatForSink(event: LifecycleEvent, format: SinkFormat, region: string): unknown {
  return format === 'eventbridge' ? toEventBridgeShape(event, region) : event;
}

/**
 * `MEDIC_EVENT_SINKS=json=http://…,eventbridge=http://…`. Throws naming the variable and the entry,
 * so a typo stops the worker at start instead of dropping events quietly.
 */
export function parseEventSinks(spec: string | undefined): EventSink[] {
  if (!spec || spec.trim() === '') return [];
  return spec
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '')
    .map((entry) => {
      const at = entry.indexOf('=');
      const format = at > 0 ? entry.slice(0, at) : '';
      const url = at > 0 ? entry.slice(at + 1) : '';
      if (!SINK_FORMATS.includes(format as SinkFormat))
        throw new Error(
          `MEDIC_EVENT_SINKS: "${entry}" must be <format>=<url> with format one of ${SINK_FORMATS.join(', ')}`,
        );
      let parsed: URL;
      try {
        parsed = new URL(url);
      } catch {
        throw new Error(`MEDIC_EVENT_SINKS: "${url}" in "${entry}" is not a URL`);
      }
      if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
        throw new Error(`MEDIC_EVENT_SINKS: "${url}" must be http or https`);
      return { format: format as SinkFormat, url };
    });
}
