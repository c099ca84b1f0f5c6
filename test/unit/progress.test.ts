import { progressBar } from '../../cli/progress';

const capture = (isTTY: boolean) => {
  const writes: string[] = [];
  return { writes, stream: { isTTY, columns: 80, write: (t: string) => writes.push(t) > 0 } };
};

describe('CLI progress bars', () => {
  test('in a log: a line per quarter, not a frame per tick', () => {
    const { writes, stream } = capture(false);
    const bar = progressBar('scoring', 40, stream);
    for (let i = 0; i < 40; i++) bar.tick(1, `file-${i}`);
    bar.done('in 1.0 s');
    expect(writes).toHaveLength(5);
    expect(writes[0]).toBe('scoring [........................] 0/40 0%\n');
    expect(writes[2]).toMatch(/^scoring \[#{12}\.{12}\] 20\/40 50% file-19\n$/);
    expect(writes[4]).toBe('scoring [########################] 40/40 100% file-39\n');
  });

  test('on a terminal: one line redrawn in place, ended with a newline', () => {
    const { writes, stream } = capture(true);
    const bar = progressBar('fleet', 3, stream);
    bar.tick();
    bar.tick(5);
    bar.done('done');
    expect(writes.every((w) => w.startsWith('\r') || w === '\n')).toBe(true);
    expect(writes.at(-2)).toContain('3/3 100% done');
    expect(writes.at(-1)).toBe('\n');
    expect(writes.at(-2)?.length).toBe(80);
  });
});
