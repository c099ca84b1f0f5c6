import { blockRuleNumber, blockableSource } from '../../domain/network-block';

describe('what may be blocked', () => {
  test('public addresses become a /32; private, loopback, link-local, CGNAT and multicast never', () => {
    expect(blockableSource('203.0.113.7')).toEqual({ cidr: '203.0.113.7/32' });
    expect(blockableSource(' 8.8.8.8 ')).toEqual({ cidr: '8.8.8.8/32' });
    for (const ip of [
      '10.1.2.3',
      '172.20.0.1',
      '192.168.1.1',
      '127.0.0.1',
      '169.254.169.254',
      '100.64.0.1',
      '224.0.0.5',
      '0.0.0.0',
    ])
      expect(blockableSource(ip)).toEqual({ refused: expect.stringMatching(/never blocks$/) });
    expect(blockableSource('172.32.0.1')).toEqual({ cidr: '172.32.0.1/32' });
    expect(blockableSource('256.1.1.1')).toEqual({ refused: '256.1.1.1 is not an IPv4 address' });
    expect(blockableSource('1.2.3')).toEqual({ refused: '1.2.3 is not an IPv4 address' });
  });
});

describe('where the deny goes', () => {
  const base = [
    { ruleNumber: 100, egress: false, action: 'allow', cidr: '0.0.0.0/0' },
    { ruleNumber: 1, egress: true, action: 'allow', cidr: '0.0.0.0/0' },
  ];
  test('the lowest free ingress number below the allow rules; egress numbers do not count', () => {
    expect(blockRuleNumber(base, '203.0.113.7/32')).toEqual({ existing: false, ruleNumber: 1 });
    expect(
      blockRuleNumber(
        [...base, { ruleNumber: 1, egress: false, action: 'deny', cidr: '198.51.100.1/32' }],
        '203.0.113.7/32',
      ),
    ).toEqual({ existing: false, ruleNumber: 2 });
  });

  test('blocking an address already denied finds its rule (idempotent); a full range has no number', () => {
    const denied = [...base, { ruleNumber: 7, egress: false, action: 'deny', cidr: '203.0.113.7/32' }];
    expect(blockRuleNumber(denied, '203.0.113.7/32')).toEqual({ existing: true, ruleNumber: 7 });
    const full = Array.from({ length: 99 }, (_, i) => ({
      ruleNumber: i + 1,
      egress: false,
      action: 'deny',
      cidr: `x${i}`,
    }));
    expect(blockRuleNumber(full, '203.0.113.7/32')).toEqual({ existing: false });
  });
});
