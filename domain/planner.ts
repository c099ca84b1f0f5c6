import { isDemandSurge, type Diagnosis, type IncidentKind, type RemediationStep } from './incident';
import { nextInstanceSize, previousInstanceSize } from './sizing';
import { isShortOfMemory, isSwapping } from './diagnosis-signals';
import { OVERSIZED_CPU_BELOW_PERCENT } from './cost';

/** What the planner knows of the resource's recent past. */
export interface PlanHistory {
  /** Incidents of the same kind on this resource that closed within the circuit-breaker window. */
  recentSameKind?: number;
}

const START: RemediationStep = {
  action: 'start-instance',
  reason:
    'The instance is stopped although nobody asked for it; starting it restores service with its disks and address intact.',
};
const REBOOT: RemediationStep = {
  action: 'reboot-instance',
  reason:
    'An instance status check failure or runaway load usually comes from the guest OS; a reboot clears it in about a minute and keeps the host.',
};
const REQUESTED_REBOOT: RemediationStep = {
  action: 'reboot-instance',
  reason: 'A person asked for a restart; a reboot is the restart that keeps the host, disks and address.',
};
const REQUESTED_START: RemediationStep = {
  action: 'start-instance',
  reason: 'A person asked for a restart of an instance that is stopped; starting it is that restart.',
};
const RELAUNCH: RemediationStep = {
  action: 'replace-instance',
  reason:
    'A fleet member was terminated by something other than cloud-medic: a replacement is launched from its launch template with its tags, so the fleet is back to its size.',
};
const RESTORE: RemediationStep = {
  action: 'restore-from-snapshot',
  reason:
    "The instance's data is damaged: its root volume is replaced by one made from the newest completed snapshot. Writes since that snapshot are not on the new volume; the damaged volume is kept, detached, for a person to inspect.",
};
const RESTART_SLOW: RemediationStep = {
  action: 'reboot-instance',
  reason:
    'One instance answering slowly while it is up is most often a leaking or wedged process: a reboot restarts it in about a minute; if latency stays high, the instance itself is replaced.',
};
const QUARANTINE: RemediationStep = {
  action: 'quarantine-instance',
  reason:
    'A compromised instance must stop talking to anything at once and keep its evidence: a security group that allows nothing replaces its groups (the originals are recorded), and every volume is snapshotted for forensics. It is not terminated.',
};
const ISOLATE_LEAKING: RemediationStep = {
  action: 'quarantine-instance',
  reason:
    'Outbound traffic far above its usual level is how data leaves a compromised instance: isolating it (a security group that allows nothing replaces its groups, the originals recorded) stops the flow at once, and every volume is snapshotted for forensics. A detector raised it, not a finding, so a person confirms before the instance is cut off; a backup or a release that sends more than usual is declined and teaches the detector.',
};
const STOP_IDLE: RemediationStep = {
  action: 'stop-instance',
  reason:
    'Idle for the whole window (CPU and network below the thresholds): stopping it ends its compute cost and keeps its disks, so it can be started again.',
};
const STOP_START: RemediationStep = {
  action: 'stop-start-instance',
  reason:
    'A stop and start moves the instance to healthy hardware, which fixes system status check failures that a reboot cannot.',
};
const PLANNED_REBOOT: RemediationStep = {
  action: 'reboot-instance',
  reason:
    "Memory use climbs steadily toward exhaustion (a leak): a reboot now, at a moment cloud-medic chooses, resets it, instead of the kernel's OOM killer ending a process at a moment nobody chose.",
};
const RESTART_DEGRADING: RemediationStep = {
  action: 'reboot-instance',
  reason:
    'The share of failing requests climbs steadily on this instance alone: a degrading process (leaked connections, a pool running dry) is the usual cause, and a restart before the error budget burns resets it; if errors keep climbing, the instance is replaced.',
};
const EXPAND_VOLUME: RemediationStep = {
  action: 'expand-volume',
  reason:
    "The root disk's usage trend reaches full before anyone would notice: the volume grows by half online (EBS ModifyVolume, no restart, no data moved), and the instance's agent grows the filesystem into it.",
};
const RESTART_UNANSWERING: RemediationStep = {
  action: 'reboot-instance',
  reason:
    "The instance is up but serves nothing while requests wait for it (its group's other members serve them, or its balancer's targets all fail): a crashed or wedged application is the usual cause, and a reboot restarts it (and its agent) in about a minute; if it still serves nothing, the instance is replaced. When every member stopped together, a cause they share is likelier (see the root-cause line), and a person decides.",
};
const REPLACE: RemediationStep = {
  action: 'replace-instance',
  reason:
    'Last resort: launch a fresh instance from the launch template, move the tags, then terminate the broken one.',
};

