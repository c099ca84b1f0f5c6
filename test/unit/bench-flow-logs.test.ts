import { flowLogBench } from '../../scripts/bench-flow-logs';

describe('the flow-log scan benchmark', () => {
  test('prints one row per stage for traffic that holds no flood', () => {
    const output = flowLogBench({ records: 4000, networks: 80, repeats: 1 });
    expect(output).toMatch(/^flow-log scan — 4000 records from 80 networks, no flood, fastest of 1/);
    const rows = output.split('\n').slice(3);
    expect(rows.map((row) => /^(.+?)\s{2,}\d/.exec(row)?.[1])).toEqual([
      'parse the delivery text (parseFlowLog)',
      'drop the replies (withoutReplies)',
      'find floods: replies, sources, sites (detectFloods)',
      'bare pass: count records by source address',
    ]);
    // The bare pass is the unit the other rows are counted in.
    expect(rows[3]).toMatch(/ 1\.0$/);
  });

  test('refuses traffic that a flood would make cheaper to judge', () => {
    // One network: its 200 hosts are one site flooding (decision 0076).
    expect(() => flowLogBench({ records: 4000, networks: 1, repeats: 1 })).toThrow(/must hold no flood/);
  });
});
