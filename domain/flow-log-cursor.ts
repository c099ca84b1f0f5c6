/**
 * Where the flood scan got to in a fleet's flow logs (decision 0062, session-25 update). AWS names a
 * delivery `…/AWSLogs/<account>/vpcflowlogs/<region>/<yyyy>/<mm>/<dd>/<account>_vpcflowlogs_<region>_<flow log>_<time>_<hash>.log.gz`,
 * so keys sort by account, region and day, then by flow log: one last key read would pass over a
 * second region's or a second flow log's later deliveries, which sort before it. The cursor keeps the
 * last key of each delivery stream (account, region and flow log), and the last plain delivery (the
 * chaos tool's layout) beside them. The monitor carries it as an opaque string.
 */
export interface FlowLogCursor {
  /** The last delivery read in the plain layout (keys named by delivery time). */
  plain?: string;
  /** Per delivery stream, the last key read. */
  streams: Record<string, string>;
}

/** The folder AWS's own layout starts with below the fleet's prefix; it sorts after every delivery-time name. */
export const AWS_LAYOUT = 'AWSLogs/';

export const isAwsLayoutKey = (key: string): boolean => key.includes(`/${AWS_LAYOUT}`);

/** `…/AWSLogs/<account>/vpcflowlogs/<region>/` and the flow log's id: one stream's deliveries sort by time. */
export function streamOf(key: string): string {
  const region = /^(.*\/AWSLogs\/[^/]+\/vpcflowlogs\/[^/]+\/)/.exec(key)?.[1] ?? key;
  const file = key.slice(key.lastIndexOf('/') + 1);
  const flowLog = /^[^_]+_vpcflowlogs_[^_]+_([^_]+)_/.exec(file)?.[1] ?? '';
  return `${region}${flowLog}`;
}

/** The region folder a stream's deliveries are under. */
export const streamFolder = (stream: string): string => stream.slice(0, stream.lastIndexOf('/') + 1);

/**
 * Reads a carried cursor: the composite form, or a single key as monitors carried it before (a plain
 * delivery, or one AWS stream's).
 */
export function parseFlowLogCursor(text: string | undefined): FlowLogCursor {
  if (!text) return { streams: {} };
  if (text.startsWith('{')) {
    const parsed = JSON.parse(text) as Partial<FlowLogCursor>;
    return { ...(parsed.plain ? { plain: parsed.plain } : {}), streams: { ...(parsed.streams ?? {}) } };
  }
  return isAwsLayoutKey(text) ? { streams: { [streamOf(text)]: text } } : { plain: text, streams: {} };
}

/** The cursor as the monitor carries it: a plain key alone stays a key, as before. */
export function formatFlowLogCursor(cursor: FlowLogCursor): string | undefined {
  if (Object.keys(cursor.streams).length === 0) return cursor.plain;
  return JSON.stringify(cursor);
}

/** The cursor after reading `key`. */
export function advanceFlowLogCursor(cursor: FlowLogCursor, key: string): FlowLogCursor {
  if (!isAwsLayoutKey(key)) return { ...cursor, plain: key };
  return { ...cursor, streams: { ...cursor.streams, [streamOf(key)]: key } };
}

/** Whether `key` is new to the cursor: after its stream's last key, or of a stream it has not seen. */
export function isUnread(cursor: FlowLogCursor, key: string): boolean {
  const last = isAwsLayoutKey(key) ? cursor.streams[streamOf(key)] : cursor.plain;
  return last === undefined || key > last;
}
