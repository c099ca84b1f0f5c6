import { nextFlowLogProblem, type FlowLogProblem } from '../../domain/flow-log-health';
import { flowLogNote } from '../../domain/monitor-view';
import { formatRunningMonitors } from '../../cli/monitor-show';

const newest = {
  key: 'flow-logs/web/a.log',
  reason: 'its format has no bytes',
  at: '2026-11-29T10:00:00.000Z',
};

describe("a fleet monitor's flow logs that cannot be judged", () => {
  test('the problem counts unreadable deliveries until a scan reads only judgeable ones', () => {
    const first = nextFlowLogProblem(undefined, { readable: 0, unreadable: 2, newest });
    expect(first).toEqual({ ...newest, deliveries: 2 });
    // A scan with nothing delivered changes nothing.
    expect(nextFlowLogProblem(first, { readable: 0, unreadable: 0 })).toBe(first);
    // One good stream beside a broken one: still partly blind, still counting, the newest named.
    const later = { ...newest, key: 'flow-logs/web/b.log', at: '2026-11-29T10:10:00.000Z' };
    expect(nextFlowLogProblem(first, { readable: 3, unreadable: 1, newest: later })).toEqual({
      ...later,
      deliveries: 3,
    });
    // Every delivery read: the problem is gone.
    expect(nextFlowLogProblem(first, { readable: 1, unreadable: 0 })).toBeUndefined();
  });

  test('the console and the CLI say the fleet is blind to floods, with the newest delivery and why', () => {
    const flowLogProblem: FlowLogProblem = { ...newest, deliveries: 2 };
    const monitor = { fleet: 'web', runStartedAt: '2026-11-29T09:00:00.000Z', series: [], flowLogProblem };
    const note =
      'fleet web: 2 flow-log deliveries could not be judged for floods, the newest (read 2026-11-29T10:00:00.000Z, flow-logs/web/a.log) because its format has no bytes. Until its flow logs can be read, floods against it go unseen.';
    expect(flowLogNote(monitor)).toBe(note);
    expect(flowLogNote({ ...monitor, flowLogProblem: { ...flowLogProblem, deliveries: 1 } })).toMatch(
      /^fleet web: a flow-log delivery could not be judged/,
    );
    expect(formatRunningMonitors([monitor]).split('\n')).toEqual([
      'fleet web (its current run started at 2026-11-29T09:00:00.000Z); no detector yet (no datapoints read)',
      `  ${note}`,
    ]);
    expect(flowLogNote({ ...monitor, flowLogProblem: undefined })).toBeUndefined();
  });
});
