/**
 * Flow-log deliveries a fleet monitor could not judge floods by (a format without the fields, Parquet):
 * the newest, and how many since its scans last read only deliveries they could judge.
 */
export interface FlowLogProblem {
  key: string;
  reason: string;
  deliveries: number;
  /** When the newest was read (ISO). */
  at: string;
}

/** What one scan's flow-log deliveries were: read, or not judgeable (the newest of those, and why). */
export interface FlowLogScanHealth {
  readable: number;
  unreadable: number;
  newest?: { key: string; reason: string; at: string };
}

/**
 * The monitor's flow-log problem after a scan: it lasts, counting, until a scan reads deliveries that
 * are all judgeable; a scan that read none changes nothing.
 */
export function nextFlowLogProblem(
  previous: FlowLogProblem | undefined,
  scan: FlowLogScanHealth,
): FlowLogProblem | undefined {
  if (scan.newest) return { ...scan.newest, deliveries: (previous?.deliveries ?? 0) + scan.unreadable };
  return scan.readable > 0 ? undefined : previous;
}