/** Planner behaviours a running workflow switches on with `patched()`, so its replays plan as it did. */
export interface PlanOptions {
  /** Offer one size up to an instance short of memory (decision 0040); on unless false. */
  memoryResize?: boolean;
}

/**
 * One size up when the diagnosis shows the instance short of memory (the CloudWatch agent's
 * figures): a restart frees memory only until the work fills it again. Offered after the restart,
 * not before it: the runbook stays least disruptive first, and the learned policy, which has seen
 * what memory-starved instances need, may put it first.
 */
function resizeForMemory(diagnosis: Diagnosis, options: PlanOptions): RemediationStep[] {
  const bigger = nextInstanceSize(diagnosis.instanceType);
  if (options.memoryResize === false || !bigger || !isShortOfMemory(diagnosis)) return [];
  const memory = diagnosis.recentMaxMemory ?? 0;
  const swapping = isSwapping(diagnosis)
    ? ` and ${(diagnosis.recentMaxSwap ?? 0).toFixed(0)}% of swap in use`
    : '';
  return [
    {
      action: 'resize-instance',
      reason: `Memory peaked at ${memory.toFixed(0)}%${swapping}: the instance is short of memory for its work, so ${diagnosis.instanceType} becomes ${bigger} (stop, change type, start; disks and address kept).`,
    },
  ];
}

/**
 * The ordered remediation plan for an incident: cheapest, least disruptive step first, each with
 * the reason it was chosen. Later steps run only when verification of the earlier one fails.
 */
