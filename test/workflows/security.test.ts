import { DescribeSecurityGroupsCommand } from '@aws-sdk/client-ec2';
import { IncidentService } from '../../api/incident-service';
import { createChaos } from '../../activities/chaos';
import { createFleet } from '../../activities/fleet';
import { createSecurityActivities, rulesOf } from '../../activities/security';
import { openSecurityIncident } from '../../activities/security-starter';
import type { IncidentReport } from '../../domain/incident';
import type { IngressRule } from '../../domain/security';
import { decisionUpdate, incidentStateQuery } from '../../workflows/messages';
import { eventually } from '../support/env';
import { startHarness, type MedicHarness } from '../support/harness';

/** Groups whose revoke the test makes look unverified, to drive the compensation. */
const sabotaged = new Set<string>();
let h: MedicHarness;
let fleets = 0;

beforeAll(async () => {
  h = await startHarness('security', {}, (real) => ({
    ...real,
    // Verification reads the rule back; for a sabotaged group it keeps "seeing" it after the revoke.
    ruleIsPresent: async (rule: IngressRule) => sabotaged.has(rule.groupId) || real.ruleIsPresent(rule),
  }));
}, 120_000);

afterAll(async () => h?.teardown());

async function exposedFleet(): Promise<{ fleet: string; groupId: string; rule: IngressRule }> {
  const fleet = `sec-${process.pid}-${++fleets}`;
  await createFleet(h.aws, { fleet, size: 1, manualCount: 0 });
  const groupId = await createChaos(h.aws.ec2, h.aws.cloudwatch).openPortToWorld(fleet, 22);
  return { fleet, groupId, rule: { groupId, protocol: 'tcp', fromPort: 22, toPort: 22, cidr: '0.0.0.0/0' } };
}

async function groupRules(groupId: string) {
  const out = await h.aws.ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [groupId] }));
  const group = out.SecurityGroups?.[0];
  return { rules: group ? rulesOf(group) : [], tags: group?.Tags ?? [] };
}
const open22 = (rules: IngressRule[]) => rules.some((r) => r.fromPort === 22 && r.cidr === '0.0.0.0/0');

describe('security agent: a sensitive port open to the world', () => {
  test('the scan opens one incident per exposed rule, and the incident revokes only that rule and records it', async () => {
    const { fleet, groupId } = await exposedFleet();
    const security = createSecurityActivities(h.aws.ec2, h.env.client);
    const first = await security.scanSecurityGroups({ fleet });
    expect(first).toEqual({ exposed: 1, opened: 1 });
    const again = await security.scanSecurityGroups({ fleet });
    expect(again.opened).toBe(0);

    const opened = await openSecurityIncident(h.env.client, {
      groupId,
      protocol: 'tcp',
      fromPort: 22,
      toPort: 22,
      cidr: '0.0.0.0/0',
    });
    expect(opened.created).toBe(false);
    const report = (await h.env.client.workflow.getHandle(opened.incidentId).result()) as IncidentReport;
    expect(report.outcome).toBe('resolved');
    expect(report.resolutionProcess.map((s) => s.action)).toEqual(['revoke-ingress-rule']);
    const after = await groupRules(groupId);
    expect(open22(after.rules)).toBe(false);
    // The fleet's own rule (443 from inside the VPC) is untouched; the revoked one is recorded.
    expect(after.rules.some((r) => r.fromPort === 443 && r.cidr === '10.42.0.0/16')).toBe(true);
    expect(after.tags.find((t) => t.Key === 'medic:revoked:tcp-22-22')?.Value).toContain('0.0.0.0/0');

    // The API shows the security agent's incident like any other.
    const incidents = new IncidentService(h.env.client, 'http://127.0.0.1:8233');
    expect(await incidents.get(opened.incidentId)).toMatchObject({
      kind: 'security-group-open',
      status: 'resolved',
    });
    const listed = await eventually(
      async () => {
        const rows = await incidents.list({ kind: 'security-group-open', limit: 50 });
        return rows.some((r) => r.id === opened.incidentId) ? rows : undefined;
      },
      15_000,
      'the incident in the list',
    );
    expect(listed.length).toBeGreaterThan(0);
  });

  test('a dry run changes nothing and says what EC2 would allow', async () => {
    const { groupId, rule } = await exposedFleet();
    const opened = await openSecurityIncident(h.env.client, rule, { dryRun: true });
    const report = (await h.env.client.workflow.getHandle(opened.incidentId).result()) as IncidentReport;
    expect(report.outcome).toBe('dry_run');
    expect(open22((await groupRules(groupId)).rules)).toBe(true);
  });

  test('MANUAL: declined leaves the rule in place, and the next scans do not ask again', async () => {
    const { fleet, groupId, rule } = await exposedFleet();
    const opened = await openSecurityIncident(h.env.client, rule, { mode: 'manual' });
    const handle = h.env.client.workflow.getHandle(opened.incidentId);
    await eventually(
      async () =>
        (await handle.query(incidentStateQuery)).status === 'awaiting_approval' ? true : undefined,
      20_000,
      'awaiting',
    );
    await handle.executeUpdate(decisionUpdate, {
      args: [{ decision: 'decline', by: 'sec-oncall', reason: 'bastion, temporary' }],
    });
    expect(((await handle.result()) as IncidentReport).outcome).toBe('declined');
    expect(open22((await groupRules(groupId)).rules)).toBe(true);
    const declinedRun = (await handle.describe()).runId;

    // The rule is still open, and the monitor reads it every scan: the person's answer holds for a day.
    const security = createSecurityActivities(h.aws.ec2, h.env.client);
    expect(await security.scanSecurityGroups({ fleet })).toEqual({ exposed: 1, opened: 0 });
    const again = await openSecurityIncident(h.env.client, rule, { mode: 'manual' });
    expect(again).toMatchObject({ created: false, held: { outcome: 'declined' } });
    expect(Date.parse(again.held?.until ?? '') - Date.now()).toBeGreaterThan(23 * 3_600_000);
    expect((await handle.describe()).runId).toBe(declinedRun);
  });

  test('a revoke that cannot be verified is compensated (rule restored) and escalated; the next scan asks again', async () => {
    const { groupId, rule } = await exposedFleet();
    sabotaged.add(groupId);
    const opened = await openSecurityIncident(h.env.client, rule);
    const report = (await h.env.client.workflow.getHandle(opened.incidentId).result()) as IncidentReport;
    expect(report.outcome).toBe('escalated');
    expect(report.resolutionProcess.map((s) => `${s.action}:${s.outcome}`)).toEqual([
      'revoke-ingress-rule:failed',
      'restore-ingress-rule:succeeded',
    ]);
    expect(open22((await groupRules(groupId)).rules)).toBe(true);
    // Nobody decided anything: the next scan asks again.
    sabotaged.delete(groupId);
    const again = await openSecurityIncident(h.env.client, rule);
    expect(again.created).toBe(true);
    await h.env.client.workflow.getHandle(again.incidentId).result();
  });
});
