import {
  appendAll,
  describeFlood,
  describeOutbound,
  detectFloods,
  FLOW_LOG_HEADER,
  withoutReplies,
  outboundDestinations,
  parseFlowLog,
  type FlowRecord,
} from '../../domain/traffic';

const line = (src: string, bytes = 240) =>
  `2 123456789012 eni-1 ${src} 10.0.1.10 40000 80 6 4 ${bytes} 1764150000 1764150001 ACCEPT OK`;
const records = (src: string, n: number): FlowRecord[] =>
  parseFlowLog(Array.from({ length: n }, () => line(src)).join('\n'));

describe('VPC flow logs', () => {
  test('default-format lines parse; the header, NODATA and broken lines are skipped', () => {
    const text = [
      FLOW_LOG_HEADER,
      line('203.0.113.5', 999),
      '2 123456789012 eni-1 - - - - - - - 1764150000 1764150060 - NODATA',
      '2 123 eni-1 1.2.3.4 10.0.0.1 x 80 6 4 not-a-number 1 2 ACCEPT OK',
      'garbage',
    ].join('\n');
    expect(parseFlowLog(text)).toEqual([
      {
        srcaddr: '203.0.113.5',
        dstaddr: '10.0.1.10',
        srcport: 40000,
        dstport: 80,
        packets: 4,
        bytes: 999,
        start: 1764150000,
        action: 'ACCEPT',
      },
    ]);
  });

  test('lines ending in a carriage return, or with doubled or leading spaces, parse as the plain ones do', () => {
    const plain = parseFlowLog(line('203.0.113.5'));
    expect(plain).toHaveLength(1);
    expect(parseFlowLog(`${FLOW_LOG_HEADER}\r\n${line('203.0.113.5')}\r\n`)).toEqual(plain);
    expect(parseFlowLog(` ${line('203.0.113.5').replace(' 80 ', '  80 ')}`)).toEqual(plain);
    // Plain spaces, but a field that is not a number: still skipped.
    expect(parseFlowLog(line('203.0.113.5').replace(' 240 ', ' lots '))).toEqual([]);
  });

  test('a flood is many flows and most of them from one source; busy clients among many are not', () => {
    const normal = Array.from({ length: 300 }, (_, i) => records(`198.51.100.${(i % 200) + 1}`, 1)).flat();
    const floods = detectFloods([...normal, ...records('203.0.113.9', 1500)]);
    expect(floods).toEqual([
      { source: '203.0.113.9', cidr: '203.0.113.9/32', flows: 1500, share: 1500 / 1800, bytes: 360000 },
    ]);
    // Most of the traffic, but little of it: a quiet service with one client is not flooded.
    expect(detectFloods([...records('203.0.113.9', 50)])).toEqual([]);
  });

  test('a flood split over a few sources is each of them, with how many and their joint share', () => {
    const normal = Array.from({ length: 300 }, (_, i) => records(`198.51.100.${(i % 200) + 1}`, 1)).flat();
    // Two addresses of different networks, 1 500 flows each: 45 % apiece, 91 % together.
    const split = [...records('203.0.113.9', 1500), ...records('192.0.2.77', 1400)];
    const floods = detectFloods([...normal, ...split]);
    const together = { sources: 2, share: 2900 / 3200 };
    expect(floods).toEqual([
      {
        source: '203.0.113.9',
        cidr: '203.0.113.9/32',
        flows: 1500,
        share: 1500 / 3200,
        bytes: 360000,
        together,
      },
      {
        source: '192.0.2.77',
        cidr: '192.0.2.77/32',
        flows: 1400,
        share: 1400 / 3200,
        bytes: 336000,
        together,
      },
    ]);
    expect(describeFlood(floods[1])).toBe(
      '1400 flows (44 % of all, 336000 bytes), one of 2 sources that together sent 91 % of all, in the flow logs delivered since the last scan',
    );
    expect(describeFlood({ ...floods[1], addresses: 3 })).toContain(
      'from 3 of its addresses, most from 192.0.2.77, one of 2 sources that together sent 91 % of all, in',
    );
    // Only the fewest that make most of it: a third large source beyond the majority is not one of them.
    const three = [...split, ...records('198.18.0.1', 1000)];
    expect(detectFloods([...normal, ...three]).map((f) => [f.cidr, f.together?.sources])).toEqual([
      ['203.0.113.9/32', 2],
      ['192.0.2.77/32', 2],
    ]);
  });

  test('flows the network already rejects are no flood, and do not hide one that gets through', () => {
    const normal = Array.from({ length: 300 }, (_, i) => records(`198.51.100.${(i % 200) + 1}`, 1)).flat();
    // A source denied earlier keeps sending: its flows are logged, rejected.
    const denied = records('203.0.113.50', 4000).map((r) => ({ ...r, action: 'REJECT' }));
    expect(detectFloods([...normal, ...denied])).toEqual([]);
    // The same attacker's pair of new addresses: found, where the rejected flows would make both
    // under a tenth of all and the denied source most of it.
    const pair = [...records('203.0.113.51', 1500), ...records('192.0.2.52', 1500)];
    expect(detectFloods([...normal, ...denied, ...pair]).map((f) => f.cidr)).toEqual([
      '203.0.113.51/32',
      '192.0.2.52/32',
    ]);
  });

  test('sources flooding together must each send a flood, be few, and together be most of the traffic', () => {
    const normal = Array.from({ length: 2000 }, (_, i) => records(`198.51.100.${(i % 200) + 1}`, 1)).flat();
    const pair = [...records('203.0.113.9', 1000), ...records('192.0.2.77', 1000)];
    // 2 000 of 4 000 flows is half, not most.
    expect(detectFloods([...normal, ...pair])).toEqual([]);
    // One of the pair under a flood's size: a busy client beside one that is not most of the traffic.
    expect(
      detectFloods([...normal.slice(0, 1000), ...pair.slice(0, 1000), ...records('192.0.2.77', 999)]),
    ).toEqual([]);
    // Five of them, each 1 000 of 8 000 flows: more than an ACL answers.
    const five = ['203.0.113.1', '203.0.114.1', '203.0.115.1', '203.0.116.1', '203.0.117.1'].flatMap((a) =>
      records(a, 1000),
    );
    expect(detectFloods([...normal, ...normal.slice(0, 1000), ...five])).toEqual([]);
    // Four of 6 000 is still a few: three are half, the fourth makes most.
    expect(detectFloods([...normal, ...five.slice(0, 4000)])).toHaveLength(4);
  });

  test('a flood from a private address is not reported for blocking', () => {
    expect(detectFloods(records('10.0.5.5', 2000))).toEqual([]);
  });

  test('an IPv6 host hopping between addresses of its /64 is one source, reported by its busiest address', () => {
    const normal = Array.from({ length: 300 }, (_, i) => records(`2001:db8:ff::${(i % 200) + 1}`, 1)).flat();
    // 1 500 flows spread over 30 addresses of one /64: no address alone is 2 % of the traffic.
    const hopping = Array.from({ length: 30 }, (_, i) =>
      records(`2001:db8:1:2::${(i + 1).toString(16)}`, i === 7 ? 64 : 50),
    ).flat();
    expect(detectFloods([...normal, ...hopping])).toEqual([
      {
        source: '2001:db8:1:2::8',
        cidr: '2001:db8:1:2::/64',
        flows: 1514,
        share: 1514 / 1814,
        bytes: 1514 * 240,
        addresses: 30,
      },
    ]);
    expect(describeFlood(detectFloods([...normal, ...hopping])[0])).toBe(
      '1514 flows (83 % of all, 363360 bytes) from 30 of its addresses, most from 2001:db8:1:2::8, in the flow logs delivered since the last scan',
    );
    // The clients of the ordinary traffic share a /64 too, but they are not a flood: 300 flows.
    expect(detectFloods(normal)).toEqual([]);
    expect(detectFloods(records('fd00:1::5', 2000))).toEqual([]);
  });

  test('a flood rotating through many sources of one site is the site (an IPv6 /48, an IPv4 /24), by how many sources sent it', () => {
    const normal = Array.from({ length: 300 }, (_, i) => records(`198.51.100.${(i % 200) + 1}`, 1)).flat();
    // 24 /64s of one /48, two addresses each, 30 flows per address: no /64 is 4 % of the traffic.
    const rotating = Array.from({ length: 24 }, (_, n) =>
      ['a', 'b'].flatMap((host) => records(`2001:db8:66:${n.toString(16)}::${host}`, n === 5 ? 40 : 30)),
    ).flat();
    const [flood, ...others] = detectFloods([...normal, ...rotating]);
    expect(others).toEqual([]);
    expect(flood).toEqual({
      source: '2001:db8:66:5::a',
      cidr: '2001:db8:66::/48',
      flows: 1460,
      share: 1460 / 1760,
      bytes: 1460 * 240,
      addresses: 48,
      sources: 24,
    });
    expect(describeFlood(flood)).toBe(
      '1460 flows (83 % of all, 350400 bytes) from 24 of its sources (48 addresses), most from 2001:db8:66:5::a, in the flow logs delivered since the last scan',
    );

    const ipv4 = Array.from({ length: 40 }, (_, i) => records(`203.0.113.${i + 10}`, 40)).flat();
    expect(detectFloods([...normal, ...ipv4])).toMatchObject([
      { cidr: '203.0.113.0/24', flows: 1600, sources: 40, addresses: 40 },
    ]);
  });

  test('a site is not a flood with few sources, when one of its sources floods alone, or when it is not most of the traffic', () => {
    // Four busy clients of one network: not a rotation.
    const fewClients = ['1', '2', '3', '4'].flatMap((host) => records(`203.0.113.${host}`, 400));
    expect(detectFloods(fewClients)).toEqual([]);
    // One /64 floods by itself: it is the flood, the narrower deny, and its /48 is not reported.
    const loud = records('2001:db8:77:1::1', 1200);
    const quiet = Array.from({ length: 10 }, (_, n) =>
      records(`2001:db8:77:${(n + 2).toString(16)}::1`, 30),
    ).flat();
    expect(detectFloods([...loud, ...quiet]).map((f) => f.cidr)).toEqual(['2001:db8:77:1::/64']);
    // Two sites rotating, neither most of the traffic.
    const siteA = Array.from({ length: 10 }, (_, n) =>
      records(`2001:db8:a:${n.toString(16)}::1`, 100),
    ).flat();
    const siteB = Array.from({ length: 10 }, (_, n) =>
      records(`2001:db8:b:${n.toString(16)}::1`, 100),
    ).flat();
    expect(detectFloods([...siteA, ...siteB])).toEqual([]);
    // Private sources never make a site flood either.
    expect(
      detectFloods(Array.from({ length: 20 }, (_, i) => records(`10.0.9.${i + 1}`, 100)).flat()),
    ).toEqual([]);
  });

  test("the servers' replies do not halve a flood's share, and a mirror answering the fleet's downloads is no flood", () => {
    // Both directions, as AWS logs them: each client's request to port 80 and the server's reply.
    const conversation = (client: string, n: number, port = 40000): FlowRecord[] =>
      Array.from({ length: n }, (_, i) => [
        {
          srcaddr: client,
          dstaddr: '10.0.1.10',
          srcport: port + i,
          dstport: 80,
          packets: 4,
          bytes: 240,
          start: 1,
          action: 'ACCEPT',
        },
        {
          srcaddr: '10.0.1.10',
          dstaddr: client,
          srcport: 80,
          dstport: port + i,
          packets: 4,
          bytes: 900,
          start: 1,
          action: 'ACCEPT',
        },
      ]).flat();
    const normal = Array.from({ length: 300 }, (_, i) =>
      conversation(`198.51.100.${(i % 200) + 1}`, 1, 50000 + i),
    ).flat();
    const flood = conversation('203.0.113.9', 1500);
    expect(detectFloods([...normal, ...flood])).toMatchObject([
      { cidr: '203.0.113.9/32', flows: 1500, share: 1500 / 1800 },
    ]);
    expect(withoutReplies([...normal, ...flood])).toHaveLength(1800);

    // The fleet downloads from 12 addresses of one mirror's /24: their answers are replies.
    const downloads = Array.from({ length: 1200 }, (_, i) => {
      const mirror = `203.0.113.${(i % 12) + 100}`;
      return [
        {
          srcaddr: '10.0.1.10',
          dstaddr: mirror,
          srcport: 33000 + i,
          dstport: 443,
          packets: 9,
          bytes: 700,
          start: 1,
          action: 'ACCEPT',
        },
        {
          srcaddr: mirror,
          dstaddr: '10.0.1.10',
          srcport: 443,
          dstport: 33000 + i,
          packets: 900,
          bytes: 9e6,
          start: 1,
          action: 'ACCEPT',
        },
      ];
    }).flat();
    expect(detectFloods([...normal, ...downloads])).toEqual([]);
    // A reflection attack (answers to nothing the fleet asked) is still counted.
    const reflected = downloads.filter((r) => r.srcaddr !== '10.0.1.10');
    expect(detectFloods([...normal, ...reflected])).toMatchObject([{ cidr: '203.0.113.0/24', sources: 12 }]);
  });

  test("a busy VPC's delivery of half a million records is appended whole (a spread into push overflows the stack)", () => {
    const delivery = Array.from({ length: 500_000 }, (_, i) => i);
    const read = [-1];
    appendAll(read, delivery);
    expect(read).toHaveLength(500_001);
    expect([read[0], read[1], read[500_000]]).toEqual([-1, 0, 499_999]);
  });
});

