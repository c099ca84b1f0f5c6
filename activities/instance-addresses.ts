import type { Instance } from '@aws-sdk/client-ec2';

/**
 * Every address an instance sends from, as its flow-log records name it: the primary private IPv4,
 * each interface's other private IPv4s, and its IPv6 addresses (a dual-stack instance reaches IPv6
 * destinations from those). Primary first, each once.
 */
export function instanceAddresses(instance: Instance): string[] {
  const addresses = [
    instance.PrivateIpAddress,
    instance.Ipv6Address,
    ...(instance.NetworkInterfaces ?? []).flatMap((eni) => [
      ...(eni.PrivateIpAddresses ?? []).map((a) => a.PrivateIpAddress),
      ...(eni.Ipv6Addresses ?? []).map((a) => a.Ipv6Address),
    ]),
  ];
  return [...new Set(addresses.filter((a): a is string => typeof a === 'string' && a !== ''))];
}
