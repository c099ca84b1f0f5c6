import { learn, newBandit, rankActions } from '../../domain/policy/bandit';
import {
  greedy,
  offPolicyEstimate,
  logRunbookWithExploration,
  measure,
  runbook,
  symptomBayesCeiling,
  trainBandit,
  TRAINING_EXPLORATION,
} from '../../domain/policy/evaluate';
import {
  attempt,
  REMEDIATIONS,
  simulateIncident,
  type Remediation,
} from '../../domain/policy/incident-simulator';
import { reward } from '../../domain/policy/reward';
import { seededRandom } from '../../domain/random';

describe('LinUCB bandit', () => {
  test('learns which action pays in which context', () => {
    const model = newBandit(['reboot', 'scale-out'], 3);
    const a = [1, 1, 0];
    const b = [1, 0, 1];
    for (let i = 0; i < 50; i++) {
      learn(model, a, 'reboot', 1);
      learn(model, a, 'scale-out', 0);
      learn(model, b, 'reboot', -0.5);
      learn(model, b, 'scale-out', 0.8);
    }
    expect(rankActions(model, a, ['reboot', 'scale-out'])).toEqual(['reboot', 'scale-out']);
    expect(rankActions(model, b, ['reboot', 'scale-out'])).toEqual(['scale-out', 'reboot']);
    expect(model.pulls).toEqual([100, 100]);
  });

  test('explores an action it has never tried before one it knows pays little', () => {
    const model = newBandit(['known', 'untried'], 2);
    for (let i = 0; i < 30; i++) learn(model, [1, 0], 'known', 0.2);
    expect(rankActions(model, [1, 0], ['known', 'untried'], 1)[0]).toBe('untried');
    expect(rankActions(model, [1, 0], ['known', 'untried'], 0)[0]).toBe('known');
  });

  test('rejects a context of the wrong size and an unknown action', () => {
    const model = newBandit(['reboot'], 2);
    expect(() => rankActions(model, [1], ['reboot'])).toThrow(/2/);
    expect(() => learn(model, [1, 0], 'format-disk', 1)).toThrow(/unknown action/);
  });
});

describe('reward', () => {
  test('a faster verified recovery earns more; failure, compensation and unhappy users cost', () => {
    const fast = reward({ recovered: true, minutes: 3 });
    const slow = reward({ recovered: true, minutes: 30 });
    const failed = reward({ recovered: false, minutes: 5 });
    expect(fast).toBeGreaterThan(slow);
    expect(slow).toBeGreaterThan(failed);
    expect(reward({ recovered: false, minutes: 5, compensated: true })).toBeLessThan(failed);
    expect(reward({ recovered: true, minutes: 3, feedback: { resolved: false, rating: 1 } })).toBeLessThan(
      fast,
    );
    expect(reward({ recovered: true, minutes: 3, feedback: { resolved: true, rating: 5 } })).toBeGreaterThan(
      fast,
    );
  });
});

describe('learned policy on simulated incidents', () => {
  test('after 200 incidents it beats the fixed runbook and comes near the symptom ceiling', () => {
    const model = trainBandit(11, 200);
    const learned = measure('bandit', greedy(model), 99, 500);
    const fixed = measure('runbook', runbook, 99, 500);
    const ceiling = measure('ceiling', symptomBayesCeiling, 99, 500);
    expect(learned.firstActionSuccess).toBeGreaterThan(fixed.firstActionSuccess + 0.4);
    expect(learned.meanMinutesToRecover).toBeLessThan(fixed.meanMinutesToRecover);
    expect(learned.firstActionSuccess).toBeGreaterThan(ceiling.firstActionSuccess - 0.06);
    expect(learned.regretMinutes).toBeGreaterThanOrEqual(0);
  });

  test('exploring widely in simulated pre-training leaves a better greedy policy than exploring little', () => {
    const meanOver = (explore: number) => {
      const runs = [21, 22, 23, 24, 25, 26].map((seed) =>
        measure('bandit', greedy(trainBandit(seed, 200, explore)), 99, 1000),
      );
      return {
        success: runs.reduce((a, r) => a + r.firstActionSuccess, 0) / runs.length,
        minutes: runs.reduce((a, r) => a + r.meanMinutesToRecover, 0) / runs.length,
      };
    };
    const timid = meanOver(0.5);
    const bold = meanOver(TRAINING_EXPLORATION);
    expect(bold.success).toBeGreaterThan(timid.success + 0.005);
    expect(bold.minutes).toBeLessThan(timid.minutes);
  });

  test('the same seed trains the same model', () => {
    expect(trainBandit(5, 60)).toEqual(trainBandit(5, 60));
  });

  test('inverse propensity scoring, plain and self-normalised, estimates a policy from logs of another one', () => {
    const logs = logRunbookWithExploration(3, 20_000, 0.5);
    const estimate = offPolicyEstimate(logs, () => 'stop-start');
    const random = seededRandom(4);
    let recovered = 0;
    for (let i = 0; i < 20_000; i++)
      if (attempt(simulateIncident(random), 'stop-start', random).recovered) recovered++;
    expect(Math.abs(estimate.inversePropensity - recovered / 20_000)).toBeLessThan(0.05);
    expect(Math.abs(estimate.selfNormalised - recovered / 20_000)).toBeLessThan(0.05);
    // An action the runbook never leads with is logged only when exploring, all with one weight: the
    // estimate is worth the 20 000 × ε / K incidents where it was tried.
    const tried = 20_000 * (0.5 / REMEDIATIONS.length);
    expect(estimate.effectiveIncidents).toBeGreaterThan(0.9 * tried);
    expect(estimate.effectiveIncidents).toBeLessThan(1.1 * tried);
  });

  test('self-normalised is the steadier estimate when the candidate picks what the runbook rarely tried', () => {
    const model = trainBandit(1, 200);
    const candidate = (context: number[]) => rankActions(model, context, [...REMEDIATIONS])[0] as Remediation;
    const estimates = [11, 12, 13, 14, 15, 16].map((seed) =>
      offPolicyEstimate(logRunbookWithExploration(seed, 3000, 0.3), candidate),
    );
    const spread = (xs: number[]) => Math.max(...xs) - Math.min(...xs);
    expect(spread(estimates.map((e) => e.selfNormalised))).toBeLessThan(
      spread(estimates.map((e) => e.inversePropensity)) / 2,
    );
    // Weights on the agreements alone: identical weights give exactly the share recovered among them.
    const logged = [
      { context: [1], action: 'reboot' as const, propensity: 0.5, recovered: true },
      { context: [1], action: 'reboot' as const, propensity: 0.5, recovered: false },
      { context: [1], action: 'replace' as const, propensity: 0.5, recovered: true },
    ];
    expect(offPolicyEstimate(logged, () => 'reboot')).toEqual({
      inversePropensity: 2 / 3,
      selfNormalised: 0.5,
      effectiveIncidents: 2,
      agreed: 2,
    });
    expect(offPolicyEstimate([], () => 'reboot')).toEqual({
      inversePropensity: 0,
      selfNormalised: 0,
      effectiveIncidents: 0,
      agreed: 0,
    });
  });
});
