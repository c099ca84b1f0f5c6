/**
 * Planned work on instances (decision 0064): while a window covers an instance, cloud-medic neither
 * opens incidents for it nor heals it — a person patching and rebooting it must not be fought by a
 * restart — and what its metrics do meanwhile is neither judged nor learnt. Incidents already open
 * go on; a person may still open one by hand.
 */
export interface MaintenanceWindow {
  id: string;
  /** Instances it covers. */
  resources: string[];
  /** Every instance of this fleet, besides `resources`. */
  fleet?: string;
  startsAt: string;
  endsAt: string;
  reason: string;
  createdBy: string;
  createdAt: string;
  /** Set when a person ended it before its time (`endsAt` is then that moment). */
  endedBy?: string;
}

/** Where a window is kept: named by its end, so a listing from "now" returns only windows not over. */
export const MAINTENANCE_PREFIX = 'maintenance/';
export const maintenanceKey = (w: Pick<MaintenanceWindow, 'id' | 'endsAt'>): string =>
  `${MAINTENANCE_PREFIX}${w.endsAt}_${w.id}.json`;

/** The longest window: a week. Longer is not maintenance; it is tagging the instance `medic:protect`. */
export const MAX_WINDOW_MINUTES = 7 * 24 * 60;

export const isActiveAt = (w: MaintenanceWindow, nowMs: number): boolean =>
  Date.parse(w.startsAt) <= nowMs && nowMs < Date.parse(w.endsAt);

/** The active window covering an instance (by its id, or its fleet), if any. */
export function coveringWindow(
  windows: readonly MaintenanceWindow[],
  instance: { resourceId: string; fleet?: string | undefined },
  nowMs: number,
): MaintenanceWindow | undefined {
  return windows.find(
    (w) =>
      isActiveAt(w, nowMs) &&
      (w.resources.includes(instance.resourceId) || (w.fleet !== undefined && w.fleet === instance.fleet)),
  );
}

/** What a window covers, as the CLI and the console print it: "i-0abc, fleet web". */
export const windowScope = (w: Pick<MaintenanceWindow, 'resources' | 'fleet'>): string =>
  [...w.resources, ...(w.fleet ? [`fleet ${w.fleet}`] : [])].join(', ');

/** Why an alert opened nothing: the answer of the alert routes (Alertmanager, CloudWatch, a group's members). */
export const maintenanceReason = (w: MaintenanceWindow): string =>
  `under maintenance window ${w.id} until ${w.endsAt} (${w.reason}, by ${w.createdBy}): nothing is opened or healed meanwhile`;

/** A new window's times from a request: it starts now unless later, and ends after its duration. */
export function windowTimes(
  request: { startsAt?: string | undefined; durationMinutes: number },
  nowMs: number,
): { startsAt: string; endsAt: string } {
  const start = Math.max(nowMs, request.startsAt ? Date.parse(request.startsAt) : nowMs);
  return {
    startsAt: new Date(start).toISOString(),
    endsAt: new Date(start + request.durationMinutes * 60_000).toISOString(),
  };
}
