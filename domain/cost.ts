import type { MetricPoint } from './detection';

/**
 * On-demand Linux prices in us-east-1 (USD per hour, AWS price list, 2026) for the types a fleet
 * commonly runs; an unknown type has no estimate rather than a guessed one.
 */
export const HOURLY_PRICE_USD: Record<string, number> = {
  't3.nano': 0.0052,
  't3.micro': 0.0104,
  't3.small': 0.0208,
  't3.medium': 0.0416,
  't3.large': 0.0832,
  't3.xlarge': 0.1664,
  'm5.large': 0.096,
  'm5.xlarge': 0.192,
  'm5.2xlarge': 0.384,
  'c5.large': 0.085,
  'c5.xlarge': 0.17,
  'r5.large': 0.126,
};

const HOURS_PER_MONTH = 730;

/** What running `to` instead of `from` saves a month, when both prices are known. */
export function downsizeSaving(from: string | undefined, to: string | undefined): number | undefined {
  const before = monthlySaving(from);
  const after = monthlySaving(to);
  return before === undefined || after === undefined ? undefined : Math.round((before - after) * 100) / 100;
}

/** Busy enough not to be idle, yet never above this CPU in the window: one size smaller would do. */
export const OVERSIZED_CPU_BELOW_PERCENT = 20;

/** What a stopped instance of this type saves a month, or undefined when its price is not known. */
export function monthlySaving(instanceType: string | undefined): number | undefined {
  const hourly = instanceType ? HOURLY_PRICE_USD[instanceType] : undefined;
  return hourly === undefined ? undefined : Math.round(hourly * HOURS_PER_MONTH * 100) / 100;
}

export interface IdleThresholds {
  /** Every period's average CPU must be below this. */
  cpuBelowPercent: number;
  /** Every period's NetworkIn + NetworkOut must be below this many bytes. */
  networkBelowBytes: number;
  /** Share of the window's periods that must have a CPU datapoint: no data is not idleness. */
  minCoverage: number;
}

export const DEFAULT_IDLE_THRESHOLDS: IdleThresholds = {
  cpuBelowPercent: 5,
  networkBelowBytes: 5 * 1024 * 1024,
  minCoverage: 0.8,
};

export interface IdleVerdict {
  idle: boolean;
  reason: string;
  peakCpu?: number;
  peakNetworkBytes?: number;
}

/**
 * Idle means quiet for the whole window, not on average: one busy period (a nightly job) is
 * enough to keep an instance. Missing data never counts as quiet.
 */
export function idleVerdict(
  cpu: MetricPoint[],
  network: MetricPoint[],
  expectedPeriods: number,
  thresholds: IdleThresholds = DEFAULT_IDLE_THRESHOLDS,
): IdleVerdict {
  if (expectedPeriods <= 0 || cpu.length < thresholds.minCoverage * expectedPeriods)
    return { idle: false, reason: `CPU data covers ${cpu.length} of ${expectedPeriods} periods` };
  if (network.length === 0) return { idle: false, reason: 'no network data' };
  const peakCpu = Math.max(...cpu.map((p) => p.value));
  const peakNetworkBytes = Math.max(...network.map((p) => p.value));
  if (peakCpu >= thresholds.cpuBelowPercent)
    return { idle: false, reason: `CPU peaked at ${peakCpu.toFixed(1)}%`, peakCpu, peakNetworkBytes };
  if (peakNetworkBytes >= thresholds.networkBelowBytes)
    return {
      idle: false,
      reason: `network peaked at ${peakNetworkBytes} bytes per period`,
      peakCpu,
      peakNetworkBytes,
    };
  return {
    idle: true,
    reason: `CPU at most ${peakCpu.toFixed(1)}% and network at most ${peakNetworkBytes} bytes per period`,
    peakCpu,
    peakNetworkBytes,
  };
}
