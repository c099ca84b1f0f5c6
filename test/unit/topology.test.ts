import { ipv6SubnetCidr } from '../../domain/topology';

describe("a dual-stack subnet's IPv6 block", () => {
  test('the nth /64 of the VPC block AWS assigned', () => {
    expect(ipv6SubnetCidr('2600:1f18:4b2:ce00::/56', 0)).toBe('2600:1f18:4b2:ce00::/64');
    expect(ipv6SubnetCidr('2600:1f18:4b2:ce00::/56', 1)).toBe('2600:1f18:4b2:ce01::/64');
    expect(ipv6SubnetCidr('2600:1f18:4b2:ce00::/56', 255)).toBe('2600:1f18:4b2:ceff::/64');
  });

  test('a block without room, an IPv4 block or a bad index is an error, not a wrong subnet', () => {
    expect(() => ipv6SubnetCidr('2600:1f18:4b2:ce00::/56', 256)).toThrow(/has no \/64 number 256/);
    expect(() => ipv6SubnetCidr('2600:1f18:4b2:ce00::/56', -1)).toThrow(/has no \/64 number -1/);
    expect(() => ipv6SubnetCidr('10.42.0.0/16', 0)).toThrow(/not an IPv6 block/);
    expect(() => ipv6SubnetCidr('2600:1f18:4b2:ce00::/72', 0)).toThrow(/not an IPv6 block/);
  });
});
