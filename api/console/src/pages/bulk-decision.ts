import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { api, ApiFailure } from '../api';
import type { BulkDecisionAnswer, DecisionKind, IncidentDetail, IncidentSummary } from '../types';
import { ReasonField } from './reason-field';

/** What a person approves for one incident: the plan they were shown, bound by its hash. */
interface Shown {
  planHash?: string;
  actions: string[];
}

const VERB: Record<DecisionKind, string> = {
  approve: 'approved',
  decline: 'declined',
  manual: 'taken over by hand',
};

/** "start-instance → replace-instance", or why there is nothing to show yet. */
const planLine = (shown: Shown | undefined | Error) =>
  shown instanceof Error
    ? `plan not readable: ${shown.message}`
    : shown === undefined
      ? 'reading the plan…'
      : shown.actions.length
        ? shown.actions.join(' → ')
        : 'no plan';

/**
 * The decision for every selected incident, in one call. Each incident's plan is read and shown first,
 * and an approval carries each plan's hash: a plan that changed after it was shown is refused alone,
 * as a quorum would refuse it on the incident's own page (decision 0013).
 */
export function BulkDecisionBar({
  selected,
  onDecided,
}: {
  selected: IncidentSummary[];
  onDecided: (decidedIds: string[]) => void;
}) {
  const [shown, setShown] = useState<Record<string, Shown | Error>>({});
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const [answer, setAnswer] = useState<BulkDecisionAnswer | undefined>(undefined);
  const ids = selected.map((i) => i.id);
  useEffect(() => {
    for (const id of ids.filter((i) => shown[i] === undefined))
      api<IncidentDetail>('GET', `/incidents/${encodeURIComponent(id)}`).then(
        (detail) =>
          setShown((s) => ({
            ...s,
            [id]: { planHash: detail.planHash, actions: (detail.plan ?? []).map((p) => p.action) },
          })),
        (err: Error) => setShown((s) => ({ ...s, [id]: err })),
      );
  }, [ids.join(',')]);

  const decide = async (decision: DecisionKind) => {
    setBusy(true);
    setError('');
    try {
      const body = {
        decision,
        incidents: ids.map((id) => {
          const plan = shown[id];
          return plan && !(plan instanceof Error) && plan.planHash ? { id, planHash: plan.planHash } : { id };
        }),
        ...(reason.trim() ? { reason: reason.trim() } : {}),
      };
      const result = await api<BulkDecisionAnswer>('POST', '/incidents/decisions', body);
      setAnswer(result);
      onDecided(result.results.filter((r) => r.ok).map((r) => r.id));
    } catch (err) {
      setError(err instanceof ApiFailure ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };

  const plansRead = ids.every((id) => shown[id] !== undefined);
  if (ids.length === 0 && !answer) return null;
  return html`<div class="card decision bulk" data-testid="bulk-decision">
    ${
      ids.length > 0 &&
      html`<h2>Your decision for ${ids.length} incident${ids.length === 1 ? '' : 's'}</h2>
        <p>Each incident takes it as its own decision: one that has moved on is refused alone.</p>
        <ul class="bulk-plans">
          ${selected.map(
            (i) =>
              html`<li data-bulk=${i.id}>
                <strong>${i.kind ?? i.id}</strong> <code>${i.resourceId ?? ''}</code>:${' '}
                <span class="why">${planLine(shown[i.id])}</span>
              </li>`,
          )}
        </ul>
        <${ReasonField}
          name="bulk-reason"
          label="Reason (recorded in the audit log for each incident)"
          value=${reason}
          onChange=${setReason}
        />
        ${error && html`<p class="error" role="alert">${error}</p>`}
        <div class="buttons">
          <button disabled=${busy || !plansRead} class="approve" onClick=${() => decide('approve')}>
            Approve ${ids.length}
          </button>
          <button disabled=${busy} class="decline" onClick=${() => decide('decline')}>Decline ${ids.length}</button>
          <button disabled=${busy} class="manual" onClick=${() => decide('manual')}>
            I'll do ${ids.length === 1 ? 'it' : 'them'} manually
          </button>
        </div>`
    }
    ${answer && html`<${BulkAnswerNote} answer=${answer} />`}
  </div>`;
}

function BulkAnswerNote({ answer }: { answer: BulkDecisionAnswer }) {
  const refused = answer.results.filter(
    (r): r is Extract<BulkDecisionAnswer['results'][number], { ok: false }> => !r.ok,
  );
  return html`<div class="note" role="status" data-testid="bulk-answer">
    <p>
      ${answer.decided} ${VERB[answer.decision]}${answer.refused ? `, ${answer.refused} refused` : ''}.
    </p>
    ${
      refused.length > 0 &&
      html`<ul>
        ${refused.map((r) => html`<li data-refused=${r.id}><code>${r.id}</code>: ${r.error.message}</li>`)}
      </ul>`
    }
  </div>`;
}
