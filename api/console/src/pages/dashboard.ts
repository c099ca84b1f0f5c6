import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api';
import { ChartView, PALETTE } from '../charts';
import type { DashboardFigures, ModelOverview } from '../types';
import { formatModelFigure } from '../../../../domain/models/registry';
import { windowScope, type MaintenanceWindow } from '../../../../domain/maintenance-window';

const percent = (v: number | null) => (v === null ? '–' : `${Math.round(v * 100)} %`);
const duration = (s: number | null) =>
  s === null
    ? '–'
    : s < 120
      ? `${Math.round(s)} s`
      : s < 7200
        ? `${Math.round(s / 60)} min`
        : `${(s / 3600).toFixed(1)} h`;

function Tile({ label, value, note }: { label: string; value: string; note?: string }) {
  return html`<div class="tile" data-testid=${`tile-${label}`}>
    <div class="value">${value}</div>
    <div class="label">${label}</div>
    ${note && html`<div class="sub">${note}</div>`}
  </div>`;
}

const metricValue = (m: ModelOverview) => {
  const value = m.active?.metrics[m.metric];
  return value === undefined ? '–' : formatModelFigure(m.metric, value);
};

/** A card's data; undefined while loading, and for a role without access or an API that does not serve it (no card). */
function useOptional<T>(path: string): T | undefined {
  const [value, setValue] = useState<T | undefined>(undefined);
  useEffect(() => {
    api<T>('GET', path).then(setValue, () => setValue(undefined));
  }, [path]);
  return value;
}

/** The registry's models: which version decides now, how it scored, when and why it was promoted. */
function ModelsCard() {
  const models = useOptional<{ models: ModelOverview[] }>('/models')?.models;
  if (!models) return null;
  return html`<div class="card">
    <h2>Models</h2>
    <table class="agents" data-testid="models">
      <thead>
        <tr>
          <th>Model</th>
          <th>Active version</th>
          <th>Held-out</th>
          <th>Since</th>
        </tr>
      </thead>
      <tbody>
        ${models.map(
          (m) =>
            html`<tr
              title=${
                m.active?.reason ??
                (m.shipped
                  ? `the shipped model decides: ${m.shipped.reason}`
                  : 'no version promoted: the shipped model decides')
              }
            >
              <td>${m.model}</td>
              <td>${m.active?.version ?? 'shipped'}</td>
              <td>${m.metric} ${metricValue(m)}</td>
              <td>${m.active ? new Date(m.active.since).toLocaleString() : m.shipped ? new Date(m.shipped.since).toLocaleString() : '–'}</td>
            </tr>`,
        )}
      </tbody>
    </table>
  </div>`;
}

type ListedWindow = MaintenanceWindow & { active: boolean };

/** Planned work (decision 0064): which instances cloud-medic leaves alone, until when, and why. */
function MaintenanceCard() {
  const windows = useOptional<{ windows: ListedWindow[] }>('/maintenance')?.windows;
  if (!windows?.length) return null;
  return html`<div class="card">
    <h2>Maintenance</h2>
    <p class="sub">Alerts on these open nothing, and the monitor passes over them, until the window ends.</p>
    <table class="agents" data-testid="maintenance">
      <thead>
        <tr>
          <th>On</th>
          <th>Until</th>
          <th>Why</th>
          <th>By</th>
        </tr>
      </thead>
      <tbody>
        ${windows.map(
          (w) =>
            html`<tr title=${w.id}>
              <td>${windowScope(w)}</td>
              <td>${w.active ? '' : `from ${new Date(w.startsAt).toLocaleString()} `}${new Date(w.endsAt).toLocaleString()}</td>
              <td>${w.reason}</td>
              <td>${w.createdBy}</td>
            </tr>`,
        )}
      </tbody>
    </table>
  </div>`;
}

