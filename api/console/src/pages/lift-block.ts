import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { api, ApiFailure } from '../api';
import type { IncidentDetail } from '../types';
import { ReasonField } from './reason-field';

/**
 * Whether the incident is a flood block still in place: resolved (the deny holds) and not yet
 * lifted. The API refuses anything else (409); this only decides whether to offer the button.
 */
export function holdsBlock(incident: IncidentDetail): boolean {
  return (
    incident.kind === 'traffic-flood' &&
    incident.status === 'resolved' &&
    !(incident.report?.resolutionProcess ?? []).some((s) => s.action === 'lift-source-block')
  );
}

/** Lifts a flood block before its hour is up, saying why: `POST /incidents/:id/lift` (decision 0027). */
export function LiftBlockForm({
  incident,
  onDone,
}: {
  incident: IncidentDetail;
  onDone: (text: string) => void;
}) {
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const lift = async () => {
    setBusy(true);
    setError('');
    try {
      const lifting = await api<{ cidr: string }>(
        'POST',
        `/incidents/${encodeURIComponent(incident.id)}/lift`,
        {
          ...(reason.trim() ? { reason: reason.trim() } : {}),
        },
      );
      onDone(`Lifting the block of ${lifting.cidr}`);
    } catch (err) {
      setError(err instanceof ApiFailure ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };
  return html`<div class="card decision" data-testid="lift-block">
    <h2>Block in place</h2>
    <p>${incident.resourceId} is denied at the network ACLs until its hour is up. Lift it now if the source is not an attacker.</p>
    <${ReasonField} name="lift-reason" label="Reason (recorded in the audit log and the report)" value=${reason} onChange=${setReason} />
    ${error && html`<p class="error" role="alert">${error}</p>`}
    <div class="buttons">
      <button disabled=${busy} class="decline" onClick=${lift}>Lift the block now</button>
    </div>
  </div>`;
}
