import {
  blockBreadth,
  blockRuleNumber,
  blockableSource,
  coversOneHost,
  siteOf,
  sourcesIn,
} from '../../domain/network-block';

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
    expect(blockableSource('256.1.1.1')).toEqual({
      refused: '256.1.1.1 is not an IPv4 or IPv6 address or range',
    });
    expect(blockableSource('1.2.3')).toEqual({ refused: '1.2.3 is not an IPv4 or IPv6 address or range' });
  });

  test("an IPv6 source becomes its /64 (a host's addresses change within it); local ranges never", () => {
    expect(blockableSource('2001:DB8:1:2:3:4:5:6')).toEqual({ cidr: '2001:db8:1:2::/64' });
    expect(blockableSource('2600:1f18::7')).toEqual({ cidr: '2600:1f18::/64' });
    for (const ip of ['::1', '::', 'fe80::1', 'fd00:ec2::254', 'fc12::9', 'ff02::1'])
      expect(blockableSource(ip)).toEqual({ refused: expect.stringMatching(/never blocks$/) });
    // IPv4 written as IPv6 is judged and blocked as the IPv4 it is.
    expect(blockableSource('::ffff:203.0.113.7')).toEqual({ cidr: '203.0.113.7/32' });
    expect(blockableSource('::ffff:10.0.0.1')).toEqual({
      refused: '10.0.0.1 is in 10.0.0.0/8, a range cloud-medic never blocks',
    });
    expect(blockableSource('2001:db8::1::2')).toEqual({
      refused: expect.stringMatching(/is not an IPv4 or IPv6/),
    });
  });

  test('a range a person names is denied as written, host bits cleared, unless it is too broad or local', () => {
    expect(blockableSource('198.51.100.0/24')).toEqual({ cidr: '198.51.100.0/24' });
    expect(blockableSource('198.51.100.77/24')).toEqual({ cidr: '198.51.100.0/24' });
    expect(blockableSource('198.51.0.0/16')).toEqual({ cidr: '198.51.0.0/16' });
    expect(blockableSource('198.0.0.0/15')).toEqual({
      refused: "198.0.0.0/15 is broader than a /16: deny it in smaller ranges, or at the network's edge",
    });
    expect(blockableSource('2001:db8:aa::/48')).toEqual({ cidr: '2001:db8:aa::/48' });
    expect(blockableSource('2001:db8::/32')).toEqual({
      refused: expect.stringMatching(/broader than a \/48/),
    });
    // A range that holds a private one, or lies in one, is never denied.
    expect(blockableSource('172.16.0.0/16')).toEqual({
      refused: '172.16.0.0/16 is in 172.16.0.0/12, a range cloud-medic never blocks',
    });
    expect(blockableSource('fd00::/48')).toEqual({ refused: expect.stringMatching(/in fc00::\/7/) });
    // Written from an address outside any local range, yet holding the loopback: refused all the same.
    expect(blockableSource('::5/64')).toEqual({
      refused: '::/64 holds ::/128, a range cloud-medic never blocks',
    });
    expect(blockableSource('198.51.100.0/33')).toEqual({
      refused: expect.stringMatching(/not an IPv4 or IPv6/),
    });
  });

  test('the report says how much a deny covers', () => {
    expect(
      ['203.0.113.7/32', '2001:db8::1/128', '2001:db8:1:2::/64', '198.51.100.0/24', '2001:db8:aa::/48'].map(
        blockBreadth,
      ),
    ).toEqual(['one address', 'one address', "an IPv6 host's /64", '256 addresses', 'an IPv6 /48']);
  });
});

describe('sites', () => {
  test("a source's site is its IPv4 /24 or IPv6 /48; a range broader than a site has none", () => {
    expect(siteOf('203.0.113.77/32')).toBe('203.0.113.0/24');
    expect(siteOf('2001:db8:66:5::/64')).toBe('2001:db8:66::/48');
    expect(siteOf('2001:db8:66::/48')).toBe('2001:db8:66::/48');
    expect(siteOf('198.51.0.0/16')).toBeUndefined();
    expect(siteOf('not an address')).toBeUndefined();
  });

  test("a site's sources for the chaos tool: consecutive IPv4 hosts, or ::1 of each IPv6 /64 in turn", () => {
    expect(sourcesIn('203.0.113.0/24', 3)).toEqual(['203.0.113.1', '203.0.113.2', '203.0.113.3']);
    expect(sourcesIn('2001:db8:48::/48', 3)).toEqual([
      '2001:db8:48::1',
      '2001:db8:48:1::1',
      '2001:db8:48:2::1',
    ]);
    // Each a source of its own: 300 different /64s, all in the one /48.
    const spread = sourcesIn('2001:db8:48::/48', 300);
    const ranges = (Array.isArray(spread) ? spread : []).map((a) => JSON.stringify(blockableSource(a)));
    expect(new Set(ranges).size).toBe(300);
    expect(new Set((Array.isArray(spread) ? spread : []).map((a) => siteOf(`${a}/64`)))).toEqual(
      new Set(['2001:db8:48::/48']),
    );
    expect(sourcesIn('203.0.113.0/30', 3)).toEqual({
      refused: '203.0.113.0/30 has room for 2 sources, not 3',
    });
    expect(sourcesIn('2001:db8::1/128', 2)).toEqual({
      refused: '2001:db8::1/128 has room for 0 sources, not 2',
    });
    expect(sourcesIn('nonsense', 2)).toEqual({ refused: 'nonsense is not an IPv4 or IPv6 range' });
  });

  test('one host is an IPv4 address or an IPv6 /64 or narrower; a site is more', () => {
    expect(['203.0.113.7/32', '2001:db8::/64', '2001:db8::1/128'].map(coversOneHost)).toEqual([
      true,
      true,
      true,
    ]);
    expect(['203.0.113.0/24', '2001:db8::/48', '2001:db8::/63', 'x'].map(coversOneHost)).toEqual([
      false,
      false,
      false,
      false,
    ]);
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
