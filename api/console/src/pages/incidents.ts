import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { follow, type StreamState } from '../api';
import type { IncidentSummary, Me } from '../types';
import { BulkDecisionBar } from './bulk-decision';
import { ALL_INCIDENT_KINDS, INCIDENT_STATUSES, MODES, SEVERITIES } from '../../../../domain/incident';
import { AGENTS } from '../../../../domain/agents';

// The API's own vocabularies (dry_run is not a status people filter on).
const FILTERS = {
  status: ['', ...INCIDENT_STATUSES.filter((s) => s !== 'dry_run')],
  severity: ['', ...SEVERITIES],
  mode: ['', ...MODES],
  agent: ['', ...AGENTS],
  // An outage's incidents share a kind: filtered to it, "every waiting" ticks just them.
  kind: ['', ...ALL_INCIDENT_KINDS],
} as const;
type Filter = Record<keyof typeof FILTERS | 'resourceId', string>;

const when = (iso: string) => new Date(iso).toLocaleString();

export function StatusBadge({ status }: { status?: string }) {
  return html`<span class=${`badge status-${status ?? 'unknown'}`}
    >${(status ?? 'unknown').replace('_', ' ')}</span
  >`;
}

export function LiveIndicator({ state, detail }: { state: StreamState; detail?: string }) {
  return html`<span class=${`live live-${state}`} data-testid="live" title=${detail ?? ''}
    >${state === 'live' ? '● live' : state === 'connecting' ? '○ connecting' : '○ reconnecting'}</span
  >`;
}

const waiting = (i: IncidentSummary) => i.status === 'awaiting_approval';

/**
 * The incident list: filters, and rows pushed by the API as incidents open, move and close. A person
 * who may decide can tick incidents that wait for a decision and decide them together (decision 0071).
 */
export function IncidentsPage({ me }: { me: Me }) {
  const [filter, setFilter] = useState<Filter>({
    status: '',
    severity: '',
    mode: '',
    agent: '',
    kind: '',
    resourceId: '',
  });
  const [incidents, setIncidents] = useState<IncidentSummary[] | undefined>(undefined);
  const [stream, setStream] = useState<{ state: StreamState; detail?: string }>({ state: 'connecting' });
  const [problem, setProblem] = useState('');
  const [ticked, setTicked] = useState<string[]>([]);
  const [bulkUsed, setBulkUsed] = useState(false);
  const canDecide = me.permissions.includes('decide');
  // Only incidents still waiting in the list stay ticked: one decided elsewhere drops out by itself.
  const selected = (incidents ?? []).filter((i) => waiting(i) && ticked.includes(i.id));
  const tick = (ids: string[], on: boolean) => {
    setBulkUsed(true);
    setTicked((now) => (on ? [...new Set([...now, ...ids])] : now.filter((id) => !ids.includes(id))));
  };
  const waitingIds = (incidents ?? []).filter(waiting).map((i) => i.id);
  useEffect(() => {
    const query = new URLSearchParams(Object.entries(filter).filter(([, v]) => v.trim() !== '')).toString();
    setIncidents(undefined);
    return follow(
      `/stream/incidents${query ? `?${query}` : ''}`,
      (event, data) => {
        if (event === 'incidents') {
          setIncidents((data as { incidents: IncidentSummary[] }).incidents);
          setProblem('');
        } else if (event === 'problem') setProblem((data as { message: string }).message);
      },
      (state, detail) => setStream({ state, detail }),
    );
  }, [JSON.stringify(filter)]);
  const select = (name: keyof typeof FILTERS) =>
    html`<label
      >${name}
      <select
        name=${name}
        value=${filter[name]}
        onChange=${(e: Event) => setFilter({ ...filter, [name]: (e.target as HTMLSelectElement).value })}
      >
        ${FILTERS[name].map((v) => html`<option value=${v}>${v === '' ? 'any' : v.replace('_', ' ')}</option>`)}
      </select></label
    >`;
  return html`<section>
    <div class="toolbar">
      <h1>Incidents</h1>
      <${LiveIndicator} ...${stream} />
    </div>
    <form class="filters" onSubmit=${(e: Event) => e.preventDefault()}>
      ${select('status')} ${select('severity')} ${select('mode')} ${select('agent')} ${select('kind')}
      <label
        >resource
        <input
          name="resourceId"
          placeholder="i-0abc…"
          value=${filter.resourceId}
          onChange=${(e: Event) => setFilter({ ...filter, resourceId: (e.target as HTMLInputElement).value })}
      /></label>
    </form>
    ${problem && html`<p class="error" role="alert">${problem}</p>`}
    ${
      canDecide &&
      bulkUsed &&
      html`<${BulkDecisionBar}
        selected=${selected}
        onDecided=${(ids: string[]) => tick(ids, false)}
      />`
    }
    ${
      incidents === undefined
        ? html`<p class="loading">Loading…</p>`
        : incidents.length === 0
          ? html`<p class="empty">No incidents match. All quiet.</p>`
          : html`<table class="incidents" data-testid="incident-table">
              <thead>
                <tr>
                  ${
                    canDecide &&
                    html`<th class="pick">
                      <input
                        type="checkbox"
                        name="pick-all"
                        aria-label="every incident waiting for a decision"
                        disabled=${waitingIds.length === 0}
                        checked=${waitingIds.length > 0 && selected.length === waitingIds.length}
                        onChange=${(e: Event) => tick(waitingIds, (e.target as HTMLInputElement).checked)}
                      />
                    </th>`
                  }
                  <th>Incident</th>
                  <th>Status</th>
                  <th>Severity</th>
                  <th>Mode</th>
                  <th>Resource</th>
                  <th>Opened</th>
                </tr>
              </thead>
              <tbody>
                ${incidents.map(
                  (i) =>
                    html`<tr key=${i.id} data-incident=${i.id}>
                      ${
                        canDecide &&
                        html`<td class="pick">
                          ${
                            waiting(i) &&
                            html`<input
                              type="checkbox"
                              name="pick"
                              aria-label=${`decide ${i.id}`}
                              checked=${ticked.includes(i.id)}
                              onChange=${(e: Event) => tick([i.id], (e.target as HTMLInputElement).checked)}
                            />`
                          }
                        </td>`
                      }
                      <td>
                        <a href=${`#/incidents/${encodeURIComponent(i.id)}`}>${i.kind ?? i.id}</a>
                        <div class="sub">${i.id}</div>
                      </td>
                      <td><${StatusBadge} status=${i.status} /></td>
                      <td><span class=${`sev sev-${i.severity ?? 'none'}`}>${i.severity ?? '–'}</span></td>
                      <td>${i.mode?.toUpperCase() ?? '–'}</td>
                      <td><code>${i.resourceId ?? '–'}</code></td>
                      <td>${when(i.openedAt)}</td>
                    </tr>`,
                )}
              </tbody>
            </table>`
    }
  </section>`;
}
