import { oneOf } from './ip-address';
import { blockableSource, siteOf } from './network-block';
import { decimalBytes } from './anomaly/usual';
import { trustedDestinationOf, type TrustedDestination } from './trusted-egress';

/** One VPC flow log record: the fields of the default format (version 2) that floods are judged by. */
export interface FlowRecord {
  srcaddr: string;
  dstaddr: string;
  /** Absent in records built without one (tests, older callers): such a record is never a reply. */
  srcport?: number;
  dstport: number;
  packets: number;
  bytes: number;
  start: number;
  action: string;
}

export { FLOW_LOG_HEADER, parseFlowLog, readFlowLog } from './flow-log-format';

export interface FloodThresholds {
  /** Flows from one source within the scanned records. */
  minFlows: number;
  /** That source's share of all flows must be above this (0.5: more than half). */
  minShare: number;
  /**
   * Sources of one site (`SITE_BITS`) that must have sent a site's flood: rotating through many
   * addresses is how a flood evades a per-source count; two busy clients of one network are not that.
   */
  minSiteSources: number;
  /**
   * The most sources that may flood together: splitting a flood over two addresses keeps each under
   * half. More than this many is a botnet, which a WAF answers and an ACL's 20 rules do not.
   */
  maxSourcesTogether: number;
}

export const DEFAULT_FLOOD_THRESHOLDS: FloodThresholds = {
  minFlows: 1000,
  minShare: 0.5,
  minSiteSources: 8,
  maxSourcesTogether: 4,
};

export interface Flood {
  /** The busiest address of the source. */
  source: string;
  /**
   * What one deny covers: the address's /32, or for IPv6 its /64, whose addresses count as one
   * source; for a site's flood, the site (`sources` is then set).
   */
  cidr: string;
  flows: number;
  share: number;
  bytes: number;
  /** How many addresses of `cidr` sent them, when more than one (an IPv6 host hopping within its /64). */
  addresses?: number;
  /**
   * For a site's flood (`cidr` an IPv4 /24 or IPv6 /48): how many sources of it sent the flows, each
   * what one deny would cover. Denying a site may cut off its ordinary users too: a person decides.
   */
  sources?: number;
  /**
   * For one of a few sources that flooded together (each sent a flood's worth, none most of the flows,
   * together most): how many they were and their joint share. Each may as well be a big ordinary
   * client (a partner's batch job, an office's NAT): a person decides.
   */
  together?: { sources: number; share: number };
}

/**
 * Sources that sent most of the traffic that reached the fleet and a lot of it: both conditions, so a busy but normal
 * client among many is not a flood, and one client on a quiet service is not either. A source is what
 * one deny covers (`blockableSource`): an IPv6 host that hops between addresses of its /64 is one
 * source, as it is one block. When no source floods, a site (`SITE_BITS`: an IPv4 /24, an IPv6 /48)
 * whose many sources together do is one flood, so rotating through a /48's /64s does not hide it.
 * Before the site, a few sources that each sent a flood's worth and together most of it are each a
 * flood (`together`), so splitting a flood over two addresses does not hide it either.
 * Addresses cloud-medic never blocks (private ranges) are not reported as floods to act on.
 */
export function detectFloods(records: FlowRecord[], thresholds = DEFAULT_FLOOD_THRESHOLDS): Flood[] {
  const requests = withoutReplies(records.filter(reachedTheFleet));
  const bySource = countBy(requests, remembered(sourceRange));
  const floods = floodsAmong(bySource, requests.length, thresholds);
  if (floods.length > 0) return floods;
  const together = floodingTogether(bySource, requests.length, thresholds);
  if (together.length > 0) return together;
  // No one source is most of the traffic: one site may be, through many of its sources.
  const bySite = sitesOf(bySource);
  return floodsAmong(bySite, requests.length, thresholds)
    .map((flood) => ({ ...flood, sources: bySite.get(flood.cidr)?.sources ?? 0 }))
    .filter((flood) => flood.sources >= thresholds.minSiteSources && blockableSite(flood.cidr));
}

/**
 * Flows an ACL or a security group let through. A denied source that keeps sending is logged as
 * rejected: counted, it would stay most of the traffic and hide every other flood for as long as it sent.
 */
const reachedTheFleet = (record: FlowRecord) => record.action !== 'REJECT';

