import type { FlowRecord } from './traffic';

/** The default format's fields (version 2), as the header line of a delivery in that format names them. */
export const FLOW_LOG_HEADER =
  'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status';

/** The fields a record cannot be judged without; any format that has them is read. */
const REQUIRED_FIELDS = ['srcaddr', 'dstaddr', 'dstport', 'packets', 'bytes', 'start', 'action'] as const;

/** Where the fields cloud-medic reads sit in a delivery's lines, by the field names of its header. */
interface FlowLogLayout {
  required: Record<(typeof REQUIRED_FIELDS)[number], number>;
  srcport?: number;
  /** Without it (a custom format may leave it out) a line is judged by its own fields. */
  logStatus?: number;
  version?: number;
  /** Fields a record line has. */
  width: number;
}

/** A header line: field names only (a record always holds an address, a number or a `-`). */
const isHeader = (line: string) => /^[a-z][a-z0-9-]*( [a-z][a-z0-9-]*)*$/.test(line.trim());

/** The layout a header names, or the required fields it lacks. */
export function layoutOf(header: string): FlowLogLayout | { missing: string[] } {
  const names = header.trim().split(/\s+/);
  const at = (name: string) => (names.includes(name) ? names.indexOf(name) : undefined);
  const missing = REQUIRED_FIELDS.filter((name) => at(name) === undefined);
  if (missing.length > 0) return { missing };
  const required = Object.fromEntries(REQUIRED_FIELDS.map((name) => [name, at(name) ?? 0])) as Record<
    (typeof REQUIRED_FIELDS)[number],
    number
  >;
  const optional = { srcport: at('srcport'), logStatus: at('log-status'), version: at('version') };
  return {
    required,
    ...Object.fromEntries(Object.entries(optional).filter(([, index]) => index !== undefined)),
    width: names.length,
  };
}

const DEFAULT_LAYOUT = layoutOf(FLOW_LOG_HEADER) as FlowLogLayout;

/**
 * A delivery's records, in the format its header line names (the default format, version 2, when it
 * has none), or why none can be read: a custom format without a field a flood is judged by. NODATA and
 * SKIPDATA lines, and lines that do not fit the format, are skipped.
 */
export function readFlowLog(text: string): { records: FlowRecord[]; unreadable?: string } {
  const lines = text.split('\n');
  const first = lines.find((line) => line.trim() !== '') ?? '';
  const layout = isHeader(first) ? layoutOf(first) : DEFAULT_LAYOUT;
  if ('missing' in layout)
    return {
      records: [],
      unreadable: `its format has no ${layout.missing.join(', ')} (header: "${first.trim()}")`,
    };
  const records: FlowRecord[] = [];
  for (const line of lines) {
    const record = recordOf(fields(line, layout), layout);
    if (record) records.push(record);
  }
  return { records };
}

/** The records of a delivery's text; see `readFlowLog`. */
export const parseFlowLog = (text: string): FlowRecord[] => readFlowLog(text).records;

function recordOf(f: string[], layout: FlowLogLayout): FlowRecord | undefined {
  if (f.length < layout.width) return undefined;
  if (layout.logStatus !== undefined && f[layout.logStatus] !== 'OK') return undefined;
  if (layout.version !== undefined && !/^\d+$/.test(f[layout.version])) return undefined;
  const at = layout.required;
  const record: FlowRecord = {
    srcaddr: f[at.srcaddr],
    dstaddr: f[at.dstaddr],
    dstport: Number(f[at.dstport]),
    packets: Number(f[at.packets]),
    bytes: Number(f[at.bytes]),
    start: Number(f[at.start]),
    action: f[at.action],
  };
  if (layout.srcport !== undefined) record.srcport = Number(f[layout.srcport]);
  const { srcport = 0, dstport, packets, bytes, start } = record;
  // A `-` (no data for the field) is not a number, so such a line is no record.
  return Number.isFinite(srcport + dstport + packets + bytes + start) ? record : undefined;
}

/**
 * A line's fields. AWS separates them by one space, so a plain split reads almost every line; one
 * that does not fit the format that way (a carriage return, a doubled space) takes the careful one.
 */
function fields(line: string, layout: FlowLogLayout): string[] {
  const plain = line.split(' ');
  const fits =
    plain.length === layout.width &&
    (layout.logStatus === undefined || plain[layout.logStatus] === 'OK') &&
    plain[0] !== '' &&
    !line.endsWith('\r');
  return fits ? plain : line.trim().split(/\s+/);
}
