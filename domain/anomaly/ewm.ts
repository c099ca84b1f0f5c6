/** An exponentially weighted mean and variance over a horizon of points (plain mean before it). */
export class Ewm {
  mean = 0;
  variance = 0;
  count = 0;
  constructor(private readonly horizon: number) {}
  save(): [number, number, number] {
    return [this.mean, this.variance, this.count];
  }
  load([mean, variance, count]: [number, number, number]): void {
    this.mean = mean;
    this.variance = variance;
    this.count = count;
  }
  update(x: number): void {
    this.count++;
    const alpha = Math.max(1 / this.count, 1 / this.horizon);
    const delta = x - this.mean;
    this.mean += alpha * delta;
    this.variance = (1 - alpha) * (this.variance + alpha * delta * delta);
  }
  z(x: number): number {
    const sd = Math.sqrt(this.variance);
    if (sd > 1e-9 * Math.max(1, Math.abs(this.mean))) return Math.abs(x - this.mean) / sd;
    return x === this.mean || this.count < 2 ? 0 : 50;
  }
}

/** A proven season's change may vary this many times the variance that proved it (its spread doubles). */
const SEASON_DISPROOF_FACTOR = 4;

/**
 * Whether a season is (still) proven: proven while its residual varies less than `qualifying`,
 * disproven only once it varies four times that. An anomaly lasting hours inflates the spread for
 * days; without the hysteresis the season lost its proof and every ordinary daily edge after the
 * anomaly alarmed on the plain view.
 */
export function stillProven(proven: boolean, variance: number, qualifying: number): boolean {
  return variance < (proven ? SEASON_DISPROOF_FACTOR * qualifying : qualifying);
}
