import { planDriftPatch } from '../../domain/drift';
import { driftSourceOf } from '../../domain/infra-change';

const STACK = `# The web fleet, as deployed.
config:
  aws:region: us-east-1
  cloud-medic-fleet:fleet: web # the medic:fleet tag
  cloud-medic-fleet:desiredCapacity: "2"
  cloud-medic-fleet:extraIngress:
    - protocol: tcp
      port: 22
      cidr: 0.0.0.0/0
      description: debugging, temporary
    - protocol: tcp
      port: 8443
      cidr: 10.0.0.0/8
`;
const context = { incidentId: 'incident-sg-1-security-group-open', stack: 'dev' };

describe('drift patches for the Pulumi stack', () => {
  test('a revoked rule leaves the stack config, the rest and the comments stay', () => {
    const patch = planDriftPatch(
      {
        kind: 'ingress-revoked',
        groupId: 'sg-1',
        rule: { protocol: 'tcp', fromPort: 22, toPort: 22, cidr: '0.0.0.0/0' },
      },
      STACK,
      context,
    );
    expect(patch.changed).toBe(true);
    expect(patch.configText).not.toContain('port: 22');
    expect(patch.configText).toContain('port: 8443');
    expect(patch.configText).toContain('# The web fleet, as deployed.');
    expect(patch.configText).toContain('# the medic:fleet tag');
    expect(patch.pinnedTest?.fileName).toBe('incident-sg-1-security-group-open.test.ts');
    expect(patch.pinnedTest?.source).toContain('loadStackConfig("dev")');
    expect(patch.pinnedTest?.source).toContain('"0.0.0.0/0"');
  });

  test('the last extra rule removed drops the key', () => {
    const one = `config:\n  cloud-medic-fleet:extraIngress:\n    - {protocol: tcp, port: 3389, cidr: 0.0.0.0/0}\n`;
    const patch = planDriftPatch(
      {
        kind: 'ingress-revoked',
        groupId: 'sg-1',
        rule: { protocol: '-1', fromPort: 0, toPort: 65535, cidr: '0.0.0.0/0' },
      },
      one,
      context,
    );
    expect(patch.configText).not.toContain('extraIngress');
  });

  test('a rule the program never defined needs no patch', () => {
    const patch = planDriftPatch(
      {
        kind: 'ingress-revoked',
        groupId: 'sg-1',
        rule: { protocol: 'tcp', fromPort: 3306, toPort: 3306, cidr: '0.0.0.0/0' },
      },
      STACK,
      context,
    );
    expect(patch).toMatchObject({ changed: false });
    expect(patch.summary).toMatch(/outside it/);
  });

  test('instance type and capacity are set as Pulumi config strings, once', () => {
    const size = planDriftPatch(
      { kind: 'instance-type', resourceId: 'i-1', instanceType: 't3.small' },
      STACK,
      context,
    );
    expect(size.configText).toContain('cloud-medic-fleet:instanceType: t3.small');
    expect(size.pinnedTest?.source).toContain('"t3.small"');
    const again = planDriftPatch(
      { kind: 'instance-type', resourceId: 'i-1', instanceType: 't3.small' },
      size.configText!,
      context,
    );
    expect(again.changed).toBe(false);
    const capacity = planDriftPatch(
      { kind: 'desired-capacity', group: 'web-asg', desired: 3 },
      STACK,
      context,
    );
    expect(capacity.configText).toContain('cloud-medic-fleet:desiredCapacity: "3"');
    expect(
      planDriftPatch({ kind: 'desired-capacity', group: 'web-asg', desired: 2 }, STACK, context).changed,
    ).toBe(false);
  });

  test("network ACL denies are not the program's business, and a missing stack file starts from nothing", () => {
    expect(
      planDriftPatch({ kind: 'network-acl-deny', cidr: '203.0.113.9/32' }, STACK, context),
    ).toMatchObject({
      changed: false,
    });
    expect(
      planDriftPatch({ kind: 'desired-capacity', group: 'g', desired: 4 }, 'config: {}\n', context)
        .configText,
    ).toContain('cloud-medic-fleet:desiredCapacity: "4"');
  });

  test('only the actions that change what the program defines are drift', () => {
    expect(driftSourceOf('resize-instance', 'i-1')).toEqual({ kind: 'instance-type', instanceId: 'i-1' });
    expect(driftSourceOf('downsize-instance', 'i-1')).toEqual({ kind: 'instance-type', instanceId: 'i-1' });
    expect(driftSourceOf('scale-out-group', 'i-1')).toEqual({ kind: 'group-capacity', instanceId: 'i-1' });
    expect(driftSourceOf('reboot-instance', 'i-1')).toBeUndefined();
    expect(driftSourceOf('replace-instance', 'i-1')).toBeUndefined();
  });
});
