import { instanceAddresses } from '../../activities/instance-addresses';

describe("an instance's addresses", () => {
  test('primary first, then every interface’s other IPv4 and IPv6 addresses, each once', () => {
    expect(
      instanceAddresses({
        PrivateIpAddress: '10.0.1.5',
        Ipv6Address: '2001:db8:1:2::5',
        NetworkInterfaces: [
          {
            PrivateIpAddresses: [{ PrivateIpAddress: '10.0.1.5' }, { PrivateIpAddress: '10.0.1.77' }],
            Ipv6Addresses: [{ Ipv6Address: '2001:db8:1:2::5' }, { Ipv6Address: '2001:db8:1:2::9' }],
          },
          { PrivateIpAddresses: [{ PrivateIpAddress: '10.0.3.8' }], Ipv6Addresses: [] },
        ],
      }),
    ).toEqual(['10.0.1.5', '2001:db8:1:2::5', '10.0.1.77', '2001:db8:1:2::9', '10.0.3.8']);
    expect(instanceAddresses({})).toEqual([]);
  });
});
