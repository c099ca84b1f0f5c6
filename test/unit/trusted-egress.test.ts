import {
  inCidr,
  parseTrustedDestinations,
  trustedEgressExplanation,
  UNTRUSTED_SHARE_ALLOWED,
} from '../../domain/trusted-egress';
import { describeOutbound, outboundDestinations, type FlowRecord } from '../../domain/traffic';

const SOURCE = '10.42.1.4';
const flow = (dstaddr: string, bytes: number, overrides: Partial<FlowRecord> = {}): FlowRecord => ({
  srcaddr: SOURCE,
  dstaddr,
  dstport: 443,
  packets: 10,
  bytes,
  start: 1_764_150_000,
  action: 'ACCEPT',
  ...overrides,
});
const TRUSTED = parseTrustedDestinations('backup=198.51.100.0/24, 203.0.113.10');
/** Fifteen minutes at the 1 MB/s floor: 900 MB. */
const WINDOW = { minutes: 15, floorBytesPerSecond: 1_000_000 };
const FLOOR_BYTES = 900_000_000;

describe('trusted egress destinations (MEDIC_TRUSTED_EGRESS)', () => {
  test('named ranges and bare addresses parse; empty text trusts nothing', () => {
    expect(TRUSTED).toEqual([
      { name: 'backup', cidr: '198.51.100.0/24' },
      { name: '203.0.113.10/32', cidr: '203.0.113.10/32' },
    ]);
    expect(parseTrustedDestinations(' , ')).toEqual([]);
  });

  test.each([
    '2001:db8::/129',
    '2001:db8:::1',
    '300.1.1.1',
    '10.0.0.0/33',
    '=10.0.0.0/8',
    'backup=',
    '10.0.0.0/8/1',
  ])('%p is refused, naming the entry', (entry) => {
    expect(() => parseTrustedDestinations(`ok=10.0.0.0/8,${entry}`)).toThrow(`"${entry}"`);
  });

  test('a range holds the addresses of its prefix and no others', () => {
    expect(['198.51.100.0', '198.51.100.255'].map((a) => inCidr(a, '198.51.100.0/24'))).toEqual([true, true]);
    expect(['198.51.101.0', '198.51.99.255'].map((a) => inCidr(a, '198.51.100.0/24'))).toEqual([
      false,
      false,
    ]);
    expect(inCidr('203.0.113.10', '203.0.113.10/32')).toBe(true);
    expect(inCidr('203.0.113.11', '203.0.113.10/32')).toBe(false);
    expect(inCidr('8.8.8.8', '0.0.0.0/0')).toBe(true);
    expect(inCidr('2001:db8::1', '0.0.0.0/0')).toBe(false);
    expect(inCidr('198.51.100.1', '::/0')).toBe(false);
  });

  test('IPv6 destinations are trusted by their range, written however the operator wrote it', () => {
    const trusted = parseTrustedDestinations('vault=2001:DB8:5:0:0:0:0:0/48, 2001:db8:9::10');
    expect(trusted).toEqual([
      { name: 'vault', cidr: '2001:db8:5::/48' },
      { name: '2001:db8:9::10/128', cidr: '2001:db8:9::10/128' },
    ]);
    expect(['2001:db8:5::1', '2001:db8:5:ffff::9'].map((a) => inCidr(a, trusted[0].cidr))).toEqual([
      true,
      true,
    ]);
    expect(['2001:db8:6::1', '2001:db8:9::11'].map((a) => inCidr(a, '2001:db8:5::/48'))).toEqual([
      false,
      false,
    ]);
    const records = [flow('2001:db8:5::20', 2 * FLOOR_BYTES)];
    expect(trustedEgressExplanation(records, [SOURCE], trusted, WINDOW)).toContain('vault (1.8 GB)');
    // A dual-stack instance reaches the vault from its own IPv6 address.
    const overIpv6 = [flow('2001:db8:5::20', 2 * FLOOR_BYTES, { srcaddr: '2001:db8:a::4' })];
    expect(trustedEgressExplanation(overIpv6, [SOURCE], trusted, WINDOW)).toBeUndefined();
    expect(trustedEgressExplanation(overIpv6, [SOURCE, '2001:db8:a::4'], trusted, WINDOW)).toContain(
      'vault (1.8 GB)',
    );
    expect(
      trustedEgressExplanation([flow('2001:db8:6::20', 2 * FLOOR_BYTES)], [SOURCE], trusted, WINDOW),
    ).toBe(undefined);
  });

  test('a surge all to trusted destinations needs nobody, and the explanation names them', () => {
    const records = [flow('198.51.100.7', 8 * FLOOR_BYTES), flow('203.0.113.10', FLOOR_BYTES)];
    expect(trustedEgressExplanation(records, [SOURCE], TRUSTED, WINDOW)).toBe(
      'The outbound surge went to trusted destinations (MEDIC_TRUSTED_EGRESS): backup (7.2 GB), 203.0.113.10/32 (900.0 MB) in the last 15 min, nothing else. Nothing to isolate; an unknown destination would have needed a person.',
    );
  });

  test('a little elsewhere is tolerated; more than 1 % of the bytes, or the floor on its own, is not', () => {
    const trusted = flow('198.51.100.7', 50 * FLOOR_BYTES);
    const small = flow('192.0.2.66', 0.5 * FLOOR_BYTES);
    expect(trustedEgressExplanation([trusted, small], [SOURCE], TRUSTED, WINDOW)).toMatch(
      /450\.0 MB elsewhere \(500\.0 kB\/s over the window\)/,
    );
    const share = flow('192.0.2.66', 0.02 * FLOOR_BYTES);
    const modest = flow('198.51.100.7', FLOOR_BYTES);
    expect(0.02 / 1.02).toBeGreaterThan(UNTRUSTED_SHARE_ALLOWED);
    expect(trustedEgressExplanation([modest, share], [SOURCE], TRUSTED, WINDOW)).toBeUndefined();
    // Under 1 % of a huge backup, but a leak at the floor's rate by itself.
    const leak = flow('192.0.2.66', FLOOR_BYTES);
    expect(
      trustedEgressExplanation([flow('198.51.100.7', 200 * FLOOR_BYTES), leak], [SOURCE], TRUSTED, WINDOW),
    ).toBeUndefined();
  });

  test('without the surge in the logs (deliveries late, or none), nothing is proven', () => {
    // Under a minute at the floor's rate (60 MB): the surge's flows are not delivered yet.
    const proven = (bytes: number) =>
      trustedEgressExplanation([flow('198.51.100.7', bytes)], [SOURCE], TRUSTED, WINDOW);
    expect(proven(59_000_000)).toBeUndefined();
    expect(proven(60_000_000)).toMatch(/backup \(60\.0 MB\)/);
    expect(trustedEgressExplanation([], [SOURCE], TRUSTED, WINDOW)).toBeUndefined();
    expect(
      trustedEgressExplanation([flow('198.51.100.7', 9 * FLOOR_BYTES)], [SOURCE], [], WINDOW),
    ).toBeUndefined();
  });

  test("other instances' flows, replies to the instance and rejected flows are not its egress", () => {
    const records = [
      flow('198.51.100.7', 2 * FLOOR_BYTES),
      flow('192.0.2.66', 5 * FLOOR_BYTES, { srcaddr: '10.42.1.5' }),
      flow(SOURCE, 5 * FLOOR_BYTES, { srcaddr: '192.0.2.66' }),
      flow('192.0.2.66', 5 * FLOOR_BYTES, { action: 'REJECT' }),
    ];
    expect(trustedEgressExplanation(records, [SOURCE], TRUSTED, WINDOW)).toMatch(
      /backup \(1\.8 GB\).*nothing else/,
    );
  });

  test('the diagnosis line marks a trusted destination with its name', () => {
    const records = [flow('198.51.100.7', 3_000_000), flow('192.0.2.66', 1_000_000)];
    expect(describeOutbound([SOURCE], 15, outboundDestinations(records, [SOURCE]), TRUSTED)).toBe(
      'Flow logs: 4.0 MB sent from 10.42.1.4 in the last 15 min: 75 % to 198.51.100.7:443 (trusted: backup), 25 % to 192.0.2.66:443.',
    );
  });
});
