import { verdictExplanation } from '../../api/monitors';

const told = {
  fleet: 'shop',
  instanceId: 'i-0abc1234',
  metric: 'cpu' as const,
  verdict: 'expected' as const,
  hourOfWeek: 'Fri 17:00',
};

describe('what a person is told after answering "was this alarm expected?"', () => {
  test("the detector's own alarm: its monitor stops alarming at that hour", () => {
    const said = verdictExplanation(told, false);
    expect(said).toMatch(/^Fri 17:00 UTC is a weekly routine of i-0abc1234 CPU from now on/);
    expect(said).not.toContain('fixed threshold');
  });

  test("the fixed threshold's alarm: the routine is learnt, and the reply says the threshold still alarms", () => {
    expect(verdictExplanation(told, true)).toMatch(
      /weekly routine of i-0abc1234 CPU from now on: .*\. This alarm was the fixed threshold's .* still opens an incident$/,
    );
  });
});
