/** Ports that must never be reachable from the whole internet: remote shells and databases. */
export const SENSITIVE_PORTS = [22, 3389, 3306, 5432, 1433, 1521, 27017, 6379, 9200, 11211] as const;

export const WORLD_CIDRS = ['0.0.0.0/0', '::/0'] as const;

export function isWorld(cidr: string | undefined): boolean {
  return cidr !== undefined && (WORLD_CIDRS as readonly string[]).includes(cidr.trim());
}

/** True when the port range [from, to] includes a sensitive port (protocol -1 means every port). */
export function exposesSensitivePort(protocol: string, from: number, to: number): boolean {
  if (protocol === '-1' || protocol === 'all') return true;
  return SENSITIVE_PORTS.some((p) => p >= from && p <= to);
}

/** One ingress rule of a security group, as the security agent sees and records it. */
export interface IngressRule {
  groupId: string;
  protocol: string;
  fromPort: number;
  toPort: number;
  /** An IPv4 or IPv6 CIDR. */
  cidr: string;
  description?: string;
}

export function isWorldOpenSensitive(rule: IngressRule): boolean {
  return isWorld(rule.cidr) && exposesSensitivePort(rule.protocol, rule.fromPort, rule.toPort);
}

/** A stable key for a rule: the incident id and the tag that records a revoked rule use it. */
export function ruleKey(rule: IngressRule): string {
  const cidr = rule.cidr.replace(/[^0-9a-fA-F]/g, '-');
  return `${rule.groupId}-${rule.protocol}-${rule.fromPort}-${rule.toPort}-${cidr}`;
}
