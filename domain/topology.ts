/**
 * The shape of a healable fleet, in one place: the emulated fleet (`medic fleet create`) is built
 * from it today, and the Pulumi program is meant to read it too, so the two cannot drift apart.
 */
export const FLEET_TOPOLOGY = {
  vpcCidr: '10.42.0.0/16',
  subnetCidr: '10.42.1.0/24',
  instanceType: 't3.micro',
  /** Ingress the service needs; nothing sensitive is open to the world. */
  ingress: [{ protocol: 'tcp', port: 443, cidr: '10.42.0.0/16', description: 'HTTPS inside the VPC' }],
} as const;

export function fleetResourceName(fleet: string, part: string): string {
  return `medic-${fleet}-${part}`;
}
