import { COMPLIANCE_CONTROLS, evaluateCompliance, type FleetInventory } from '../../domain/compliance';

const clean: FleetInventory = {
  volumes: [{ volumeId: 'vol-1', encrypted: true, instanceId: 'i-1' }],
  buckets: [{ name: 'b', encrypted: true, publicAccessBlocked: true, publicAcl: false, logging: true }],
  vpcs: [{ vpcId: 'vpc-1', flowLogs: true }],
  worldOpenRules: [],
};

describe('compliance controls', () => {
  test('a compliant inventory has no findings', () => {
    expect(evaluateCompliance(clean)).toEqual([]);
  });

  test('each violated fact becomes a finding of its control, with the control severity', () => {
    const findings = evaluateCompliance({
      volumes: [{ volumeId: 'vol-2', encrypted: false, instanceId: 'i-2' }],
      buckets: [
        { name: 'open', encrypted: false, publicAccessBlocked: false, publicAcl: false, logging: false },
      ],
      vpcs: [{ vpcId: 'vpc-2', flowLogs: false }],
      worldOpenRules: [{ groupId: 'sg-1', protocol: 'tcp', fromPort: 22, toPort: 22, cidr: '0.0.0.0/0' }],
    });
    expect(findings.map((f) => [f.control, f.resourceId, f.severity])).toEqual([
      ['volume-encryption', 'vol-2', 'high'],
      ['bucket-encryption', 'open', 'high'],
      ['bucket-public-access', 'open', 'high'],
      ['bucket-logging', 'open', 'medium'],
      ['vpc-flow-logs', 'vpc-2', 'medium'],
      ['world-open-port', 'sg-1-tcp-22-22-0-0-0-0-0', 'critical'],
    ]);
    expect(findings.find((f) => f.control === 'world-open-port')?.rule?.groupId).toBe('sg-1');
  });

  test('a bucket whose ACL is public is critical, not just high', () => {
    const [finding] = evaluateCompliance({
      ...clean,
      buckets: [
        { name: 'site', encrypted: true, publicAccessBlocked: false, publicAcl: true, logging: true },
      ],
    });
    expect(finding).toMatchObject({ control: 'bucket-public-access', severity: 'critical' });
    expect(finding?.detail).toContain('readable by anyone');
  });

  test('every control names the framework clauses it evidences and how to meet it', () => {
    for (const control of Object.values(COMPLIANCE_CONTROLS)) {
      expect(control.frameworks.length).toBeGreaterThan(0);
      expect(control.procedure.length).toBeGreaterThan(20);
    }
  });
});
