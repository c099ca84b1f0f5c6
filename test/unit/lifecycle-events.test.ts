import { Writable } from 'node:stream';
import { createIncidentMetrics } from '../../activities/incident-metrics';
import { createLifecycleEventActivities } from '../../activities/lifecycle-events';
import { loadConfig, ConfigError } from '../../domain/config';
import { parseEventSinks, toEventBridgeShape, type LifecycleEvent } from '../../domain/lifecycle-events';
import { createLogger, temporalLogger } from '../../telemetry/logger';
import { startReceiver } from '../support/receiver';

const event = (overrides: Partial<LifecycleEvent> = {}): LifecycleEvent => ({
  id: 'incident-i-1-cpu-high/run-1/1',
  type: 'incident.closed',
  at: '2026-11-26T10:05:00.000Z',
  incidentId: 'incident-i-1-cpu-high',
  runId: 'run-1',
  resourceId: 'i-1',
  kind: 'cpu-high',
  severity: 'high',
  mode: 'auto',
  status: 'resolved',
  openedAt: '2026-11-26T10:00:00.000Z',
  detail: { outcome: 'resolved', conclusion: 'Healed by reboot-instance' },
  ...overrides,
});

describe('event sink configuration', () => {
  test('formats and URLs are parsed; a bad entry names the variable and the entry', () => {
    expect(parseEventSinks('json=http://127.0.0.1:1/a, eventbridge=https://h/b')).toEqual([
      { format: 'json', url: 'http://127.0.0.1:1/a' },
      { format: 'eventbridge', url: 'https://h/b' },
    ]);
    expect(parseEventSinks(undefined)).toEqual([]);
    expect(() => parseEventSinks('kafka=http://h')).toThrow(/MEDIC_EVENT_SINKS: "kafka=http:\/\/h"/);
    expect(() => parseEventSinks('json=not a url')).toThrow(/not a URL/);
    expect(() => parseEventSinks('json=file:///etc/passwd')).toThrow(/http or https/);
    expect(() => loadConfig({ MEDIC_EVENT_SINKS: 'json' })).toThrow(ConfigError);
    expect(() => loadConfig({ MEDIC_WEBHOOK_FORMAT: 'teams' })).toThrow(/MEDIC_WEBHOOK_FORMAT/);
  });

  test('the EventBridge shape has the envelope rules match on, with the event as detail', () => {
    const shaped = toEventBridgeShape(event(), 'eu-west-1');
    expect(shaped).toMatchObject({
      version: '0',
      id: 'incident-i-1-cpu-high/run-1/1',
      'detail-type': 'Incident Closed',
      source: 'cloud-medic',
      region: 'eu-west-1',
      time: '2026-11-26T10:05:00.000Z',
      resources: [],
    });
    expect(shaped.detail.detail.outcome).toBe('resolved');
  });
});

describe('publishing lifecycle events', () => {
  test('each sink gets its own format; one failing sink does not stop the other', async () => {
    const json = await startReceiver();
    const failing = await startReceiver((_req, _body, res) => {
      res.statusCode = 500;
      res.end();
    });
    try {
      const metrics = createIncidentMetrics();
      const { publishLifecycleEvent } = createLifecycleEventActivities(
        [
          { format: 'json', url: `${json.url}/events` },
          { format: 'eventbridge', url: failing.url },
        ],
        'us-east-1',
        metrics,
        { timeoutMs: 500, attempts: 2, backoffMs: 10, deadlineMs: 2000 },
      );
      const result = await publishLifecycleEvent(event());
      expect(result).toMatchObject({ delivered: 1, failed: 1 });
      expect(result.detail).toMatch(/eventbridge sink: webhook answered 500 \(after 2 attempts\)/);
      expect(json.received[0]?.body).toEqual(event());
      expect((failing.received[0]?.body as { source: string }).source).toBe('cloud-medic');
      const text = await metrics.registry.metrics();
      expect(text).toContain('medic_event_deliveries_total{format="json",result="delivered"} 1');
      expect(text).toContain('medic_event_deliveries_total{format="eventbridge",result="failed"} 1');
    } finally {
      json.close();
      failing.close();
    }
  });

  test('the figures count each event once, even when its activity is retried', async () => {
    const metrics = createIncidentMetrics();
    const { publishLifecycleEvent } = createLifecycleEventActivities([], 'us-east-1', metrics);
    await publishLifecycleEvent(event({ id: 'x/1/1', type: 'incident.opened', detail: {} }));
    await publishLifecycleEvent(
      event({ id: 'x/1/2', type: 'incident.decision', detail: { decision: 'approve', waitedSeconds: 42 } }),
    );
    await publishLifecycleEvent(
      event({
        id: 'x/1/3',
        type: 'incident.action',
        detail: { action: 'reboot-instance', outcome: 'succeeded' },
      }),
    );
    await publishLifecycleEvent(event({ id: 'x/1/4' }));
    await publishLifecycleEvent(event({ id: 'x/1/4' }));
    const text = await metrics.registry.metrics();
    expect(text).toContain(
      'medic_incidents_opened_total{kind="cpu-high",agent="self-healing",severity="high"} 1',
    );
    expect(text).toContain(
      'medic_incidents_closed_total{outcome="resolved",kind="cpu-high",agent="self-healing",mode="auto"} 1',
    );
    expect(text).toContain(
      'medic_incident_duration_seconds_sum{outcome="resolved",kind="cpu-high",mode="auto"} 300',
    );
    expect(text).toContain('medic_approval_wait_seconds_sum{decision="approve"} 42');
    expect(text).toContain(
      'medic_actions_total{action="reboot-instance",outcome="succeeded",agent="self-healing"} 1',
    );
  });
});

describe('structured logs', () => {
  test('lines from Temporal carry the incident id next to the workflow id, as JSON', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const logger = temporalLogger(createLogger('worker', sink));
    logger.info('incident transition', {
      workflowId: 'incident-i-9-cpu-high',
      runId: 'r',
      status: 'planned',
    });
    logger.warn('retrain', { workflowId: 'retrain-detector' });
    const [incidentLine, otherLine] = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(incidentLine).toMatchObject({
      level: 'info',
      service: 'worker',
      msg: 'incident transition',
      workflowId: 'incident-i-9-cpu-high',
      incidentId: 'incident-i-9-cpu-high',
      status: 'planned',
    });
    expect(typeof incidentLine?.time).toBe('string');
    expect(otherLine).toMatchObject({ level: 'warn', workflowId: 'retrain-detector' });
    expect(otherLine?.incidentId).toBeUndefined();
  });
});
