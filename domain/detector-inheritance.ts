import type { DetectorSnapshot } from './anomaly/detector';

/**
 * A new member of an Auto Scaling group starts its detectors from a sibling's (decision 0063): a
 * replacement instance runs the same image behind the same balancer, so its group's normal is a
 * better judge of its first hours than no judge at all. Without it, a member launched a minute ago
 * is blind to an outbound surge for the warm-up (150 points), and only CPU and latency have fixed
 * thresholds behind them.
 */

/** Where an inherited detector's normal came from, kept until the member has a warm-up of its own. */
export interface Inheritance {
  /** The sibling whose detector it started from. */
  from: string;
  group: string;
  /** The detector's point count when it inherited: its own points are those after it. */
  atIndex: number;
}

/** A sibling's detector state offered to its group's newcomers. */
export interface Donor {
  instanceId: string;
  snapshot: DetectorSnapshot;
}

/**
 * Per group, the member whose detector has seen the most points, when that is more than the warm-up:
 * a sibling still warming up has no normal to give. Ties go to the lower instance id, so the choice
 * does not depend on listing order.
 */
export function donorsByGroup(
  members: readonly { instanceId: string; group?: string }[],
  snapshotOf: (instanceId: string) => DetectorSnapshot | undefined,
  warmup: number,
): Map<string, Donor> {
  const donors = new Map<string, Donor>();
  for (const { instanceId, group } of members) {
    const snapshot = group === undefined ? undefined : snapshotOf(instanceId);
    if (group === undefined || !snapshot || snapshot.index <= warmup) continue;
    const best = donors.get(group);
    const better =
      !best ||
      snapshot.index > best.snapshot.index ||
      (snapshot.index === best.snapshot.index && instanceId < best.instanceId);
    if (better) donors.set(group, { instanceId, snapshot });
  }
  return donors;
}

/**
 * The sibling's normal without the aftermath of its own alarms: no quiet period, no held learning
 * from a fault a person confirmed there, and no last value (the newcomer's first change is its own).
 */
export function inheritedSnapshot(donor: DetectorSnapshot): DetectorSnapshot {
  const copy: DetectorSnapshot = { ...donor, quietUntil: 0 };
  delete copy.quietUntilMs;
  delete copy.faultHeldUntil;
  delete copy.previous;
  return copy;
}

/** The inheritance, while the detector has fewer points of its own than the warm-up; then undefined. */
export const stillInherited = (
  inheritance: Inheritance | undefined,
  index: number,
  warmup: number,
): Inheritance | undefined => (inheritance && index - inheritance.atIndex < warmup ? inheritance : undefined);
