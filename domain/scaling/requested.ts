/** A capacity change a person asked for: an absolute size or a step up or down. */
export type CapacityChange = { to: number } | { by: number };

export interface RequestedCapacity {
  desired: number;
  /** Set when the request was cut to the group's bounds: what the person should be told. */
  clamped?: string;
}

/** The size to set, kept within the group's min and max: a request never leaves the group's own bounds. */
export function requestedCapacity(
  group: { name: string; desired: number; minSize: number; maxSize: number },
  change: CapacityChange,
): RequestedCapacity {
  const wanted = 'to' in change ? change.to : group.desired + change.by;
  const desired = Math.min(group.maxSize, Math.max(group.minSize, Math.round(wanted)));
  return desired === wanted
    ? { desired }
    : {
        desired,
        clamped: `${group.name} allows ${group.minSize} to ${group.maxSize} instances, so ${wanted} became ${desired}; change its bounds to go further.`,
      };
}
