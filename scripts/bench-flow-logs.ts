import {
  detectFloods,
  FLOW_LOG_HEADER,
  parseFlowLog,
  withoutReplies,
  type FlowRecord,
} from '../domain/traffic';
import { table } from './bench-support';

/**
 * What one flow-log scan costs the security agent per record, beside the bare pass it cannot go
 * below (one map increment per record's source). The traffic is two-way conversations, as AWS logs
 * them, from up to 200 hosts in each of `networks` /24s, and no flood: the worst case, since the
 * detector then also merges the sources into sites and looks for a few sources flooding together.
 */
export function flowLogBench(options: { records: number; networks: number; repeats: number }): string {
  const text = flowLogText(options.records, options.networks);
  const records = parseFlowLog(text);
  const stages: [string, () => unknown][] = [
    ['parse the delivery text (parseFlowLog)', () => parseFlowLog(text)],
    ['drop the replies (withoutReplies)', () => withoutReplies(records)],
    ['find floods: replies, sources, sites (detectFloods)', () => detectFloods(records)],
    ['bare pass: count records by source address', () => countBySource(records)],
  ];
  const timings = stages.map(([name, stage]) => [name, fastest(options.repeats, stage)] as const);
  const bare = timings[timings.length - 1][1];
  const rows = timings.map(([name, ms]) => [
    name,
    ms.toFixed(0),
    (records.length / ms / 1000).toFixed(2),
    (ms / bare).toFixed(1),
  ]);
  if (detectFloods(records).length > 0) throw new Error('the benchmark traffic must hold no flood');
  return [
    `flow-log scan — ${records.length} records from ${options.networks} networks, no flood, fastest of ${options.repeats}`,
    '',
    table(['stage', 'ms', 'M records/s', '× bare pass'], rows),
  ].join('\n');
}

/** The delivery text: each client's request to the fleet's server and the server's reply. */
function flowLogText(records: number, networks: number): string {
  const lines = [FLOW_LOG_HEADER];
  for (let i = 0; lines.length <= records; i++) {
    const c = i % networks;
    const client = `${11 + (c >> 16)}.${(c >> 8) & 255}.${c & 255}.${1 + (i % 200)}`;
    const ephemeral = 32768 + (i % 28000);
    const start = 1764150000 + (i % 600);
    lines.push(
      `2 123456789012 eni-medic ${client} 10.0.1.10 ${ephemeral} 443 6 4 240 ${start} ${start + 1} ACCEPT OK`,
      `2 123456789012 eni-medic 10.0.1.10 ${client} 443 ${ephemeral} 6 4 480 ${start} ${start + 1} ACCEPT OK`,
    );
  }
  return lines.join('\n');
}

function countBySource(records: readonly FlowRecord[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const r of records) counts.set(r.srcaddr, (counts.get(r.srcaddr) ?? 0) + 1);
  return counts;
}

/** The fastest of `repeats` runs, in ms: the least disturbed by the collector and other processes. */
function fastest(repeats: number, run: () => unknown): number {
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < repeats; i++) {
    const start = process.hrtime.bigint();
    run();
    best = Math.min(best, Number(process.hrtime.bigint() - start) / 1e6);
  }
  return best;
}
