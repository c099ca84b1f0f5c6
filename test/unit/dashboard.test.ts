import { dashboardFigures, type IncidentFacts } from '../../domain/dashboard';
import type { StepRecord } from '../../domain/incident';

const now = new Date('2026-11-26T12:30:00Z');
const step = (startedAt: string, outcome: StepRecord['outcome']): StepRecord => ({
  step: 1,
  action: 'reboot-instance',
  resourceId: 'i-1',
  reason: 'r',
  startedAt,
  outcome,
  detail: 'd',
});

describe('dashboard figures', () => {
  const incidents: IncidentFacts[] = [
    {
      kind: 'cpu-high',
      status: 'awaiting_approval',
      severity: 'medium',
      mode: 'manual',
      openedAt: '2026-11-26T12:00:00Z',
    },
    {
      kind: 'instance-stopped',
      status: 'remediating',
      severity: 'high',
      mode: 'auto',
      openedAt: '2026-11-26T12:20:00Z',
    },
    {
      kind: 'status-check-failed',
      status: 'resolved',
      mode: 'auto',
      openedAt: '2026-11-26T11:00:00Z',
      closedAt: '2026-11-26T11:01:00Z',
      steps: [step('2026-11-26T11:00:20Z', 'succeeded')],
    },
    {
      kind: 'instance-stopped',
      status: 'resolved',
      mode: 'manual',
      openedAt: '2026-11-26T12:00:00Z',
      closedAt: '2026-11-26T12:03:00Z',
      steps: [step('2026-11-26T12:02:00Z', 'not-verified'), step('2026-11-26T12:02:30Z', 'succeeded')],
    },
    { kind: 'security-group-open', status: 'declined', mode: 'manual', openedAt: '2026-11-26T10:00:00Z' },
    {
      kind: 'instance-idle',
      status: 'resolved',
      mode: 'manual',
      openedAt: '2026-11-26T09:00:00Z',
      closedAt: '2026-11-26T09:10:00Z',
      instanceType: 't3.micro',
    },
    {
      kind: 'instance-idle',
      status: 'resolved',
      mode: 'manual',
      openedAt: '2026-11-26T09:00:00Z',
      closedAt: '2026-11-26T09:10:00Z',
      instanceType: 'x9.mega',
    },
    {
      kind: 'instance-idle',
      status: 'declined',
      mode: 'manual',
      openedAt: '2026-11-26T09:00:00Z',
      instanceType: 't3.large',
    },
  ];
  const figures = dashboardFigures(incidents, [{ agent: 'security', meanRating: 2, answers: 3 }], now, 24, {
    activeSteps: 1,
    maxConcurrent: 1,
    destructiveLastHour: 0,
    maxDestructivePerHour: 10,
  });

  test('open by severity and status, outcomes, MTTR and the auto-resolution rate', () => {
    expect(figures.openBySeverity).toEqual({ critical: 0, high: 1, medium: 1, low: 0 });
    expect(figures.openByStatus.awaiting_approval).toBe(1);
    expect(figures.outcomes).toEqual({ resolved: 4, declined: 2 });
    expect(figures.closed).toBe(6);
    expect(figures.autoResolutionRate).toBeCloseTo(1 / 6);
    expect(figures.mttrSeconds).toBe(360); // (60 + 180 + 600 + 600) / 4
  });

  test('per-agent records and actions per hour, in the hour each step started', () => {
    expect(figures.agents).toEqual([
      {
        agent: 'self-healing',
        incidents: 4,
        actions: 3,
        succeeded: 2,
        successRate: 2 / 3,
        meanRating: null,
        answers: 0,
      },
      {
        agent: 'security',
        incidents: 1,
        actions: 0,
        succeeded: 0,
        successRate: null,
        meanRating: 2,
        answers: 3,
      },
      {
        agent: 'cost',
        incidents: 3,
        actions: 0,
        succeeded: 0,
        successRate: null,
        meanRating: null,
        answers: 0,
      },
    ]);
    expect(figures.actionsPerHour).toHaveLength(24);
    expect(figures.actionsPerHour.at(-1)).toEqual({ hour: '2026-11-26T12:00:00.000Z', actions: 2 });
    expect(figures.actionsPerHour.at(-2)).toEqual({ hour: '2026-11-26T11:00:00.000Z', actions: 1 });
    expect(figures.costSavedPerMonth).toBe(7.59); // one t3.micro: 0.0104 $/h × 730 h
    expect(figures.costUnpriced).toBe(1);
  });

  test('no incidents: rates are unknown, not zero', () => {
    const empty = dashboardFigures([], [], now);
    expect(empty.autoResolutionRate).toBeNull();
    expect(empty.mttrSeconds).toBeNull();
  });
});
