import {
  allHandlersFinished,
  condition,
  continueAsNew,
  defineQuery,
  defineSignal,
  log,
  patched,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { MedicActivities } from '../activities';
import {
  carriedDetectors,
  withDetectionVerdict,
  type CarriedDetector,
  type DetectorState,
  type DetectorStates,
  type Watermarks,
} from '../domain/detection';
import type { DetectionVerdict } from '../domain/anomaly/weekly-routine';
import { nextFlowLogProblem, type FlowLogProblem } from '../domain/flow-log-health';
import { stopMonitoringSignal } from './messages';
import { delegateIncident } from './delegate';

export interface FleetMonitorInput {
  fleet: string;
  intervalSeconds: number;
  /** Carried across continue-as-new so a fault is reported once, not once per history. */
  watermarks?: Watermarks;
  /** Incidents opened so far, across runs. */
  incidentsOpened?: number;
  /** Polls before continue-as-new; default 200. */
  pollsPerRun?: number;
  /** Per-instance streaming detector state, carried like the watermarks. */
  detectors?: DetectorStates;
  /** The last flow-log object read, carried so a delivery is scanned once. */
  flowLogsRead?: string;
}

/** One carried detector by its key (`<instance>` for CPU, `<instance>/LatencyP99`); null if none. */
export const detectorStateQuery = defineQuery<DetectorState | null, [string]>('detectorState');
/** What a person said about one detection (an incident the detector opened), for that detector. */
export interface DetectionVerdictInput {
  /** The detector's key: `<instance>` for CPU, `<instance>/LatencyP99`. */
  key: string;
  /** When the incident opened (ISO): at most a scan after the surprise. */
  at: string;
  verdict: DetectionVerdict;
}
export const detectionVerdictSignal = defineSignal<[DetectionVerdictInput]>('detectionVerdict');

/** Every carried detector in brief, for a list to choose one from. */
export const carriedDetectorsQuery = defineQuery<CarriedDetector[]>('carriedDetectors');

/** Flow-log deliveries the monitor could not judge floods by, until it reads ones it can; null if none. */
export const flowLogProblemQuery = defineQuery<FlowLogProblem | null>('flowLogProblem');

const detection = proxyActivities<MedicActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds' },
});

/** Keeps each run's history short; continue-as-new also happens earlier when the server suggests it. */
const POLLS_PER_RUN = 200;

/**
 * The monitoring agent: polls the fleet through activities every interval and opens (or joins)
 * an incident for each new fault it finds. Runs until told to stop.
 */
export async function fleetMonitorWorkflow(input: FleetMonitorInput): Promise<{ incidentsOpened: number }> {
  let stopping = false;
  let watermarks: Watermarks = input.watermarks ?? {};
  let incidentsOpened = input.incidentsOpened ?? 0;
  let detectors: DetectorStates | undefined = input.detectors;
  let flowLogsRead = input.flowLogsRead;
  // Not carried across continue-as-new: while the logs stay unreadable, the next delivery says so again.
  let flowLogProblem: FlowLogProblem | undefined;
  setHandler(flowLogProblemQuery, () => flowLogProblem ?? null);
  setHandler(stopMonitoringSignal, () => {
    stopping = true;
  });
  setHandler(detectorStateQuery, (key) => detectors?.[key] ?? null);
  setHandler(carriedDetectorsQuery, () => carriedDetectors(detectors));
  // Verdicts that arrive while a scan runs are applied again to the detectors it returns; applying
  // one twice changes nothing more. One for a detector the monitor does not carry changes nothing.
  let verdictsDuringScan: DetectionVerdictInput[] = [];
  const applyVerdict = ({ key, at, verdict }: DetectionVerdictInput) => {
    const state = detectors?.[key];
    const atMs = Date.parse(at);
    if (detectors && state && Number.isFinite(atMs))
      detectors = { ...detectors, [key]: withDetectionVerdict(state, atMs, verdict) };
  };
  setHandler(detectionVerdictSignal, (input) => {
    verdictsDuringScan.push(input);
    applyVerdict(input);
  });

  for (let poll = 0; poll < (input.pollsPerRun ?? POLLS_PER_RUN) && !stopping; poll++) {
    if (patched('streaming-detector')) detectors ??= {};
    verdictsDuringScan = [];
    const scan = await detection.scanFleet({
      fleet: input.fleet,
      watermarks,
      ...(detectors ? { detectors } : {}),
    });
    watermarks = scan.watermarks;
    if (scan.detectors) detectors = scan.detectors;
    verdictsDuringScan.forEach(applyVerdict);
    // The coordinator delegates each finding to the healing agent as a child workflow.
    const delegateByChild = patched('delegate-by-child');
    for (const finding of scan.findings) {
      const request = {
        resourceId: finding.resourceId,
        kind: finding.kind,
        severity: finding.severity,
        summary: finding.summary,
        source: `detector:${input.fleet}`,
        ...(finding.detectorVersion ? { detectorVersion: finding.detectorVersion } : {}),
        ...(finding.mode ? { mode: finding.mode } : {}),
      };
      const opened = delegateByChild
        ? await delegateIncident(request)
        : await detection.openIncident(request);
      if (opened.created) incidentsOpened++;
      log.info('finding', {
        fleet: input.fleet,
        ...finding,
        incidentId: opened.incidentId,
        created: opened.created,
      });
    }
    // The security agent's findings: exposed rules become its incidents (opened by the activity).
    if (patched('security-scan')) {
      const exposed = await detection.scanSecurityGroups({ fleet: input.fleet });
      incidentsOpened += exposed.opened;
    }
    // Flow logs delivered since the last scan: a flood from one source becomes its incident.
    if (patched('traffic-flood')) {
      const traffic = await detection.scanFlowLogs({
        fleet: input.fleet,
        ...(flowLogsRead ? { after: flowLogsRead } : {}),
      });
      flowLogsRead = traffic.last ?? flowLogsRead;
      // Absent from a scan by an activity from before it was reported: nothing is known then.
      if (traffic.deliveries) flowLogProblem = nextFlowLogProblem(flowLogProblem, traffic.deliveries);
      for (const flood of traffic.floods) {
        const opened = await detection.openTrafficFloodIncident({ fleet: input.fleet, flood });
        if (opened.created) incidentsOpened++;
        // A flood a person declined within the hour is held back (decision 0078): the log says why.
        log.info('flood', {
          fleet: input.fleet,
          cidr: flood.cidr,
          flows: flood.flows,
          incidentId: opened.incidentId,
          created: opened.created,
          ...(opened.held ? { heldBy: opened.held.outcome, heldUntil: opened.held.until } : {}),
        });
      }
    }
    if (workflowInfo().continueAsNewSuggested) break;
    await condition(() => stopping, `${input.intervalSeconds} seconds`);
  }
  await condition(allHandlersFinished);
  if (stopping) return { incidentsOpened };
  return continueAsNew<typeof fleetMonitorWorkflow>({
    ...input,
    watermarks,
    incidentsOpened,
    ...(detectors ? { detectors } : {}),
    ...(flowLogsRead ? { flowLogsRead } : {}),
  });
}
