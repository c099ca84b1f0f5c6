import { mapAlert } from '../../domain/alert-mapping';

const alert = (labels: Record<string, string>, annotations: Record<string, string> = {}) => ({
  labels,
  annotations,
});

describe('mapAlert', () => {
  test('resource_id wins over instance; the port of instance is dropped', () => {
    expect(
      mapAlert(alert({ alertname: 'InstanceDown', resource_id: 'i-1', instance: 'i-2:9100' }), 'am'),
    ).toMatchObject({
      ok: true,
      request: { resourceId: 'i-1', kind: 'instance-stopped' },
    });
    expect(mapAlert(alert({ alertname: 'InstanceDown', instance: 'i-2:9100' }), 'am')).toMatchObject({
      request: { resourceId: 'i-2' },
    });
  });

  test('severity aliases, the mode label and the summary annotation are carried over', () => {
    const mapped = mapAlert(
      alert(
        { alertname: 'HighCPU', instance: 'i-3', severity: 'Warning', medic_mode: 'MANUAL' },
        { summary: 'hot' },
      ),
      'am',
    );
    expect(mapped).toEqual({
      ok: true,
      request: {
        resourceId: 'i-3',
        kind: 'cpu-high',
        severity: 'medium',
        mode: 'manual',
        summary: 'hot',
        source: 'am',
      },
    });
  });

  test('an explicit kind label beats the alert name; an unknown kind is refused with the reason', () => {
    expect(
      mapAlert(alert({ alertname: 'Whatever', instance: 'i-4', medic_kind: 'status-check-failed' }), 'am'),
    ).toMatchObject({
      request: { kind: 'status-check-failed' },
    });
    expect(mapAlert(alert({ alertname: 'Whatever', instance: 'i-4', medic_kind: 'meltdown' }), 'am')).toEqual(
      {
        ok: false,
        reason: 'no incident kind for alert "Whatever" (kind "meltdown" unknown)',
      },
    );
  });

  test('alerts with no usable resource are refused', () => {
    expect(mapAlert(alert({ alertname: 'InstanceDown' }), 'am')).toMatchObject({
      ok: false,
      reason: expect.stringContaining('no resource label'),
    });
    expect(mapAlert(alert({ alertname: 'InstanceDown', instance: "i-1'; DROP" }), 'am')).toMatchObject({
      ok: false,
    });
  });

  test('unknown severities and modes are left to the defaults', () => {
    const mapped = mapAlert(
      alert({ alertname: 'InstanceDown', instance: 'i-5', severity: 'apocalyptic', medic_mode: 'maybe' }),
      'am',
    );
    expect(mapped).toEqual({
      ok: true,
      request: { resourceId: 'i-5', kind: 'instance-stopped', summary: 'InstanceDown on i-5', source: 'am' },
    });
  });
});
