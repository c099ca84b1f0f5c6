import { CATALOGUE } from '../domain/catalogue';
import { scoreActions, type BanditState } from '../domain/policy/bandit';
import { POLICY_ACTION, symptomsOf } from '../domain/policy/experience';
import { contextOf } from '../domain/policy/incident-simulator';
import type { PolicyAdvice } from '../domain/policy/guided-plan';
import type { Diagnosis, IncidentKind } from '../domain/incident';
import { activeVersion, type ModelStore } from './model-store';

/**
 * The active remediation policy's opinion of a plan's actions for this incident's symptoms.
 * Greedy (no exploration bonus): real infrastructure is not the place to explore. Undefined when
 * no policy has been promoted, so the runbook decides alone.
 */
export function createPolicyAdviceActivities(store: ModelStore) {
  return {
    async adviseRemediation(input: {
      kind: IncidentKind;
      diagnosis: Diagnosis;
      actions: string[];
    }): Promise<PolicyAdvice | undefined> {
      const version = await activeVersion(store, 'remediation-policy');
      if (!version) return undefined;
      const bandit = version.parameters as BanditState;
      // The plan's actions the policy has learnt, each beside its name in the policy.
      const known = [...new Set(input.actions)].flatMap((action) => {
        const learnt = POLICY_ACTION[action];
        return learnt !== undefined && bandit.actions.includes(learnt) ? [{ action, learnt }] : [];
      });
      const context = contextOf(symptomsOf(input.kind, input.diagnosis));
      const scores = scoreActions(
        bandit,
        context,
        known.map((k) => k.learnt),
        0,
      );
      return {
        version: version.version,
        scores: known.map(({ action, learnt }, i) => ({
          action,
          expected: scores[i]?.expected ?? 0,
          pulls: bandit.pulls[bandit.actions.indexOf(learnt)] ?? 0,
          destructive: CATALOGUE.find((c) => c.action === action)?.destructive ?? true,
        })),
      };
    },
  };
}
