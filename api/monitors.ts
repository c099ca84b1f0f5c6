import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import {
  monitoredDetector,
  MonitorUnresponsiveError,
  noDetectorReason,
  runningMonitors,
  type MonitoredDetector,
  type MonitoredMetric,
  type RunningMonitor,
} from '../activities/monitor-reader';
import { hourOfWeek, type DetectionVerdict } from '../domain/anomaly/weekly-routine';
import { detectorKeyOf } from '../domain/detection';
import { fleetMonitorWorkflowId } from '../domain/ids';
import { detectingFleet, metricName, metricOfKind, monitoredMetricNames } from '../domain/monitor-view';
import { detectionVerdictSignal } from '../workflows/fleet-monitor';
import { timelineNoteSignal } from '../workflows/messages';
import { ApiError } from './errors';
import type { IncidentDetail } from './incident-service';

export type { MonitoredDetector, RunningMonitor };

const capitalised = (sentence: string) => sentence.charAt(0).toUpperCase() + sentence.slice(1);

/** What the monitor is told about one of its detections, and what it will do with it. */
export interface DetectionVerdictResult {
  fleet: string;
  instanceId: string;
  metric: MonitoredMetric;
  verdict: DetectionVerdict;
  /** The hour of the week (UTC) the verdict is about: "Fri 18:00". */
  hourOfWeek: string;
  explanation: string;
}

/** The running fleet monitors: read what their detectors take for usual, and tell them about a detection. */
export interface Monitors {
  list(): Promise<RunningMonitor[]>;
  detector(fleet: string, instanceId: string, metric: MonitoredMetric): Promise<MonitoredDetector>;
  /** The detector that opened this incident (409 if none did). */
  incidentDetector(incident: IncidentDetail): Promise<MonitoredDetector>;
  /** A person's word on an incident a detector opened: expected at that hour of the week, or a fault. */
  judge(incident: IncidentDetail, verdict: DetectionVerdict, by: string): Promise<DetectionVerdictResult>;
}

export function verdictExplanation(
  r: Omit<DetectionVerdictResult, 'explanation'>,
  byThreshold: boolean,
): string {
  const series = `${r.instanceId} ${metricName(r.metric)}`;
  // A weekly routine quiets the streaming detector; the fixed threshold behind it is a backstop it
  // does not silence, and saying otherwise would promise a quiet Friday that will not come.
  const backstop = byThreshold
    ? `. This alarm was the fixed threshold's (the detector had not judged it), which a routine does not silence: ${metricName(r.metric)} above it at that hour still opens an incident`
    : '';
  return r.verdict === 'expected'
    ? `${r.hourOfWeek} UTC is a weekly routine of ${series} from now on: the monitor of fleet ${r.fleet} does not alarm within an hour of it while it keeps coming back; a week without it forgets it${backstop}`
    : `The surprise at ${r.hourOfWeek} UTC counts for no weekly routine of ${series}, and its daily profile does not learn the hour from the incident's opening: the monitor of fleet ${r.fleet} alarms again if it comes back`;
}

/**
 * The fleet monitors' workflows on Temporal; a missing monitor or detector is a 404 with a sentence,
 * a monitor that does not answer a 503.
 */
export function temporalMonitors(
  client: Client,
  /** How many instances a fleet lists now, so a monitor of an empty fleet can say so. */
  fleetSize?: (fleet: string) => Promise<number>,
): Monitors {
  const detector = async (fleet: string, instanceId: string, metric: MonitoredMetric) => {
    const found = await monitoredDetector(client, fleet, instanceId, metric).catch((err: unknown) => {
      if (err instanceof WorkflowNotFoundError)
        throw new ApiError(
          'not_found',
          `No monitor for fleet ${fleet} (medic monitor start --fleet ${fleet})`,
        );
      if (err instanceof MonitorUnresponsiveError)
        throw new ApiError('unavailable', capitalised(err.message));
      throw err;
    });
    if (!found) throw new ApiError('not_found', capitalised(noDetectorReason(fleet, instanceId, metric)));
    return found;
  };
  const incidentDetector = async (incident: IncidentDetail) => {
    const fleet = detectingFleet(incident);
    const metric = metricOfKind(incident.kind);
    const instanceId = incident.resourceId;
    if (!fleet || !metric || !instanceId)
      throw new ApiError(
        'conflict',
        `Incident ${incident.id} was not opened by a fleet monitor's detector (${monitoredMetricNames()}): there is no detection to judge`,
      );
    return detector(fleet, instanceId, metric);
  };
  return {
    list: () => runningMonitors(client, fleetSize),
    detector,
    incidentDetector,
    judge: async (incident, verdict, by) => {
      const { fleet, instanceId, metric } = await incidentDetector(incident);
      await client.workflow.getHandle(fleetMonitorWorkflowId(fleet)).signal(detectionVerdictSignal, {
        key: detectorKeyOf(instanceId, metric),
        at: incident.openedAt,
        verdict,
      });
      const told = {
        fleet,
        instanceId,
        metric,
        verdict,
        hourOfWeek: hourOfWeek(Date.parse(incident.openedAt)),
      };
      // Incidents recorded before `models.detector` named only the detector's own alarms carry it always.
      const byThreshold = incident.models !== undefined && incident.models.detector === undefined;
      const result = { ...told, explanation: verdictExplanation(told, byThreshold) };
      // On the incident's timeline too, while its workflow runs (it stays for a cool-down after closing).
      const said = verdict === 'expected' ? 'expected' : 'a fault';
      await client.workflow
        .getHandle(incident.id)
        .signal(timelineNoteSignal, `${by} said this alarm was ${said}: ${result.explanation}`)
        .catch(() => undefined);
      return result;
    },
  };
}