export function planRemediation(
  kind: IncidentKind,
  diagnosis: Diagnosis,
  history: PlanHistory = {},
  options: PlanOptions = {},
): RemediationStep[] {
  if (kind === 'instance-terminated')
    return diagnosis.exists && (diagnosis.state === 'terminated' || diagnosis.state === 'shutting-down')
      ? [RELAUNCH]
      : [];
  if (!diagnosis.exists || diagnosis.state === 'terminated' || diagnosis.state === 'shutting-down') {
    return [];
  }
  switch (kind) {
    case 'instance-stopped':
      if (diagnosis.state === 'running' && diagnosis.recentStatusCheckFailures === 0) return [];
      return [START, REPLACE];
    case 'status-check-failed':
      if (diagnosis.state === 'stopped' || diagnosis.state === 'stopping') return [START, REPLACE];
      if (diagnosis.systemStatus === 'impaired') return [STOP_START, REPLACE];
      return [REBOOT, STOP_START, REPLACE];
    case 'cpu-high': {
      if (diagnosis.state === 'stopped' || diagnosis.state === 'stopping') return [START, REPLACE];
      // Hot again soon after an earlier cpu-high was healed: the instance is starved, not stuck.
      const bigger = nextInstanceSize(diagnosis.instanceType);
      if ((history.recentSameKind ?? 0) > 0 && bigger)
        return [
          {
            action: 'resize-instance',
            reason: `CPU ran hot again after ${history.recentSameKind} cpu-high incident(s) in the last hour: the instance is starved, so ${diagnosis.instanceType} becomes ${bigger} (stop, change type, start; disks and address kept).`,
          },
          REPLACE,
        ];
      return [REBOOT, ...resizeForMemory(diagnosis, options), REPLACE];
    }
    case 'instance-oversized': {
      const smaller = previousInstanceSize(diagnosis.instanceType);
      return diagnosis.state === 'running' && smaller
        ? [
            {
              action: 'downsize-instance',
              reason: `CPU never reached ${OVERSIZED_CPU_BELOW_PERCENT}% in the whole window: ${diagnosis.instanceType} becomes ${smaller} (stop, change type, start; disks kept), which costs less and still has headroom.`,
            },
          ]
        : [];
    }
    case 'data-corrupted':
      return [RESTORE];
    case 'memory-exhaustion':
      // A leak: restarting the guest resets it before the OOM killer picks a victim at a bad moment.
      return diagnosis.state === 'running' ? [PLANNED_REBOOT] : [];
    case 'error-rate-rising':
      return diagnosis.state === 'running' ? [RESTART_DEGRADING, REPLACE] : [];
    case 'not-serving':
      return diagnosis.state === 'running' ? [RESTART_UNANSWERING, REPLACE] : [];
    case 'disk-filling':
      // Nothing has failed yet: grow the disk while the instance keeps serving.
      return diagnosis.state === 'running' || diagnosis.state === 'stopped' ? [EXPAND_VOLUME] : [];
    case 'latency-high':
      if (diagnosis.state === 'stopped' || diagnosis.state === 'stopping') return [START, REPLACE];
      // In a group, more instances share the load before this one is replaced.
      return diagnosis.autoScalingGroup
        ? [
            RESTART_SLOW,
            ...resizeForMemory(diagnosis, options),
            {
              action: 'scale-out-group',
              reason: `Still slow after a restart: ${diagnosis.autoScalingGroup} gets one more instance (within its maximum) so the load spreads, then latency is checked again.`,
            },
            REPLACE,
          ]
        : [RESTART_SLOW, ...resizeForMemory(diagnosis, options), REPLACE];
    case 'traffic-surge':
    case 'request-surge':
      // Demand or one address flooding, more instances absorb it while the cause is found (a flood is
      // blocked by the flow-log check, its own incident); capacity is the group's, within its maximum.
      return diagnosis.state === 'running' && diagnosis.autoScalingGroup
        ? [
            {
              action: 'scale-out-group',
              reason: `${kind === 'request-surge' ? 'The application serves far more requests than usual' : 'Inbound traffic is far above its usual level'}: ${diagnosis.autoScalingGroup} gets one more instance (within its maximum) to absorb it while the cause is found; if one address sends most of it, the flow-log check blocks that address as its own incident.`,
            },
          ]
        : [];
    case 'instance-compromised':
      // Isolate and keep the evidence; termination is never planned, a person decides that.
      return [QUARANTINE];
    case 'egress-surge':
      // Data may be leaving: the same isolation, on a person's word (domain/mode.ts) — unless the
      // flow logs show it went where the operator trusts (decision 0060).
      return diagnosis.state === 'running' && !diagnosis.trustedEgress ? [ISOLATE_LEAKING] : [];
    case 'instance-idle':
      // Only a running instance costs compute; anything else has nothing to save.
      return diagnosis.state === 'running' ? [STOP_IDLE] : [];
    case 'restart-requested':
      // Asked for, not detected: never escalate to replacing the instance on a person's whim.
      if (diagnosis.state === 'stopped' || diagnosis.state === 'stopping') return [REQUESTED_START];
      return [REQUESTED_REBOOT, STOP_START];
  }
}

/** Why the plan is empty, for the report of an incident that has nothing safe to do. */
export function explainEmptyPlan(kind: IncidentKind, diagnosis: Diagnosis): string {
  if (!diagnosis.exists)
    return 'Unknown resource: it does not exist in this account and region, so there is nothing to remediate.';
  if (diagnosis.state === 'terminated' || diagnosis.state === 'shutting-down') {
    return `The instance is ${diagnosis.state}; it cannot be healed in place and replacing it needs a person.`;
  }
  if (kind === 'egress-surge' && diagnosis.trustedEgress) return diagnosis.trustedEgress;
  if (isDemandSurge(kind) && diagnosis.state === 'running')
    return 'The instance is not in an Auto Scaling group, so there is no capacity cloud-medic may add: a person decides whether the traffic is welcome (a bigger instance, a load balancer) or not (a block). If one address sends most of it, the flow-log check blocks that address as its own incident.';
  return `The instance is ${diagnosis.state} and shows no sign of the ${kind} fault any more.`;
}