describe('where an instance sends its traffic', () => {
  const flow = (
    srcaddr: string,
    dstaddr: string,
    dstport: number,
    bytes: number,
    action = 'ACCEPT',
  ): FlowRecord => ({
    srcaddr,
    dstaddr,
    dstport,
    packets: 10,
    bytes,
    start: 1_700_000_000,
    action,
  });

  test("the instance's accepted outbound bytes by destination, largest first, with their shares", () => {
    const records = [
      flow('10.0.1.5', '203.0.113.7', 443, 900_000_000),
      flow('10.0.1.5', '203.0.113.7', 443, 300_000_000),
      flow('10.0.1.5', '10.0.2.9', 5432, 60_000_000),
      flow('10.0.1.5', '198.51.100.4', 80, 40_000_000),
      flow('10.0.1.5', '192.0.2.1', 22, 1_000),
      // Another instance's flows, replies to this one, and a rejected attempt are not its outbound traffic.
      flow('10.0.1.6', '203.0.113.7', 443, 5_000_000_000),
      flow('203.0.113.7', '10.0.1.5', 40_000, 7_000_000),
      flow('10.0.1.5', '192.0.2.99', 443, 8_000_000_000, 'REJECT'),
    ];
    const out = outboundDestinations(records, ['10.0.1.5']);
    expect(out.total).toBe(1_300_001_000);
    expect(out.top.map((d) => [d.address, d.port, d.bytes])).toEqual([
      ['203.0.113.7', 443, 1_200_000_000],
      ['10.0.2.9', 5432, 60_000_000],
      ['198.51.100.4', 80, 40_000_000],
    ]);
    expect(describeOutbound(['10.0.1.5'], 15, out)).toBe(
      'Flow logs: 1.3 GB sent from 10.0.1.5 in the last 15 min: 92 % to 203.0.113.7:443, 5 % to 10.0.2.9:5432, 3 % to 198.51.100.4:80.',
    );
  });

  test('destinations under 1 % of the bytes are left out of the line, the largest never', () => {
    const out = outboundDestinations(
      [flow('10.0.1.5', '203.0.113.7', 443, 995_000), flow('10.0.1.5', '10.0.2.9', 5432, 5_000)],
      ['10.0.1.5'],
    );
    expect(describeOutbound(['10.0.1.5'], 15, out)).toBe(
      'Flow logs: 1.0 MB sent from 10.0.1.5 in the last 15 min: 100 % to 203.0.113.7:443.',
    );
  });

  test("a dual-stack instance's flows from its IPv6 address count, however the logs write it", () => {
    const sources = ['10.0.1.5', '2001:db8:1:2::5'];
    const out = outboundDestinations(
      [
        flow('10.0.1.5', '203.0.113.7', 443, 1_000_000),
        flow('2001:DB8:1:2:0:0:0:5', '2001:db8:ff::9', 443, 3_000_000),
        flow('2001:db8:1:2::6', '2001:db8:ff::9', 443, 9_000_000),
      ],
      sources,
    );
    expect(out.top.map((d) => [d.address, d.bytes])).toEqual([
      ['2001:db8:ff::9', 3_000_000],
      ['203.0.113.7', 1_000_000],
    ]);
    expect(describeOutbound(sources, 15, out)).toBe(
      'Flow logs: 4.0 MB sent from 10.0.1.5 and 2001:db8:1:2::5 in the last 15 min: 75 % to 2001:db8:ff::9:443, 25 % to 203.0.113.7:443.',
    );
  });

  test('no flows from the instance says so, rather than naming nobody', () => {
    const none = outboundDestinations([flow('10.0.1.6', '203.0.113.7', 443, 10)], ['10.0.1.5']);
    expect(none).toEqual({ total: 0, top: [] });
    expect(describeOutbound(['10.0.1.5'], 15, none)).toBe(
      'Flow logs: no accepted flows from 10.0.1.5 delivered in the last 15 min.',
    );
  });
});
