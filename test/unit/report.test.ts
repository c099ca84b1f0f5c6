import type { IncidentState, StepRecord } from '../../domain/incident';
import { buildReport, decisionRequestBody, healedBy, planlessAction } from '../../domain/report';

/** An incident as the workflow keeps it at its end: only what the report reads is filled in. */
function stateWith(fields: Partial<IncidentState>): IncidentState {
  return {
    summary: 'Instance i-1 CPU averaged 97.7% (threshold 90%).',
    plan: [{ action: 'reboot-instance', reason: 'a reboot clears runaway load' }],
    status: 'declined',
    ...fields,
  } as IncidentState;
}

const rebooted: StepRecord = {
  step: 1,
  action: 'reboot-instance',
  resourceId: 'i-1',
  reason: 'a reboot clears runaway load',
  startedAt: '2026-11-27T10:00:00Z',
  outcome: 'succeeded',
  detail: 'rebooted; i-1 running',
};

describe('the report says how it ended once', () => {
  test('nothing could be planned: the why is the reason, and the action taken does not repeat it', () => {
    const why = 'The instance is not in an Auto Scaling group, so there is no capacity cloud-medic may add.';
    const report = buildReport(
      stateWith({ plan: [], status: 'escalated' }),
      [],
      why,
      planlessAction('escalated'),
    );
    expect(report.reason).toBe(why);
    expect(report.actionTaken).toBe('Left for a person to decide; no change was made to the resource.');
    expect(planlessAction('failed')).not.toBe(planlessAction('resolved'));
  });

  test('a decline: who, why and that nothing changed, each said once', () => {
    const decision = {
      decision: 'decline' as const,
      by: 'ana',
      reason: 'leave it for the owning team',
      at: 'x',
    };
    const report = buildReport(
      stateWith({ decision }),
      [],
      'Declined by ana: leave it for the owning team; nothing was changed.',
    );
    expect(report.actionTaken).toBe('Declined by ana: leave it for the owning team; nothing was changed.');
    expect(report.decision).toEqual(decision);
  });

  test('a decline whose conclusion leaves out the reason still gives it', () => {
    const report = buildReport(
      stateWith({ decision: { decision: 'decline', by: 'ana', reason: 'change freeze', at: 'x' } }),
      [],
      'Declined by ana; the rule was left in place.',
    );
    expect(report.actionTaken).toBe(
      'Declined by ana; the rule was left in place. Decision: decline by ana (change freeze).',
    );
  });

  test('an approval: the steps, then who approved and why', () => {
    const report = buildReport(
      stateWith({
        status: 'resolved',
        decision: { decision: 'approve', by: 'bo', reason: 'safe now', at: 'x' },
      }),
      [rebooted],
      healedBy('reboot-instance', 1, 2),
    );
    expect(report.actionTaken).toBe(
      'Healed by reboot-instance, the first of 2 planned steps; the rest were not needed. ' +
        'Step taken: 1. reboot-instance succeeded (rebooted; i-1 running). ' +
        'Decision: approve by bo (safe now).',
    );
  });

  test('the steps taken read as sentences, each with its outcome', () => {
    const failed: StepRecord = { ...rebooted, outcome: 'failed', detail: 'still impaired' };
    const replaced: StepRecord = {
      ...rebooted,
      step: 2,
      action: 'replace-instance',
      detail: 'replaced by i-2',
    };
    const report = buildReport(
      stateWith({ status: 'resolved' }),
      [failed, replaced],
      healedBy('replace-instance', 2, 2),
    );
    expect(report.actionTaken).toBe(
      'Healed by replace-instance, step 2 of 2 planned, after the earlier steps did not heal it. ' +
        'Steps taken: 1. reboot-instance failed (still impaired); 2. replace-instance succeeded (replaced by i-2).',
    );
  });

  test('an end without steps that does not say so is told nothing changed', () => {
    const report = buildReport(stateWith({ status: 'escalated' }), [], 'No remediation slot within 6s.');
    expect(report.actionTaken).toBe('No remediation slot within 6s. No change was made to the resource.');
  });
});

test("a caller's summary that does not end a sentence is ended, with or without a diagnosis after it", () => {
  const diagnosis = { findings: ['State stopped (t3.micro).'] } as IncidentState['diagnosis'];
  const report = buildReport(
    stateWith({ summary: 'instance-stopped on i-1', diagnosis, status: 'resolved' }),
    [rebooted],
    'Healed.',
  );
  expect(report.issueDetected).toBe('instance-stopped on i-1. Diagnosis: State stopped (t3.micro).');
  expect(
    buildReport(stateWith({ summary: 'Port 22 open to 0.0.0.0/0 on sg-1' }), [], 'x').issueDetected,
  ).toBe('Port 22 open to 0.0.0.0/0 on sg-1.');
  expect(buildReport(stateWith({ summary: 'Stopped.', diagnosis }), [], 'x').issueDetected).toBe(
    'Stopped. Diagnosis: State stopped (t3.micro).',
  );
});

test('a healed plan says which step healed it and that the rest were not run', () => {
  expect(healedBy('start-instance', 1, 1)).toBe('Healed by start-instance.');
  expect(healedBy('reboot-instance', 1, 3)).toBe(
    'Healed by reboot-instance, the first of 3 planned steps; the rest were not needed.',
  );
  expect(healedBy('reboot-instance', 2, 3)).toBe(
    'Healed by reboot-instance, step 2 of 3 planned, after the earlier steps did not heal it; the rest were not needed.',
  );
});

describe('asking a person for a decision', () => {
  const plan = [{ action: 'quarantine-instance' as const, reason: 'data may be leaving' }];
  const outboundFlows =
    'Flow logs: 361.8 MB sent from 10.42.1.4 in the last 15 min: 100 % to 203.0.113.66:443.';
  const findings = ['State running (t3.micro).', 'Peak outbound traffic 12.5 MB/s.'];
  // Only an outbound surge's diagnosis reads the flow logs.
  const surgeDiagnosis = {
    exists: true,
    state: 'running',
    recentStatusCheckFailures: 0,
    findings: [...findings, outboundFlows],
    outboundFlows,
  };
  const diagnosis = { exists: true, state: 'running', recentStatusCheckFailures: 0, findings };

  test("an outbound surge's message says where the traffic went; other kinds' messages are as they were", () => {
    const summary = 'Instance i-1 outbound traffic at 12.0 MB/s is outside its normal range.';
    expect(decisionRequestBody({ summary, plan, diagnosis: surgeDiagnosis }, '30m')).toBe(
      `${summary}\nFlow logs: 361.8 MB sent from 10.42.1.4 in the last 15 min: 100 % to 203.0.113.66:443.\nProposed: quarantine-instance.\nApprove, decline or take it over by hand within 30m.`,
    );
    expect(decisionRequestBody({ summary: 'GuardDuty: C2 traffic', plan, diagnosis }, '5m')).toBe(
      'GuardDuty: C2 traffic\nProposed: quarantine-instance.\nApprove, decline or take it over by hand within 5m.',
    );
  });
});
