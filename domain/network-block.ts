import {
  formatIp,
  formatRange,
  inRange,
  overlaps,
  parseIp,
  parseRange,
  rangeAround,
  type IpFamily,
} from './ip-address';

/**
 * Denying one source address at the subnet's network ACL: what may be blocked, and where the rule
 * goes. Pure, so the same rules hold in the activity, the API and the tests.
 */

/** Ingress rule numbers cloud-medic uses: below the usual allow rules (100+), so a deny wins. */
export const BLOCK_RULES = { first: 1, last: 99 } as const;

/** Tag on the network ACL that records a block and when it is lifted: a person can see and undo it. */
export const blockTag = (cidr: string) => `medic:blocked:${cidr}`;

/** Ranges never blocked: a typo there would cut the fleet off from itself or from AWS. */
const PROTECTED = [
  '10.0.0.0/8',
  '172.16.0.0/12',
  '192.168.0.0/16',
  '127.0.0.0/8',
  '169.254.0.0/16',
  '0.0.0.0/8',
  '100.64.0.0/10',
  '224.0.0.0/4',
  '240.0.0.0/4',
  // IPv6: unspecified, loopback, link-local (the instance metadata service's fd00:ec2::254 is in
  // the unique-local fc00::/7), unique-local, multicast.
  '::/128',
  '::1/128',
  'fe80::/10',
  'fc00::/7',
  'ff00::/8',
].map((text) => ({ text, range: parseRange(text)! }));

/** IPv4 written as IPv6 (`::ffff:203.0.113.7`): the IPv4 rules decide, the IPv4 form is blocked. */
const IPV4_MAPPED = parseRange('::ffff:0:0/96')!;

/**
 * How much of an IPv6 source one deny covers. A host on IPv6 gets a whole /64 (SLAAC and privacy
 * addresses change within it at will), so denying one /128 would last until its next address.
 */
export const IPV6_BLOCK_BITS = 64;

/**
 * A site: the range one network operator usually holds, an IPv4 /24 or an IPv6 /48. A flood that
 * rotates through many sources of one site (each /64 of a /48) is denied as the site, by a person.
 */
export const SITE_BITS: Record<IpFamily, number> = { 4: 24, 6: 48 };

/** The site a blockable source's range lies in (`SITE_BITS`), as a CIDR. */
export function siteOf(cidr: string): string | undefined {
  const range = parseRange(cidr);
  if (!range || range.bits < SITE_BITS[range.family]) return undefined;
  return formatRange(rangeAround({ family: range.family, value: range.base }, SITE_BITS[range.family]));
}

/**
 * `count` sources of one range, each a host of its own (an IPv4 address, or `::1` of an IPv6 /64 in
 * turn): what a flood rotating through a site looks like to the flow logs. For the chaos tool.
 */
export function sourcesIn(cidr: string, count: number): string[] | { refused: string } {
  const range = parseRange(cidr);
  if (!range) return { refused: `${cidr} is not an IPv4 or IPv6 range` };
  const v4 = range.family === 4;
  // IPv4 leaves out the range's first and last address; IPv6 counts /64s.
  const room = v4
    ? 2n ** BigInt(32 - range.bits) - 2n
    : range.bits <= IPV6_BLOCK_BITS
      ? 2n ** BigInt(IPV6_BLOCK_BITS - range.bits)
      : 0n;
  if (BigInt(count) > room)
    return { refused: `${formatRange(range)} has room for ${room > 0n ? room : 0n} sources, not ${count}` };
  const step = v4 ? 1n : 1n << BigInt(128 - IPV6_BLOCK_BITS);
  return Array.from({ length: count }, (_, n) =>
    formatIp({ family: range.family, value: range.base + BigInt(n) * step + 1n }),
  );
}

/** Whether a deny covers one host (an IPv4 address, an IPv6 host's /64) or less: narrow enough to act alone. */
export function coversOneHost(cidr: string): boolean {
  const range = parseRange(cidr);
  return range !== undefined && range.bits >= (range.family === 4 ? 32 : IPV6_BLOCK_BITS);
}

/** The broadest range a person may deny at once: a /16 of IPv4 (65 536 addresses), a site's /48 of IPv6. */
export const BROADEST_BLOCK: Record<IpFamily, number> = { 4: 16, 6: 48 };

/**
 * The range to deny for an address or a range a person named, or why it may not be blocked: an IPv4
 * source's /32, an IPv6 source's /64, a named range as written (host bits cleared) if it is no
 * broader than `BROADEST_BLOCK`. Nothing touching a private, loopback, link-local or multicast range
 * is ever blocked.
 */
export function blockableSource(text: string): { cidr: string } | { refused: string } {
  const named = text.trim();
  let ip = parseIp(named.split('/')[0] ?? '');
  let range = named.includes('/') ? parseRange(named) : undefined;
  if (!ip || (named.includes('/') && !range))
    return { refused: `${named} is not an IPv4 or IPv6 address or range` };
  if (inRange(ip, IPV4_MAPPED)) {
    ip = { family: 4, value: ip.value & 0xffffffffn };
    if (range) range = rangeAround(ip, Math.max(0, range.bits - 96));
  }
  range ??= rangeAround(ip, ip.family === 4 ? 32 : IPV6_BLOCK_BITS);
  const cidr = formatRange(range);
  const protectedBy = PROTECTED.find((p) => overlaps(range, p.range));
  if (protectedBy)
    return {
      refused: `${named.includes('/') ? cidr : formatIp(ip)} ${range.bits < protectedBy.range.bits ? 'holds' : 'is in'} ${protectedBy.text}, a range cloud-medic never blocks`,
    };
  if (range.bits < BROADEST_BLOCK[range.family])
    return {
      refused: `${cidr} is broader than a /${BROADEST_BLOCK[range.family]}: deny it in smaller ranges, or at the network's edge`,
    };
  return { cidr };
}

export interface AclEntry {
  ruleNumber: number;
  egress: boolean;
  action: string;
  cidr?: string;
}

/**
 * The rule number for denying `cidr` on an ACL: the existing one if it is already denied there
 * (so blocking twice changes nothing), else the lowest free number in cloud-medic's range.
 */
export function blockRuleNumber(
  entries: AclEntry[],
  cidr: string,
): { existing: boolean; ruleNumber?: number } {
  const ingress = entries.filter((e) => !e.egress);
  const present = ingress.find((e) => e.cidr === cidr && e.action === 'deny');
  if (present) return { existing: true, ruleNumber: present.ruleNumber };
  const used = new Set(ingress.map((e) => e.ruleNumber));
  for (let n: number = BLOCK_RULES.first; n <= BLOCK_RULES.last; n++)
    if (!used.has(n)) return { existing: false, ruleNumber: n };
  return { existing: false };
}

/** How much a deny covers, in words a report can use: "one address", "an IPv6 host's /64", "256 addresses". */
export function blockBreadth(cidr: string): string {
  const range = parseRange(cidr);
  if (!range) return cidr;
  const width = range.family === 4 ? 32 : 128;
  if (range.bits === width) return 'one address';
  if (range.family === 6)
    return range.bits === IPV6_BLOCK_BITS ? "an IPv6 host's /64" : `an IPv6 /${range.bits}`;
  return `${2 ** (width - range.bits)} addresses`;
}
