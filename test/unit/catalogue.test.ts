import type { Client } from '@temporalio/client';
import { createActivities } from '../../activities';
import { CATALOGUE } from '../../domain/catalogue';
import { REMEDIATION_ACTIONS } from '../../domain/incident';
import { WORKER_ACTIONS } from '../../domain/worker-permissions';
import { destroyAws, testAws, testConfig } from '../support/env';

describe('the action catalogue', () => {
  test('one entry per action the planners can choose', () => {
    expect(CATALOGUE.map((e) => e.action).sort()).toEqual([...REMEDIATION_ACTIONS].sort());
  });

  test("each entry's activity exists, and the worker's IAM policy grants every AWS call it lists", () => {
    const aws = testAws();
    try {
      // Building the activities calls nothing; the client is never used here.
      const activities = Object.keys(createActivities({ aws, temporal: {} as Client, config: testConfig() }));
      const granted = new Set<string>(Object.values(WORKER_ACTIONS).flat());
      for (const entry of CATALOGUE) {
        expect({ action: entry.action, activity: activities.includes(entry.activity) }).toEqual({
          action: entry.action,
          activity: true,
        });
        expect({ action: entry.action, missing: entry.awsCalls.filter((c) => !granted.has(c)) }).toEqual({
          action: entry.action,
          missing: [],
        });
      }
    } finally {
      destroyAws(aws);
    }
  });

  test('compensations name catalogue actions; only termination counts as destructive', () => {
    const actions = new Set(CATALOGUE.map((e) => e.action));
    for (const entry of CATALOGUE)
      if (typeof entry.compensation === 'string') expect(actions.has(entry.compensation)).toBe(true);
    expect(CATALOGUE.filter((e) => e.destructive).map((e) => e.action)).toEqual(['replace-instance']);
  });
});
