import fc from 'fast-check';
import { formatIp, formatRange, inRange, overlaps, parseIp, parseRange } from '../../domain/ip-address';

describe('IP addresses as flow logs and operators write them', () => {
  test('IPv4 and IPv6 parse; anything else is not an address', () => {
    expect(parseIp(' 203.0.113.7 ')).toEqual({ family: 4, value: 0xcb007107n });
    expect(parseIp('::1')).toEqual({ family: 6, value: 1n });
    expect(parseIp('::')).toEqual({ family: 6, value: 0n });
    expect(parseIp('2001:db8::')).toEqual({ family: 6, value: 0x20010db8n << 96n });
    expect(parseIp('::ffff:192.0.2.1')).toEqual({ family: 6, value: (0xffffn << 32n) + 0xc0000201n });
    for (const bad of [
      '',
      '1.2.3',
      '256.0.0.1',
      '1.2.3.4.5',
      '2001:db8::1::2',
      '1:2:3:4:5:6:7:8:9',
      '1:2:3:4:5:6:7',
      '12345::1',
      'fe80::1%eth0',
      'g::1',
      ':::',
      '1:2:3:4:5:6:7::8:9',
    ])
      expect(parseIp(bad)).toBeUndefined();
  });

  test('IPv6 is written the RFC 5952 way: lower case, the longest zero run compressed, the first of equals', () => {
    const canonical = (text: string) => formatIp(parseIp(text)!);
    expect(canonical('2001:0DB8:0000:0000:0000:0000:0000:0001')).toBe('2001:db8::1');
    expect(canonical('2001:db8:0:0:1:0:0:1')).toBe('2001:db8::1:0:0:1');
    expect(canonical('2001:db8:0:1:1:1:1:1')).toBe('2001:db8:0:1:1:1:1:1');
    expect(canonical('0:0:0:0:0:0:0:0')).toBe('::');
    expect(canonical('1:0:0:0:0:0:0:0')).toBe('1::');
    expect(canonical('203.0.113.7')).toBe('203.0.113.7');
  });

  test('any address survives formatting and parsing again', () => {
    fc.assert(
      fc.property(fc.oneof(fc.ipV4(), fc.ipV6()), (text) => {
        const ip = parseIp(text);
        expect(ip).toBeDefined();
        expect(parseIp(formatIp(ip!))).toEqual(ip);
      }),
      { numRuns: 500 },
    );
  });

  test('ranges clear their host bits, hold their prefix, and nest or miss', () => {
    expect(formatRange(parseRange('198.51.100.77/24')!)).toBe('198.51.100.0/24');
    expect(formatRange(parseRange('2001:db8:1:2:3::/64')!)).toBe('2001:db8:1:2::/64');
    expect(formatRange(parseRange('2001:db8::9')!)).toBe('2001:db8::9/128');
    for (const bad of ['10.0.0.0/33', '::/129', '10.0.0.0/8/1', '10.0.0.0/', '10.0.0.0/x'])
      expect(parseRange(bad)).toBeUndefined();
    const v6 = parseRange('2001:db8::/32')!;
    expect(inRange(parseIp('2001:db8:ffff::1')!, v6)).toBe(true);
    expect(inRange(parseIp('2001:db9::1')!, v6)).toBe(false);
    expect(inRange(parseIp('32.1.13.184')!, v6)).toBe(false);
    expect(overlaps(parseRange('10.0.0.0/8')!, parseRange('10.1.0.0/16')!)).toBe(true);
    expect(overlaps(parseRange('10.1.0.0/16')!, parseRange('10.0.0.0/8')!)).toBe(true);
    expect(overlaps(parseRange('11.0.0.0/8')!, parseRange('10.0.0.0/8')!)).toBe(false);
    expect(overlaps(parseRange('::/0')!, parseRange('0.0.0.0/0')!)).toBe(false);
  });
});
