import type { MetricPoint } from './detection';
import { forecastTimeToFailure } from './maintenance';
import { normal, seededRandom } from './random';

/**
 * How well the disk forecast warns before a disk fills, on simulated disks: three days of
 * one-minute usage with noise and daily log rotation; half of them start filling at a random time
 * and rate, and a third of the healthy ones have a short burst of writes that is cleaned up. The
 * detection rule runs as the live loop does: every 10 minutes, on the last hour.
 */
export interface MaintenanceFigures {
  disks: number;
  failing: number;
  /** Failing disks warned about before they were full. */
  warned: number;
  recall: number;
  /** Minutes between the first warning and the disk being full: median and 10th percentile. */
  medianLeadMinutes: number;
  p10LeadMinutes: number;
  healthy: number;
  /** Healthy disks (or failing ones before they started filling) that got a warning. */
  falseAlarmDisks: number;
  falseAlarmShare: number;
  horizonMinutes: number;
}

const DAY = 1440;
const FULL = 95;
/** Minutes of one-minute datapoints each forecast sees (the live loop's disk lookback). */
export const WINDOW = 60;

function simulateDisk(random: () => number, failing: boolean) {
  const values: number[] = [];
  const base = 20 + 40 * random();
  const creep = 0.001 + 0.004 * random();
  const fillStart = failing ? Math.floor(DAY / 2 + random() * 1.5 * DAY) : Infinity;
  const fillRate = 0.02 + 0.48 * random();
  const burstAt = !failing && random() < 1 / 3 ? Math.floor(random() * 2.5 * DAY) : Infinity;
  let level = base;
  let filled = 0;
  for (let t = 0; t < 3 * DAY; t++) {
    level += creep;
    if (t % DAY === 0 && t > 0) level = Math.max(base, level - (2 + 6 * random()));
    if (t >= fillStart) filled += fillRate;
    const burst = t >= burstAt && t < burstAt + 30 ? (t - burstAt) * 0.35 : 0;
    values.push(Math.min(100, level + filled + burst + 0.3 * normal(random)));
  }
  const fullAt = values.findIndex((v, t) => t >= fillStart && v >= FULL);
  return { values, fillStart, fullAt: fullAt < 0 ? undefined : fullAt };
}

const percentile = (sorted: number[], p: number) =>
  sorted.length ? (sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0) : 0;

export function evaluateMaintenance(
  seed: number,
  _train: number,
  disks: number,
  horizonMinutes = DAY,
): MaintenanceFigures {
  const random = seededRandom(seed);
  const start = Date.parse('2026-01-01T00:00:00Z');
  let failing = 0;
  let warned = 0;
  let falseAlarms = 0;
  const leads: number[] = [];
  for (let d = 0; d < disks; d++) {
    const isFailing = d % 2 === 0;
    const disk = simulateDisk(random, isFailing);
    if (isFailing) failing++;
    const end = disk.fullAt ?? disk.values.length;
    let firstWarning: number | undefined;
    let falseAlarm = false;
    for (let t = WINDOW; t < end; t += 10) {
      const window: MetricPoint[] = disk.values
        .slice(t - WINDOW, t)
        .map((value, i) => ({ at: new Date(start + (t - WINDOW + i) * 60_000).toISOString(), value }));
      const forecast = forecastTimeToFailure(window, FULL);
      if (!forecast || forecast.minutesToFailure > horizonMinutes) continue;
      if (t < disk.fillStart) falseAlarm = true;
      else {
        firstWarning ??= t;
        break;
      }
    }
    if (falseAlarm) falseAlarms++;
    if (isFailing && disk.fullAt !== undefined && firstWarning !== undefined) {
      warned++;
      leads.push(disk.fullAt - firstWarning);
    }
  }
  const sorted = leads.sort((a, b) => a - b);
  return {
    disks,
    failing,
    warned,
    recall: failing ? warned / failing : 0,
    medianLeadMinutes: percentile(sorted, 0.5),
    p10LeadMinutes: percentile(sorted, 0.1),
    healthy: disks - failing,
    falseAlarmDisks: falseAlarms,
    falseAlarmShare: disks ? falseAlarms / disks : 0,
    horizonMinutes,
  };
}

export function formatMaintenance(f: MaintenanceFigures): string {
  const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
  return [
    `predictive maintenance — ${f.disks} simulated disks over 3 days (${f.failing} fill up), forecast horizon ${f.horizonMinutes / 60} h`,
    '',
    `failing disks warned before full        ${f.warned} of ${f.failing} (${pct(f.recall)})`,
    `lead time, median / 10th percentile     ${f.medianLeadMinutes} / ${f.p10LeadMinutes} min`,
    `disks warned about while not filling    ${f.falseAlarmDisks} of ${f.disks} (${pct(f.falseAlarmShare)})`,
  ].join('\n');
}
