import { main } from '../../cli/main';
import type { LiveScenarioFigures } from '../../domain/anomaly/live-scenarios';
import { consoleOutput } from '../support/console-output';

describe('medic eval live: the detection loop on habits real services have', () => {
  const output = consoleOutput();

  test('after two weeks the working week raises nothing, and injected faults are found at their first minute', async () => {
    expect(await main(['eval', 'live', '--json', '--days', '28'])).toBe(0);
    const figures = JSON.parse(output[0] ?? '{}') as LiveScenarioFigures;
    const after = (name: string) => figures.scenarios.find((s) => s.scenario === name)?.risesAfterTwoWeeks;
    expect(after('weekdays only')).toBe(0);
    expect(after('a Wednesday holiday in week 3')).toBe(0);
    expect(after('Fridays end at 13:00')).toBe(0);
    expect(after('a daily 18:00 step, weekends 30 % busier')).toBe(0);
    expect(after('clock change: an hour earlier in UTC from day 21')).toBe(0);
    expect(after('busy only at weekends')).toBe(0);
    expect(after('weekdays, a 02:00-03:00 backup at 85 % on weekends')).toBe(0);
    expect(after('weekdays, a Monday 03:00-04:00 job at 85 %')).toBe(0);
    expect(after('weekdays, a Friday 18:00-19:00 report at 90 %')).toBe(0);
    // A person's word (decision 0051): "expected" spares the report's second alarm; "fault" keeps a
    // weekly fault alarming every Friday (four in 28 days) where, unanswered, its third was a routine.
    const rises = (name: string) => figures.scenarios.find((s) => s.scenario === name)?.rises ?? NaN;
    expect(rises('Friday 18:00 report, its alarms answered "expected"')).toBe(
      rises('weekdays, a Friday 18:00-19:00 report at 90 %') - 1,
    );
    expect(after('a fault every Friday 14:00-15:00 at 95 %, unanswered')).toBe(0);
    expect(rises('the same fault, its alarms answered "fault"')).toBe(
      rises('a fault every Friday 14:00-15:00 at 95 %, unanswered') + 2,
    );
    expect(after('the same fault, its alarms answered "fault"')).toBe(2);
    expect(figures.injected).toEqual({ faults: 3, foundAtFirstMinute: 3 });
    expect(figures.startTimes.risesAfterTwoWeeks).toBe(0);
  });

  test('a bad --days is a usage error naming the flag', async () => {
    expect(await main(['eval', 'live', '--days', '0'])).toBe(2);
    expect(output.join('\n')).toContain('--days');
  });
});
