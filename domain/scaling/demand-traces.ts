import { normal } from '../random';

/**
 * Generated demand for training and judging the forecaster's smoothing: what a web service's load
 * looks like to an Auto Scaling group (a daily shape with its own peak hours, quieter weekends, a
 * slow trend, the occasional lasting shift in level, bursts of an hour or three, and noise). Each
 * trace draws its own character, so a smoothing is judged across kinds of demand, not one.
 */
export interface DemandTrace {
  stepSeconds: number;
  values: number[];
  /** Epoch ms of the first value, for real demand (generated traces have no date). */
  startMs?: number;
}

const DAY_SECONDS = 86_400;

export function generateDemandTraces(
  random: () => number,
  count: number,
  days: number,
  stepSeconds = 300,
): DemandTrace[] {
  return Array.from({ length: count }, () => generateDemandTrace(random, days, stepSeconds));
}

function generateDemandTrace(random: () => number, days: number, stepSeconds: number): DemandTrace {
  const perDay = Math.round(DAY_SECONDS / stepSeconds);
  const between = (low: number, high: number) => low + (high - low) * random();
  let level = between(50, 500);
  const dailySwing = between(0.2, 0.8);
  const peakHour = between(9, 20);
  const secondSwing = between(0, 0.3);
  const weekend = between(0.55, 1);
  const trendPerDay = between(-0.01, 0.02);
  const noise = between(0.02, 0.15);
  const shiftChancePerDay = between(0, 0.25);
  const burstChancePerDay = between(0, 0.3);
  const firstWeekday = Math.floor(between(0, 7));
  let burstLeft = 0;
  let burstFactor = 1;
  const values: number[] = [];
  for (let step = 0; step < days * perDay; step++) {
    const day = Math.floor(step / perDay);
    if (step % perDay === 0) {
      level *= 1 + trendPerDay;
      if (day > 0 && random() < shiftChancePerDay) level *= between(0.7, 1.4);
    }
    if (burstLeft === 0 && random() < burstChancePerDay / perDay) {
      burstLeft = Math.round(between(1, 3) * (3600 / stepSeconds));
      burstFactor = between(1.4, 2.5);
    }
    const hour = ((step % perDay) * stepSeconds) / 3600;
    const shape =
      1 +
      dailySwing * Math.cos((2 * Math.PI * (hour - peakHour)) / 24) +
      secondSwing * Math.cos((4 * Math.PI * (hour - peakHour)) / 24);
    const weekday = (firstWeekday + day) % 7;
    const week = weekday >= 5 ? weekend : 1;
    const burst = burstLeft > 0 ? burstFactor : 1;
    if (burstLeft > 0) burstLeft--;
    values.push(Math.max(0, level * shape * week * burst * (1 + noise * normal(random))));
  }
  return { stepSeconds, values };
}
