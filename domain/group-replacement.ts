/**
 * An Auto Scaling group on its balancer's health checks (the fleet program's) terminates a member that
 * fails them and launches another, often while cloud-medic is still verifying its own reboot of it. The
 * instance is then gone because it was healed, not because healing failed: the incident closes resolved
 * when the group holds its desired count of healthy members without it.
 */

/** One member as Auto Scaling describes it. */
export interface GroupMember {
  instanceId: string;
  /** `InService`, `Pending`, `Terminating`, … */
  lifecycleState: string;
  /** `Healthy` or `Unhealthy`. */
  healthStatus: string;
}

export interface GroupReplacementInput {
  instanceId: string;
  /** Its EC2 state, `not-found` when EC2 no longer knows it. */
  instanceState: string;
  group: string;
  /** The group's members now; undefined when the group no longer exists. */
  members?: GroupMember[];
  desiredCapacity?: number;
}

export interface GroupReplacement {
  replaced: boolean;
  detail: string;
}

const GONE = new Set(['terminated', 'shutting-down', 'not-found']);

export function judgeGroupReplacement(input: GroupReplacementInput): GroupReplacement {
  const { instanceId, group } = input;
  if (!GONE.has(input.instanceState))
    return { replaced: false, detail: `${instanceId} is still ${input.instanceState}` };
  if (!input.members)
    return { replaced: false, detail: `${instanceId} is gone, and so is its group ${group}` };
  const desired = input.desiredCapacity ?? 0;
  const serving = input.members.filter(
    (m) => m.instanceId !== instanceId && m.lifecycleState === 'InService' && m.healthStatus === 'Healthy',
  );
  if (desired < 1 || serving.length < desired)
    return {
      replaced: false,
      detail: `${instanceId} is ${input.instanceState}, and ${group} has ${serving.length} of ${desired} desired members in service and healthy`,
    };
  return {
    replaced: true,
    // Replaced, usually; a scale-in or someone else's termination leaves the group whole the same way.
    detail: `${instanceId} is ${input.instanceState}, and its Auto Scaling group ${group} has ${serving.length} of ${desired} desired members in service and healthy without it (${serving.map((m) => m.instanceId).join(', ')})`,
  };
}
