import { FLOW_LOG_HEADER, layoutOf, parseFlowLog, readFlowLog } from '../../domain/flow-log-format';
import { detectFloods } from '../../domain/traffic';

/** A custom format many teams choose: version 5 fields, in AWS's order for them, not the default's. */
const CUSTOM_HEADER =
  'version vpc-id subnet-id instance-id interface-id account-id type srcaddr dstaddr srcport dstport pkt-srcaddr pkt-dstaddr protocol bytes packets start end action tcp-flags log-status flow-direction';
const customLine = (src: string, dst = '10.0.1.10', srcport = 40000, bytes = 240) =>
  `5 vpc-0a1 subnet-0b2 i-0c3 eni-0d4 123456789012 IPv4 ${src} ${dst} ${srcport} 80 ${src} ${dst} 6 ${bytes} 4 1764150000 1764150060 ACCEPT 2 OK ingress`;

describe('flow-log formats: the header line names the fields', () => {
  test('a custom format is read by its field names, not by the default positions', () => {
    const text = [CUSTOM_HEADER, customLine('203.0.113.5', '10.0.1.10', 41000, 999)].join('\n');
    expect(readFlowLog(text)).toEqual({
      records: [
        {
          srcaddr: '203.0.113.5',
          dstaddr: '10.0.1.10',
          srcport: 41000,
          dstport: 80,
          packets: 4,
          bytes: 999,
          start: 1764150000,
          action: 'ACCEPT',
        },
      ],
    });
  });

  test('a flood in a custom format is found, replies dropped, as in the default one', () => {
    const ordinary = Array.from({ length: 300 }, (_, i) => customLine(`198.51.100.${(i % 200) + 1}`));
    const flood = Array.from({ length: 1500 }, (_, i) => [
      customLine('203.0.113.9', '10.0.1.10', 32768 + i),
      customLine('10.0.1.10', '203.0.113.9', 80).replace(' 80 80 ', ` 80 ${32768 + i} `),
    ]).flat();
    const floods = detectFloods(parseFlowLog([CUSTOM_HEADER, ...ordinary, ...flood].join('\n')));
    expect(floods).toMatchObject([{ cidr: '203.0.113.9/32', flows: 1500, share: 1500 / 1800 }]);
  });

  test('a format without source ports gives records that are never taken for replies', () => {
    const header = 'srcaddr dstaddr dstport packets bytes start action';
    const [record] = parseFlowLog(`${header}\n203.0.113.5 10.0.1.10 80 4 240 1764150000 ACCEPT`);
    expect(record).toEqual({
      srcaddr: '203.0.113.5',
      dstaddr: '10.0.1.10',
      dstport: 80,
      packets: 4,
      bytes: 240,
      start: 1764150000,
      action: 'ACCEPT',
    });
    // Without log-status, a line with no data for its fields is still no record.
    expect(parseFlowLog(`${header}\n- - - - - 1764150000 -`)).toEqual([]);
  });

  test('a format without a field floods are judged by says which, and gives no records', () => {
    const header = 'version srcaddr dstaddr srcport dstport protocol packets start end action log-status';
    expect(
      readFlowLog(`${header}\n5 203.0.113.5 10.0.1.10 40000 80 6 4 1764150000 1764150060 ACCEPT OK`),
    ).toEqual({
      records: [],
      unreadable: `its format has no bytes (header: "${header}")`,
    });
    expect(layoutOf('version account-id')).toEqual({
      missing: ['srcaddr', 'dstaddr', 'dstport', 'packets', 'bytes', 'start', 'action'],
    });
  });

  test('text without a header is the default format; the default header itself is no record', () => {
    const line =
      '2 123456789012 eni-1 203.0.113.5 10.0.1.10 40000 80 6 4 240 1764150000 1764150001 ACCEPT OK';
    expect(parseFlowLog(line)).toHaveLength(1);
    expect(parseFlowLog(`${FLOW_LOG_HEADER}\n${line}`)).toEqual(parseFlowLog(line));
    expect(parseFlowLog(FLOW_LOG_HEADER)).toEqual([]);
  });
});
