import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { Client } from '@temporalio/client';
import { randomUUID } from 'node:crypto';
import { TASK_QUEUES } from '../domain/config';
import { DECISION_HOLDS, type HeldDecision } from '../domain/decision-hold';
import type { Instance } from '@aws-sdk/client-ec2';
import {
  appendAll,
  describeFlood,
  describeOutbound,
  detectFloods,
  FLOW_LOG_HEADER,
  outboundDestinations,
  type Flood,
  type FlowRecord,
} from '../domain/traffic';
import { tagValue } from './instances';
import type { FlowLogScanHealth } from '../domain/flow-log-health';
import { trustedEgressExplanation, type TrustedDestination } from '../domain/trusted-egress';
import { instanceAddresses } from './instance-addresses';
import { FLEET_TAG } from './tags';
import { trafficFloodIncidentId } from '../domain/ids';
import { incidentStartAttributes } from '../workflows/search-attributes';
import { startOrJoinIncident } from './start-or-join';
import { deliveriesAfter, flowLogPrefix } from './flow-log-deliveries';
import { advanceFlowLogCursor, formatFlowLogCursor, parseFlowLogCursor } from '../domain/flow-log-cursor';

/** How long a detected flood's source stays denied before the incident lifts it. */
const FLOOD_BLOCK_DURATION = '1h';

/** Writes flow records as one delivery object (the chaos tool's traffic flood; a test's traffic). */
export async function writeFlowLog(
  s3: S3Client,
  bucket: string,
  fleet: string,
  records: FlowRecord[],
): Promise<string> {
  const key = `${flowLogPrefix(fleet)}${new Date().toISOString()}-${randomUUID().slice(0, 8)}.log`;
  const lines = records.map(
    (r) =>
      `2 123456789012 eni-medic ${r.srcaddr} ${r.dstaddr} ${r.srcport ?? 40000 + (r.start % 20000)} ${r.dstport} 6 ${r.packets} ${r.bytes} ${r.start} ${r.start + 1} ${r.action} OK`,
  );
  await s3.send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: key,
      Body: [FLOW_LOG_HEADER, ...lines].join('\n'),
      ContentType: 'text/plain',
    }),
  );
  return key;
}

/** Where an instance sent its traffic, read for its diagnosis. */
export interface OutboundFlows {
  /** One line naming the largest destinations. */
  line: string;
  /** Why the surge needs nobody, when the flow logs show it went to trusted destinations. */
  trustedEgress?: string;
}

/**
 * Where an instance sent its traffic since `since`, from its fleet's flow logs; undefined when the
 * instance has no fleet or no address to find in them.
 */
export function outboundFlowReader(
  s3: S3Client,
  bucket: string,
  trust: { destinations: readonly TrustedDestination[]; floorBytesPerSecond: number } = {
    destinations: [],
    floorBytesPerSecond: Number.POSITIVE_INFINITY,
  },
) {
  return async (instance: Instance, since: Date): Promise<OutboundFlows | undefined> => {
    const fleet = tagValue(instance, FLEET_TAG);
    const sources = instanceAddresses(instance);
    if (!fleet || sources.length === 0) return undefined;
    const records: FlowRecord[] = [];
    // Delivery keys start with their delivery time, so the window's first key follows this one.
    // AWS's layout is listed by whole days: only the window's flows count.
    const sinceSeconds = since.getTime() / 1000;
    for await (const delivery of deliveriesAfter(s3, bucket, fleet, { since }))
      appendAll(
        records,
        delivery.records.filter((r) => r.start >= sinceSeconds),
      );
    const minutes = Math.max(1, Math.round((Date.now() - since.getTime()) / 60_000));
    const line = describeOutbound(
      sources,
      minutes,
      outboundDestinations(records, sources),
      trust.destinations,
    );
    const trustedEgress = trustedEgressExplanation(records, sources, trust.destinations, {
      minutes,
      floorBytesPerSecond: trust.floorBytesPerSecond,
    });
    return { line, ...(trustedEgress ? { trustedEgress } : {}) };
  };
}

/** The security agent's traffic watch: new flow-log objects since the last scan, floods found in them. */
export function createFlowLogActivities(s3: S3Client, bucket: string, temporal: Client) {
  async function scanFlowLogs(input: {
    fleet: string;
    /** Where the last scan got to (`FlowLogCursor`, as a string): each delivery is scanned once. */
    after?: string;
  }): Promise<{ floods: Flood[]; records: number; last?: string; deliveries: FlowLogScanHealth }> {
    const records: FlowRecord[] = [];
    const start = parseFlowLogCursor(input.after);
    let cursor = start;
    const deliveries: FlowLogScanHealth = { readable: 0, unreadable: 0 };
    for await (const delivery of deliveriesAfter(s3, bucket, input.fleet, { cursor: start })) {
      appendAll(records, delivery.records);
      cursor = advanceFlowLogCursor(cursor, delivery.key);
      if (delivery.unreadable === undefined) deliveries.readable++;
      else {
        deliveries.unreadable++;
        deliveries.newest = { key: delivery.key, reason: delivery.unreadable, at: new Date().toISOString() };
      }
    }
    const last = formatFlowLogCursor(cursor);
    return { floods: detectFloods(records), records: records.length, ...(last ? { last } : {}), deliveries };
  }

  /**
   * Opens the flood's incident, or records the sighting on the open one. AUTO for one source (a
   * narrow, timed deny); MANUAL for a site's flood, whose deny may cut off the site's ordinary users,
   * and for one of a few sources flooding together, which may as well be a service's few big clients.
   */
  async function openTrafficFloodIncident(input: {
    fleet: string;
    flood: Flood;
  }): Promise<{ incidentId: string; created: boolean; held?: HeldDecision }> {
    const { flood } = input;
    const evidence = describeFlood(flood);
    const mode = flood.sources || flood.together ? 'manual' : 'auto';
    return startOrJoinIncident(
      temporal,
      {
        workflowType: 'blockSourceWorkflow',
        workflowId: trafficFloodIncidentId(flood.cidr),
        taskQueue: TASK_QUEUES.security,
        args: [
          {
            cidr: flood.cidr,
            duration: FLOOD_BLOCK_DURATION,
            requestedBy: 'security-agent',
            reason: `traffic flood seen in ${input.fleet}'s flow logs`,
            evidence,
            fleet: input.fleet,
            mode,
          },
        ],
        searchAttributes: incidentStartAttributes({
          resourceId: flood.cidr,
          kind: 'traffic-flood',
          severity: 'high',
          mode,
        }),
        decisionHoldMs: DECISION_HOLDS.flood,
      },
      { source: 'flow-logs', summary: evidence, fleet: input.fleet },
    );
  }

  return { scanFlowLogs, openTrafficFloodIncident };
}
