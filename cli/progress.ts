export interface Progress {
  /** One more unit done (or `n`); `note` says what, shown after the bar. */
  tick(n?: number, note?: string): void;
  done(note?: string): void;
}

interface Stream {
  isTTY?: boolean;
  columns?: number;
  write(text: string): boolean;
}

const WIDTH = 24;

/**
 * A progress bar on stderr, so stdout stays clean for --json and pipes. On a terminal it redraws
 * one line; in a log (CI, a pipe) it writes a line at each quarter instead of hundreds of frames.
 */
export function progressBar(label: string, total: number, stream: Stream = process.stderr): Progress {
  let done = 0;
  let lastQuarter = -1;
  const started = Date.now();
  const render = (note = '') => {
    const share = total > 0 ? Math.min(1, done / total) : 1;
    const filled = Math.round(share * WIDTH);
    const line = `${label} [${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}] ${done}/${total} ${Math.round(share * 100)}%${note ? ` ${note}` : ''}`;
    if (stream.isTTY) {
      const width = Math.max(20, (stream.columns ?? 100) - 1);
      stream.write(`\r${line.slice(0, width).padEnd(width)}`);
    } else {
      const quarter = Math.floor(share * 4);
      if (quarter !== lastQuarter) {
        lastQuarter = quarter;
        stream.write(`${line}\n`);
      }
    }
  };
  render();
  return {
    tick(n = 1, note) {
      done = Math.min(total, done + n);
      render(note);
    },
    done(note) {
      done = total;
      render(note ?? `in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      if (stream.isTTY) stream.write('\n');
    },
  };
}

/** No bar at all (for --json and --quiet). */
export const silentProgress: Progress = { tick: () => {}, done: () => {} };