/**
 * The fewest of the sources that each sent at least `minFlows` whose flows together are most of the
 * traffic, busiest first, when they are at most `maxSourcesTogether`; otherwise none.
 */
function floodingTogether(bySource: Map<string, Tally>, total: number, thresholds: FloodThresholds): Flood[] {
  const large = floodsAmong(bySource, total, { ...thresholds, minShare: 0 });
  let flows = 0;
  for (const [index, flood] of large.entries()) {
    flows += flood.flows;
    if (flows / total <= thresholds.minShare) continue;
    const sources = index + 1;
    if (sources < 2 || sources > thresholds.maxSourcesTogether) return [];
    const together = { sources, share: flows / total };
    return large.slice(0, sources).map((each) => ({ ...each, together }));
  }
  return [];
}

/** The sources' tallies merged by site (`siteOf`), each with how many sources it merged. */
function sitesOf(bySource: Map<string, Tally>): Map<string, Tally & { sources: number }> {
  const bySite = new Map<string, Tally & { sources: number }>();
  for (const [cidr, tally] of bySource) {
    const site = siteOf(cidr);
    if (site === undefined) continue;
    const into = bySite.get(site) ?? { flows: 0, bytes: 0, byAddress: new Map<string, number>(), sources: 0 };
    into.flows += tally.flows;
    into.bytes += tally.bytes;
    into.sources += 1;
    for (const [address, flows] of tally.byAddress)
      into.byAddress.set(address, (into.byAddress.get(address) ?? 0) + flows);
    bySite.set(site, into);
  }
  return bySite;
}

/**
 * The records that open a conversation, without the ones answering it. Flow logs record both
 * directions of a connection: counted whole, the server's own replies would halve a flood's share
 * (it could never be more than half), and the answers of a mirror the fleet downloads from would
 * count as that mirror's traffic. A reply is a record whose reverse is in the same scan and that comes
 * from the lower port (the server's side of a client's ephemeral one).
 */
export function withoutReplies(records: FlowRecord[]): FlowRecord[] {
  // Requests by their two addresses, then by their port pair: no key string per record.
  const requests = new Map<string, Map<string, Set<number>>>();
  for (const r of records) {
    if (r.srcport === undefined || r.srcport <= r.dstport) continue;
    const byPeer = requests.get(r.srcaddr) ?? new Map<string, Set<number>>();
    const ports = byPeer.get(r.dstaddr) ?? new Set<number>();
    ports.add(r.srcport * 65536 + r.dstport);
    byPeer.set(r.dstaddr, ports);
    requests.set(r.srcaddr, byPeer);
  }
  return records.filter(
    (r) =>
      r.srcport === undefined ||
      r.srcport >= r.dstport ||
      !requests
        .get(r.dstaddr)
        ?.get(r.srcaddr)
        ?.has(r.dstport * 65536 + r.srcport),
  );
}

interface Tally {
  flows: number;
  bytes: number;
  byAddress: Map<string, number>;
}

/** What one deny of a flow's source covers (`blockableSource`), or nothing for sources never blocked. */
function sourceRange(address: string): string | undefined {
  const target = blockableSource(address);
  return 'cidr' in target ? target.cidr : undefined;
}

const blockableSite = (cidr: string) => 'cidr' in blockableSource(cidr);

/** `f` once per distinct argument: a scan has far fewer addresses than records. */
function remembered(f: (text: string) => string | undefined): (text: string) => string | undefined {
  const known = new Map<string, string | undefined>();
  return (text) => {
    if (!known.has(text)) known.set(text, f(text));
    return known.get(text);
  };
}

/** Flows, bytes and flows per address, by the range `rangeOf` puts each source address in. */
function countBy(
  records: FlowRecord[],
  rangeOf: (address: string) => string | undefined,
): Map<string, Tally> {
  const byRange = new Map<string, Tally>();
  for (const r of records) {
    const cidr = rangeOf(r.srcaddr);
    if (cidr === undefined) continue;
    const seen = byRange.get(cidr) ?? { flows: 0, bytes: 0, byAddress: new Map<string, number>() };
    seen.flows += 1;
    seen.bytes += r.bytes;
    seen.byAddress.set(r.srcaddr, (seen.byAddress.get(r.srcaddr) ?? 0) + 1);
    byRange.set(cidr, seen);
  }
  return byRange;
}

