import { bytesPerSecond, decimalBytes } from './anomaly/usual';
import { formatRange, inRange, oneOf, parseIp, parseRange } from './ip-address';
import type { FlowRecord } from './traffic';

/**
 * Destinations an operator has said outbound traffic may go to (a backup vault, a partner's SFTP, a
 * log archive), as GuardDuty's trusted IP lists are: `MEDIC_TRUSTED_EGRESS=backup=198.51.100.0/24,…`.
 * An outbound surge the flow logs show going there is closed without isolating anything (decision 0060).
 */
export interface TrustedDestination {
  /** How the report names it: the operator's name, or the range itself. */
  name: string;
  /** IPv4 or IPv6 range in CIDR form; a bare address is its /32 or /128. */
  cidr: string;
}

/** Untrusted outbound bytes may be at most this share of the window's for the surge to count as trusted. */
export const UNTRUSTED_SHARE_ALLOWED = 0.01;

/** Trusted bytes that prove the surge is in the logs: this many seconds at the floor's rate. */
const PROOF_SECONDS = 60;

/** Whether an address lies in the range (false when either is not an address or range, or the families differ). */
export function inCidr(address: string, cidr: string): boolean {
  const ip = parseIp(address);
  const range = parseRange(cidr);
  return ip !== undefined && range !== undefined && inRange(ip, range);
}

/**
 * `backup=198.51.100.0/24, 203.0.113.10` → the trusted destinations; empty text → none. A bad entry
 * is an error naming it: a trust list that silently drops a range would page people all night.
 */
export function parseTrustedDestinations(text: string): TrustedDestination[] {
  return text
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '')
    .map((entry) => {
      const equals = entry.indexOf('=');
      const name = equals >= 0 ? entry.slice(0, equals).trim() : '';
      const range = (equals >= 0 ? entry.slice(equals + 1) : entry).trim();
      const parsed = parseRange(range);
      if (!parsed || (equals >= 0 && name === ''))
        throw new Error(
          `"${entry}" is not a destination: write an IPv4 or IPv6 range or address, optionally named (backup=198.51.100.0/24, vault=2001:db8:5::/48)`,
        );
      const cidr = formatRange(parsed);
      return { name: name || cidr, cidr };
    });
}

/** The first trusted destination the address lies in. */
export const trustedDestinationOf = (address: string, trusted: readonly TrustedDestination[]) =>
  trusted.find((t) => inCidr(address, t.cidr));

/**
 * Why an outbound surge needs no one, when the flow logs prove it: trusted destinations received at
 * least a minute's worth at the surge floor's rate (the surge is in the logs, not merely absent from
 * them, which deliveries still on their way would look like), and the rest is at most 1 % of the
 * bytes and, over the window, under the floor's rate — alone it would not have opened an incident.
 * Undefined otherwise: a person decides.
 */
export function trustedEgressExplanation(
  records: readonly FlowRecord[],
  sources: readonly string[],
  trusted: readonly TrustedDestination[],
  window: { minutes: number; floorBytesPerSecond: number },
): string | undefined {
  if (trusted.length === 0) return undefined;
  const fromInstance = oneOf(sources);
  // A window holds many flows to few destinations: each destination is judged once.
  const verdicts = new Map<string, TrustedDestination | undefined>();
  const byName = new Map<string, number>();
  let total = 0;
  let untrusted = 0;
  for (const r of records) {
    if (r.action !== 'ACCEPT' || !fromInstance(r.srcaddr)) continue;
    total += r.bytes;
    if (!verdicts.has(r.dstaddr)) verdicts.set(r.dstaddr, trustedDestinationOf(r.dstaddr, trusted));
    const destination = verdicts.get(r.dstaddr);
    if (destination) byName.set(destination.name, (byName.get(destination.name) ?? 0) + r.bytes);
    else untrusted += r.bytes;
  }
  const seconds = window.minutes * 60;
  if (total - untrusted < PROOF_SECONDS * window.floorBytesPerSecond) return undefined;
  if (untrusted > UNTRUSTED_SHARE_ALLOWED * total || untrusted / seconds >= window.floorBytesPerSecond)
    return undefined;
  const where = [...byName.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([name, bytes]) => `${name} (${decimalBytes(bytes)})`)
    .join(', ');
  const rest =
    untrusted === 0
      ? 'nothing else'
      : `${decimalBytes(untrusted)} elsewhere (${bytesPerSecond(untrusted / seconds)} over the window)`;
  return `The outbound surge went to trusted destinations (MEDIC_TRUSTED_EGRESS): ${where} in the last ${window.minutes} min, ${rest}. Nothing to isolate; an unknown destination would have needed a person.`;
}