/** The last 24 hours at a glance; figures are recomputed by the API at most every 10 s. */
export function DashboardPage() {
  const [figures, setFigures] = useState<DashboardFigures | undefined>(undefined);
  const [error, setError] = useState('');
  useEffect(() => {
    const load = () =>
      api<DashboardFigures>('GET', '/stats').then(
        (f) => {
          setFigures(f);
          setError('');
        },
        (err: Error) => setError(err.message),
      );
    void load();
    const timer = setInterval(() => void load(), 15_000);
    return () => clearInterval(timer);
  }, []);
  if (!figures) return error ? html`<p class="error">${error}</p>` : html`<p class="loading">Loading…</p>`;
  const open = Object.values(figures.openBySeverity).reduce((a, b) => a + b, 0);
  const budget = figures.budget;
  return html`<section class="dashboard">
    <div class="toolbar">
      <h1>Dashboard</h1>
      <span class="sub"
        >last ${figures.windowHours} h · ${figures.incidents} ${figures.incidents === 1 ? 'incident' : 'incidents'}</span
      >
    </div>
    <div class="tiles">
      <${Tile} label="Open incidents" value=${String(open)} />
      <${Tile} label="MTTR" value=${duration(figures.mttrSeconds)} note="mean time to resolve" />
      <${Tile}
        label="Auto-resolution"
        value=${percent(figures.autoResolutionRate)}
        note=${`${figures.autoResolved} of ${figures.closed} closed`}
      />
      <${Tile}
        label="Budget in use"
        value=${budget ? `${budget.activeSteps} / ${budget.maxConcurrent}` : '–'}
        note=${budget ? `destructive this hour ${budget.destructiveLastHour} / ${budget.maxDestructivePerHour}` : ''}
      />
      <${Tile}
        label="Cost saved"
        value=${`$${figures.costSavedPerMonth.toFixed(2)}`}
        note=${`a month: idle instances stopped and oversized ones down-sized by the cost agent${figures.costUnpriced ? ` (+${figures.costUnpriced} unpriced)` : ''}`}
      />
    </div>
    <div class="grid">
      <div class="card">
        <h2>Open incidents by severity</h2>
        <${ChartView}
          label="open incidents by severity"
          config=${{
            type: 'bar',
            data: {
              labels: Object.keys(figures.openBySeverity),
              datasets: [
                {
                  label: 'open',
                  data: Object.values(figures.openBySeverity),
                  backgroundColor: Object.keys(figures.openBySeverity).map(
                    (s) => PALETTE[s as keyof typeof PALETTE] ?? PALETTE.muted,
                  ),
                },
              ],
            },
            options: {
              plugins: { legend: { display: false } },
              scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
            },
          }}
        />
      </div>
      <div class="card">
        <h2>How incidents ended</h2>
        <${ChartView}
          label="outcomes of closed incidents"
          config=${{
            type: 'doughnut',
            data: {
              labels: Object.keys(figures.outcomes),
              datasets: [
                {
                  data: Object.values(figures.outcomes),
                  backgroundColor: Object.keys(figures.outcomes).map((o) =>
                    o === 'resolved'
                      ? PALETTE.ok
                      : o === 'failed'
                        ? PALETTE.critical
                        : o === 'declined'
                          ? PALETTE.muted
                          : PALETTE.medium,
                  ),
                },
              ],
            },
            options: { plugins: { legend: { position: 'right' } } },
          }}
        />
      </div>
      <div class="card">
        <h2>Actions per hour</h2>
        <${ChartView}
          label="remediation actions per hour"
          config=${{
            type: 'bar',
            data: {
              labels: figures.actionsPerHour.map((b) =>
                new Date(b.hour).toLocaleTimeString([], { hour: '2-digit' }),
              ),
              datasets: [
                {
                  type: 'bar',
                  label: 'actions',
                  data: figures.actionsPerHour.map((b) => b.actions),
                  backgroundColor: PALETTE.line,
                },
                ...(budget
                  ? [
                      {
                        type: 'line',
                        label: 'destructive actions allowed per hour',
                        data: figures.actionsPerHour.map(() => budget.maxDestructivePerHour),
                        borderColor: PALETTE.critical,
                        borderDash: [6, 4],
                        pointRadius: 0,
                      },
                    ]
                  : []),
              ],
            },
            options: { scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
          }}
        />
      </div>
      <div class="card">
        <h2>Agents</h2>
        <table class="agents" data-testid="agents">
          <thead>
            <tr>
              <th>Agent</th>
              <th>Incidents</th>
              <th>Actions</th>
              <th>Success</th>
              <th>Rating</th>
            </tr>
          </thead>
          <tbody>
            ${figures.agents.map(
              (a) =>
                html`<tr>
                  <td>${a.agent}</td>
                  <td>${a.incidents}</td>
                  <td>${a.actions}</td>
                  <td>${percent(a.successRate)}</td>
                  <td>${a.meanRating === null ? '–' : `${a.meanRating.toFixed(1)} / 5 (${a.answers})`}</td>
                </tr>`,
            )}
          </tbody>
        </table>
      </div>
      <${MaintenanceCard} />
      <${ModelsCard} />
    </div>
  </section>`;
}
