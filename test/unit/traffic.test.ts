import { detectFloods, FLOW_LOG_HEADER, parseFlowLog, type FlowRecord } from '../../domain/traffic';

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
        dstport: 80,
        packets: 4,
        bytes: 999,
        start: 1764150000,
        action: 'ACCEPT',
      },
    ]);
  });

  test('a flood is many flows and most of them from one source; busy clients among many are not', () => {
    const normal = Array.from({ length: 300 }, (_, i) => records(`198.51.100.${(i % 200) + 1}`, 1)).flat();
    const floods = detectFloods([...normal, ...records('203.0.113.9', 1500)]);
    expect(floods).toEqual([
      { source: '203.0.113.9', cidr: '203.0.113.9/32', flows: 1500, share: 1500 / 1800, bytes: 360000 },
    ]);
    // Most of the traffic, but little of it: a quiet service with one client is not flooded.
    expect(detectFloods([...records('203.0.113.9', 50)])).toEqual([]);
    // A lot, but among many as large: not one source's flood.
    expect(detectFloods([...records('203.0.113.9', 1500), ...records('203.0.113.10', 1500)])).toEqual([]);
  });

  test('a flood from a private address is not reported for blocking', () => {
    expect(detectFloods(records('10.0.5.5', 2000))).toEqual([]);
  });
});
