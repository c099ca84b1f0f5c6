import { bytesPerSecond, decimalBytes } from './anomaly/usual';
import type { FlowRecord } from './traffic';

/**
 * Destinations an operator has said outbound traffic may go to (a backup vault, a partner's SFTP, a
 * log archive), as GuardDuty's trusted IP lists are: `MEDIC_TRUSTED_EGRESS=backup=198.51.100.0/24,…`.
 * An outbound surge the flow logs show going there is closed without isolating anything (decision 0060).
 */
export interface TrustedDestination {
  /** How the report names it: the operator's name, or the range itself. */
  name: string;
  /** IPv4 range in CIDR form; a bare address is its /32. */
  cidr: string;
}

/** Untrusted outbound bytes may be at most this share of the window's for the surge to count as trusted. */
export const UNTRUSTED_SHARE_ALLOWED = 0.01;

/** Trusted bytes that prove the surge is in the logs: this many seconds at the floor's rate. */
const PROOF_SECONDS = 60;

const OCTETS = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/** The address as a 32-bit number; undefined for anything but dotted IPv4. */
function ipv4(address: string): number | undefined {
  const octets = OCTETS.exec(address)?.slice(1).map(Number);
  if (!octets || octets.some((o) => o > 255)) return undefined;
  return octets.reduce((n, o) => n * 256 + o, 0);
}

function parseCidr(text: string): { base: number; bits: number } | undefined {
  const [address = '', bitsText = '32', extra] = text.split('/');
  const base = ipv4(address);
  const bits = /^\d{1,2}$/.test(bitsText) ? Number(bitsText) : Number.NaN;
  if (extra !== undefined || base === undefined || !(bits >= 0 && bits <= 32)) return undefined;
  return { base, bits };
}

/** Whether an IPv4 address lies in the range (false for anything that is not IPv4). */
export function inCidr(address: string, cidr: string): boolean {
  const range = parseCidr(cidr);
  const at = ipv4(address);
  if (!range || at === undefined) return false;
  const size = 2 ** (32 - range.bits);
  return Math.floor(at / size) === Math.floor(range.base / size);
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
      const parsed = parseCidr(range);
      if (!parsed || (equals >= 0 && name === ''))
        throw new Error(
          `"${entry}" is not a destination: write an IPv4 range or address, optionally named (backup=198.51.100.0/24)`,
        );
      const cidr = range.includes('/') ? range : `${range}/32`;
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
  source: string,
  trusted: readonly TrustedDestination[],
  window: { minutes: number; floorBytesPerSecond: number },
): string | undefined {
  if (trusted.length === 0) return undefined;
  const byName = new Map<string, number>();
  let total = 0;
  let untrusted = 0;
  for (const r of records) {
    if (r.srcaddr !== source || r.action !== 'ACCEPT') continue;
    total += r.bytes;
    const destination = trustedDestinationOf(r.dstaddr, trusted);
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
