/**
 * The scaling agent's rule: target tracking on a group's average CPU, with min/max bounds and a
 * cool-down after every change. Scale out at once when above target; scale in only when well below
 * (90 % of target) so the group does not flap around the target.
 */
export interface ReactiveScalingPolicy {
  targetCpuPercent: number;
  minSize: number;
  maxSize: number;
  cooldownSeconds: number;
}

export interface ScalingDecision {
  desired: number;
  reason: string;
}

export function decideCapacity(
  current: number,
  averageCpu: number,
  policy: ReactiveScalingPolicy,
  secondsSinceLastChange: number,
): ScalingDecision {
  const bounded = (n: number) => Math.min(policy.maxSize, Math.max(policy.minSize, n));
  if (current < policy.minSize || current > policy.maxSize)
    return {
      desired: bounded(current),
      reason: `capacity ${current} is outside ${policy.minSize}-${policy.maxSize}`,
    };
  if (secondsSinceLastChange < policy.cooldownSeconds)
    return {
      desired: current,
      reason: `cooling down (${Math.round(secondsSinceLastChange)}s of ${policy.cooldownSeconds}s)`,
    };
  const needed = Math.max(1, Math.ceil((current * averageCpu) / policy.targetCpuPercent));
  if (averageCpu > policy.targetCpuPercent && needed > current)
    return {
      desired: bounded(needed),
      reason: `CPU ${averageCpu.toFixed(1)}% above target ${policy.targetCpuPercent}%`,
    };
  if (averageCpu < 0.9 * policy.targetCpuPercent && needed < current)
    return {
      desired: bounded(needed),
      reason: `CPU ${averageCpu.toFixed(1)}% well below target ${policy.targetCpuPercent}%`,
    };
  return {
    desired: current,
    reason: `CPU ${averageCpu.toFixed(1)}% near target ${policy.targetCpuPercent}%`,
  };
}
