/**
 * IPv4 and IPv6 addresses and ranges as VPC flow logs, network ACLs and operators write them. Pure,
 * so the flood detector, the block, the trust list and the chat read addresses the same way.
 */

export type IpFamily = 4 | 6;

export interface IpAddress {
  family: IpFamily;
  /** The address as an unsigned integer of 32 or 128 bits. */
  value: bigint;
}

export interface IpRange {
  family: IpFamily;
  /** The range's first address (host bits cleared). */
  base: bigint;
  bits: number;
}

const WIDTH: Record<IpFamily, number> = { 4: 32, 6: 128 };

function parseIpv4(text: string): bigint | undefined {
  const octets = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text)?.slice(1).map(Number);
  if (!octets || octets.some((o) => o > 255)) return undefined;
  return octets.reduce((n, o) => n * 256n + BigInt(o), 0n);
}

/** Up to eight groups of hex, one `::` for a run of zeros, and an IPv4 tail (`::ffff:192.0.2.1`). */
function parseIpv6(text: string): bigint | undefined {
  if (!/^[0-9a-f:.]+$/i.test(text) || text.split('::').length > 2) return undefined;
  const groupsOf = (part: string): number[] | undefined => {
    if (part === '') return [];
    const fields = part.split(':');
    const groups: number[] = [];
    for (const [i, field] of fields.entries()) {
      if (i === fields.length - 1 && field.includes('.')) {
        const v4 = parseIpv4(field);
        if (v4 === undefined) return undefined;
        groups.push(Number(v4 >> 16n), Number(v4 & 0xffffn));
      } else if (/^[0-9a-f]{1,4}$/i.test(field)) groups.push(parseInt(field, 16));
      else return undefined;
    }
    return groups;
  };
  const [head, tail] = text.split('::');
  const before = groupsOf(head);
  const after = tail === undefined ? [] : groupsOf(tail);
  if (!before || !after) return undefined;
  const missing = 8 - before.length - after.length;
  if (tail === undefined ? missing !== 0 : missing < 1) return undefined;
  const groups = [...before, ...Array<number>(tail === undefined ? 0 : missing).fill(0), ...after];
  return groups.reduce((n, g) => (n << 16n) + BigInt(g), 0n);
}

/** The address written in `text` (surrounding spaces ignored), or undefined when it is none. */
export function parseIp(text: string): IpAddress | undefined {
  const trimmed = text.trim();
  const v4 = parseIpv4(trimmed);
  if (v4 !== undefined) return { family: 4, value: v4 };
  const v6 = trimmed.includes(':') ? parseIpv6(trimmed) : undefined;
  return v6 === undefined ? undefined : { family: 6, value: v6 };
}

/** `a.b.c.d`, or IPv6 as RFC 5952 writes it: lower case, the longest run of zero groups as `::`. */
export function formatIp({ family, value }: IpAddress): string {
  if (family === 4) return [24n, 16n, 8n, 0n].map((s) => String((value >> s) & 0xffn)).join('.');
  const groups = Array.from({ length: 8 }, (_, i) => Number((value >> BigInt(112 - 16 * i)) & 0xffffn));
  let best = { at: -1, length: 1 };
  for (let i = 0; i < 8;) {
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > best.length) best = { at: i, length: j - i };
    i = j === i ? i + 1 : j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best.at < 0) return hex.join(':');
  return `${hex.slice(0, best.at).join(':')}::${hex.slice(best.at + best.length).join(':')}`;
}

const mask = (family: IpFamily, bits: number): bigint =>
  ((1n << BigInt(WIDTH[family])) - 1n) ^ ((1n << BigInt(WIDTH[family] - bits)) - 1n);

/** `203.0.113.0/24`, `2001:db8::/32`, or a bare address (its /32 or /128); host bits are cleared. */
export function parseRange(text: string): IpRange | undefined {
  const [address = '', bitsText, extra] = text.trim().split('/');
  const ip = parseIp(address);
  if (!ip || extra !== undefined) return undefined;
  const bits =
    bitsText === undefined ? WIDTH[ip.family] : /^\d{1,3}$/.test(bitsText) ? Number(bitsText) : NaN;
  if (!(bits >= 0 && bits <= WIDTH[ip.family])) return undefined;
  return { family: ip.family, base: ip.value & mask(ip.family, bits), bits };
}

export const formatRange = (range: IpRange): string =>
  `${formatIp({ family: range.family, value: range.base })}/${range.bits}`;

/** The range of `bits` around an address (`2001:db8:1:2::5`, 64 → `2001:db8:1:2::/64`). */
export const rangeAround = (ip: IpAddress, bits: number): IpRange => ({
  family: ip.family,
  base: ip.value & mask(ip.family, bits),
  bits,
});

/** Whether the address lies in the range; an address of the other family never does. */
export function inRange(ip: IpAddress, range: IpRange): boolean {
  return ip.family === range.family && (ip.value & mask(range.family, range.bits)) === range.base;
}

/** Whether two ranges share any address (one holds the other, since ranges nest or are disjoint). */
export function overlaps(a: IpRange, b: IpRange): boolean {
  if (a.family !== b.family) return false;
  const shorter = mask(a.family, Math.min(a.bits, b.bits));
  return (a.base & shorter) === (b.base & shorter);
}

/** The address in canonical form (IPv6 compressed, lower case); text that is no address stays as written. */
export function canonicalIp(text: string): string {
  const ip = parseIp(text);
  return ip ? formatIp(ip) : text;
}

/**
 * Whether an address is one of `addresses`, however either is written (`2001:DB8:0::5` is
 * `2001:db8::5`). IPv4 compares as text: flow logs and EC2 write it one way, and the check runs per
 * flow record.
 */
export function oneOf(addresses: readonly string[]): (address: string) => boolean {
  const known = new Set(addresses.map(canonicalIp));
  return (address) => known.has(address) || (address.includes(':') && known.has(canonicalIp(address)));
}
