import { nextInstanceSize } from '../../domain/sizing';
import { isDemandSurge, type Diagnosis } from '../../domain/incident';
import { explainEmptyPlan, planRemediation } from '../../domain/planner';
import { forcedManualReason, parseModeTag, resolveMode, suspicionReason } from '../../domain/mode';

const healthy: Diagnosis = { exists: true, state: 'running', recentStatusCheckFailures: 0, findings: [] };
const actions = (d: Diagnosis, kind: Parameters<typeof planRemediation>[0]) =>
  planRemediation(kind, d).map((s) => s.action);

describe('planRemediation', () => {
  test('a failed instance status check: reboot first, then move host, then replace', () => {
    expect(actions({ ...healthy, recentStatusCheckFailures: 3 }, 'status-check-failed')).toEqual([
      'reboot-instance',
      'stop-start-instance',
      'replace-instance',
    ]);
  });

  test('an impaired system status check skips the reboot that cannot fix hardware', () => {
    expect(actions({ ...healthy, systemStatus: 'impaired' }, 'status-check-failed')).toEqual([
      'stop-start-instance',
      'replace-instance',
    ]);
  });

  test('a stopped instance is started, with replacement as the fallback', () => {
    expect(actions({ ...healthy, state: 'stopped' }, 'instance-stopped')).toEqual([
      'start-instance',
      'replace-instance',
    ]);
    expect(actions({ ...healthy, state: 'stopped' }, 'cpu-high')).toEqual([
      'start-instance',
      'replace-instance',
    ]);
  });

  test('a traffic surge adds one instance to the group; outside a group, or not running, nothing is planned', () => {
    const member = { ...healthy, autoScalingGroup: 'web-asg' };
    const plan = planRemediation('traffic-surge', member);
    expect(plan.map((s) => s.action)).toEqual(['scale-out-group']);
    expect(plan[0]?.reason).toMatch(
      /web-asg gets one more instance .* the flow-log check blocks that address/,
    );
    expect(actions(healthy, 'traffic-surge')).toEqual([]);
    expect(explainEmptyPlan('traffic-surge', healthy)).toMatch(/not in an Auto Scaling group/);
    expect(actions({ ...member, state: 'stopped' }, 'traffic-surge')).toEqual([]);
    expect(explainEmptyPlan('traffic-surge', { ...member, state: 'stopped' })).toMatch(
      /is stopped and shows no sign of the traffic-surge fault/,
    );
  });

  test('a request surge is demand too: one more instance in a group, a person outside one', () => {
    const member = { ...healthy, autoScalingGroup: 'web-asg' };
    const plan = planRemediation('request-surge', member);
    expect(plan.map((s) => s.action)).toEqual(['scale-out-group']);
    expect(plan[0]?.reason).toMatch(
      /^The application serves far more requests than usual: web-asg gets one more instance/,
    );
    expect(actions(healthy, 'request-surge')).toEqual([]);
    expect(explainEmptyPlan('request-surge', healthy)).toMatch(/not in an Auto Scaling group/);
    expect(explainEmptyPlan('request-surge', { ...member, state: 'stopped' })).toMatch(
      /shows no sign of the request-surge fault/,
    );
    expect(isDemandSurge('request-surge') && isDemandSurge('traffic-surge')).toBe(true);
    expect(isDemandSurge('egress-surge') || isDemandSurge('cpu-high')).toBe(false);
  });

  test('an outbound surge plans isolation of a running instance, decided by a person whatever the mode', () => {
    const plan = planRemediation('egress-surge', healthy);
    expect(plan.map((s) => s.action)).toEqual(['quarantine-instance']);
    expect(plan[0]?.reason).toMatch(/how data leaves a compromised instance.*a person confirms/);
    expect(actions({ ...healthy, state: 'stopped' }, 'egress-surge')).toEqual([]);
    expect(suspicionReason('egress-surge')).toMatch(/suspicion of data leaving/);
    // A finding (GuardDuty, an operator) is not a suspicion: it is isolated in AUTO mode.
    expect(suspicionReason('instance-compromised')).toBeUndefined();
    expect(suspicionReason('traffic-surge')).toBeUndefined();
  });

  test('an outbound surge the flow logs show going to trusted destinations plans nothing, and says why', () => {
    const trusted = { ...healthy, trustedEgress: 'The outbound surge went to trusted destinations: backup' };
    expect(actions(trusted, 'egress-surge')).toEqual([]);
    expect(explainEmptyPlan('egress-surge', trusted)).toBe(trusted.trustedEgress);
    // Only an outbound surge reads it.
    expect(actions(trusted, 'instance-compromised')).toEqual(['quarantine-instance']);
  });

  test('every step carries the reason it was chosen', () => {
    for (const step of planRemediation('status-check-failed', healthy))
      expect(step.reason.length).toBeGreaterThan(20);
  });

  test('nothing is planned for a missing or terminated instance, and the reason says why', () => {
    const missing = { ...healthy, exists: false, state: 'not-found' };
    expect(planRemediation('instance-stopped', missing)).toEqual([]);
    expect(explainEmptyPlan('instance-stopped', missing)).toMatch(/does not exist/);
    const gone = { ...healthy, state: 'terminated' };
    expect(planRemediation('cpu-high', gone)).toEqual([]);
    expect(explainEmptyPlan('cpu-high', gone)).toMatch(/terminated/);
  });

  test('an instance that is running again needs nothing for a stop incident', () => {
    expect(planRemediation('instance-stopped', healthy)).toEqual([]);
    expect(explainEmptyPlan('instance-stopped', healthy)).toMatch(/no sign/);
  });
});