/** The ranges that sent a lot and most of it, busiest first, each named by its busiest address. */
function floodsAmong(byRange: Map<string, Tally>, total: number, thresholds: FloodThresholds): Flood[] {
  const floods: Flood[] = [];
  for (const [cidr, seen] of byRange) {
    const share = seen.flows / total;
    if (seen.flows < thresholds.minFlows || share <= thresholds.minShare) continue;
    const [source = cidr] =
      [...seen.byAddress].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0] ?? [];
    const addresses = seen.byAddress.size;
    floods.push({
      source,
      cidr,
      flows: seen.flows,
      share,
      bytes: seen.bytes,
      ...(addresses > 1 ? { addresses } : {}),
    });
  }
  return floods.sort((a, b) => b.flows - a.flows);
}

/** Where an instance's outbound bytes went: one address and port, and its share of them. */
export interface Destination {
  address: string;
  port: number;
  bytes: number;
  share: number;
}

/**
 * The instance's outbound flows by destination, largest first: what a person deciding whether an
 * outbound surge is a leak wants to see first (a known partner, or an address nobody recognises).
 * `sources` are all the instance's addresses: a dual-stack instance sends over IPv6 from its own.
 */
export function outboundDestinations(
  records: FlowRecord[],
  sources: readonly string[],
  limit = 3,
): { total: number; top: Destination[] } {
  const byDestination = new Map<string, Destination>();
  const fromInstance = oneOf(sources);
  let total = 0;
  for (const r of records) {
    if (r.action !== 'ACCEPT' || !fromInstance(r.srcaddr)) continue;
    total += r.bytes;
    const key = `${r.dstaddr}:${r.dstport}`;
    const seen = byDestination.get(key) ?? { address: r.dstaddr, port: r.dstport, bytes: 0, share: 0 };
    seen.bytes += r.bytes;
    byDestination.set(key, seen);
  }
  const top = [...byDestination.values()]
    .sort((a, b) => b.bytes - a.bytes || a.address.localeCompare(b.address))
    .slice(0, limit)
    .map((d) => ({ ...d, share: total > 0 ? d.bytes / total : 0 }));
  return { total, top };
}

/**
 * "Flow logs: 1.2 GB sent from 10.0.1.5 in the last 15 min: 93 % to 203.0.113.7:443, …", a trusted
 * destination followed by its name: "(trusted: backup)".
 */
export function describeOutbound(
  sources: readonly string[],
  minutes: number,
  { total, top }: { total: number; top: Destination[] },
  trusted: readonly TrustedDestination[] = [],
): string {
  const source = sources.join(' and ');
  if (total === 0) return `Flow logs: no accepted flows from ${source} delivered in the last ${minutes} min.`;
  // A destination under 1 % is noise beside the ones that matter; the largest is always named.
  const where = top
    .filter((d, i) => i === 0 || d.share >= 0.01)
    .map((d) => {
      const known = trustedDestinationOf(d.address, trusted);
      return `${Math.round(100 * d.share)} % to ${d.address}:${d.port}${known ? ` (trusted: ${known.name})` : ''}`;
    })
    .join(', ');
  return `Flow logs: ${decimalBytes(total)} sent from ${source} in the last ${minutes} min: ${where}.`;
}

/**
 * Appends one delivery's records. Not `push(...records)`: a delivery of a few hundred thousand
 * records passes the engine's argument limit ("Maximum call stack size exceeded").
 */
export function appendAll<T>(into: T[], records: readonly T[]): void {
  for (const record of records) into.push(record);
}

/**
 * "1500 flows (76 % of all, 360000 bytes)", which addresses sent them when the range had several, and
 * the other sources it flooded with.
 */
export function describeFlood(flood: Flood): string {
  const percent = (share: number) => `${Math.round(share * 100)} %`;
  const from = flood.sources
    ? ` from ${flood.sources} of its sources (${flood.addresses ?? 1} addresses), most from ${flood.source},`
    : flood.addresses
      ? ` from ${flood.addresses} of its addresses, most from ${flood.source},`
      : '';
  const together = flood.together
    ? `${from ? '' : ','} one of ${flood.together.sources} sources that together sent ${percent(flood.together.share)} of all,`
    : '';
  return `${flood.flows} flows (${percent(flood.share)} of all, ${flood.bytes} bytes)${from}${together} in the flow logs delivered since the last scan`;
}
