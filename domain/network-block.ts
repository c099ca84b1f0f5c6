/**
 * Denying one source address at the subnet's network ACL: what may be blocked, and where the rule
 * goes. Pure, so the same rules hold in the activity, the API and the tests.
 */

/** Ingress rule numbers cloud-medic uses: below the usual allow rules (100+), so a deny wins. */
export const BLOCK_RULES = { first: 1, last: 99 } as const;

/** Tag on the network ACL that records a block and when it is lifted: a person can see and undo it. */
export const blockTag = (cidr: string) => `medic:blocked:${cidr}`;

const PROTECTED: [string, number][] = [
  ['10.0.0.0', 8],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['0.0.0.0', 8],
  ['100.64.0.0', 10],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
];

const toNumber = (ip: string) => ip.split('.').reduce((n, octet) => n * 256 + Number(octet), 0);

/**
 * The /32 to deny for an address, or why it may not be blocked: private, loopback, link-local and
 * multicast ranges are never blocked (a typo there would cut the fleet off from itself).
 */
export function blockableSource(ip: string): { cidr: string } | { refused: string } {
  const octets = ip.trim().split('.');
  if (octets.length !== 4 || octets.some((o) => !/^\d{1,3}$/.test(o) || Number(o) > 255))
    return { refused: `${ip} is not an IPv4 address` };
  const address = octets.map(Number).join('.');
  const value = toNumber(address);
  for (const [base, bits] of PROTECTED) {
    const size = 2 ** (32 - bits);
    const start = toNumber(base);
    if (value >= start && value < start + size)
      return { refused: `${address} is in ${base}/${bits}, a range cloud-medic never blocks` };
  }
  return { cidr: `${address}/32` };
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