describe('resolveMode', () => {
  test('request, then resource tag, then configuration', () => {
    expect(resolveMode('auto', 'manual', 'manual')).toBe('auto');
    expect(resolveMode(undefined, 'manual', 'auto')).toBe('manual');
    expect(resolveMode(undefined, undefined, 'manual')).toBe('manual');
  });

  test('tag values are read leniently and anything else is ignored', () => {
    expect(parseModeTag(' MANUAL ')).toBe('manual');
    expect(parseModeTag('Auto')).toBe('auto');
    expect(parseModeTag('sometimes')).toBeUndefined();
    expect(parseModeTag(undefined)).toBeUndefined();
  });
});

describe('forcedManualReason', () => {
  const breaker = { threshold: 3, windowMinutes: 60 };
  test('a protected resource is always MANUAL', () => {
    expect(forcedManualReason(true, 0, breaker)).toMatch(/medic:protect=true/);
  });
  test('the circuit breaker opens at the threshold, not before', () => {
    expect(forcedManualReason(false, 2, breaker)).toBeUndefined();
    expect(forcedManualReason(false, 3, breaker)).toMatch(/circuit breaker open: 3 incidents .* 60 min/);
  });
  test('histories from before the breaker (no count) are unaffected', () => {
    expect(forcedManualReason(undefined, undefined, breaker)).toBeUndefined();
  });
});

describe('reallocation', () => {
  const running = {
    exists: true,
    state: 'running',
    instanceType: 't3.micro',
    recentStatusCheckFailures: 0,
    findings: [],
  };
  test('a repeat cpu-high on a known type is a resize one size up; a first one is a reboot', () => {
    expect(planRemediation('cpu-high', running).map((s) => s.action)).toEqual([
      'reboot-instance',
      'replace-instance',
    ]);
    const repeat = planRemediation('cpu-high', running, { recentSameKind: 2 });
    expect(repeat.map((s) => s.action)).toEqual(['resize-instance', 'replace-instance']);
    expect(repeat[0]?.reason).toMatch(/t3\.micro becomes t3\.small/);
  });
  test('no larger size known: back to the reboot', () => {
    expect(
      planRemediation('cpu-high', { ...running, instanceType: 'x1.weird' }, { recentSameKind: 2 }).map(
        (s) => s.action,
      ),
    ).toEqual(['reboot-instance', 'replace-instance']);
    expect(nextInstanceSize('m5.16xlarge')).toBeUndefined();
    expect(nextInstanceSize('m5.large')).toBe('m5.xlarge');
  });
  test('an instance short of memory is offered one size up after the restart, never before it', () => {
    const starved = { ...running, recentMaxMemory: 96.4, recentMaxSwap: 41 };
    const cpu = planRemediation('cpu-high', starved);
    expect(cpu.map((s) => s.action)).toEqual(['reboot-instance', 'resize-instance', 'replace-instance']);
    expect(cpu[1]?.reason).toMatch(
      /Memory peaked at 96% and 41% of swap in use.*t3\.micro becomes t3\.small/,
    );
    expect(
      planRemediation('latency-high', { ...starved, autoScalingGroup: 'web' }).map((s) => s.action),
    ).toEqual(['reboot-instance', 'resize-instance', 'scale-out-group', 'replace-instance']);
    expect(planRemediation('latency-high', { ...starved, recentMaxSwap: 0 }).map((s) => s.action)).toEqual([
      'reboot-instance',
      'resize-instance',
      'replace-instance',
    ]);
    // Busy but not short, no larger size, or a kind memory does not explain: the plan is as before.
    expect(planRemediation('cpu-high', { ...starved, recentMaxMemory: 89 }).map((s) => s.action)).toEqual([
      'reboot-instance',
      'replace-instance',
    ]);
    expect(
      planRemediation('cpu-high', { ...starved, instanceType: 'm5.16xlarge' }).map((s) => s.action),
    ).toEqual(['reboot-instance', 'replace-instance']);
    expect(planRemediation('status-check-failed', starved).map((s) => s.action)).toEqual([
      'reboot-instance',
      'stop-start-instance',
      'replace-instance',
    ]);
    // A workflow that planned before the resize existed replays without it.
    expect(planRemediation('cpu-high', starved, {}, { memoryResize: false }).map((s) => s.action)).toEqual([
      'reboot-instance',
      'replace-instance',
    ]);
    // A repeat is already a resize: it is not offered twice.
    expect(planRemediation('cpu-high', starved, { recentSameKind: 1 }).map((s) => s.action)).toEqual([
      'resize-instance',
      'replace-instance',
    ]);
  });
});
