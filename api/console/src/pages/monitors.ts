import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { api, ApiFailure } from '../api';
import { ChartView, PALETTE } from '../charts';
import type { IncidentSummary } from '../types';
import { StatusBadge } from './incidents';
import type { ProfileView } from '../../../../domain/anomaly/usual';
import {
  describeWeekdays,
  emptyFleetNote,
  flowLogNote,
  formatterOf,
  inheritedNote,
  metricName,
  MONITORED_METRICS,
  oddDayNames,
  profileState,
  ROUTINES_NOTE,
  usualFigure,
  type MonitoredDetector,
  type MonitoredMetric,
  type RunningMonitor,
} from '../../../../domain/monitor-view';

const when = (iso: string) => new Date(iso).toLocaleString();

/** The console route of one detector: #/monitors/<fleet>/<instance>[/latency|/network|/egress|/requests]. */
export const detectorRoute = (fleet: string, instanceId: string, metric: MonitoredMetric = 'cpu') =>
  `#/monitors/${encodeURIComponent(fleet)}/${encodeURIComponent(instanceId)}${metric === 'cpu' ? '' : `/${metric}`}`;

/** Reads one API resource once: undefined while loading, the error's message if it failed. */
function useResource<T>(path: string): { data?: T; error?: string } {
  const [state, setState] = useState<{ data?: T; error?: string }>({});
  useEffect(() => {
    setState({});
    api<T>('GET', path).then(
      (data) => setState({ data }),
      (err: unknown) => setState({ error: err instanceof ApiFailure ? err.message : String(err) }),
    );
  }, [path]);
  return state;
}

/** The running fleet monitors and the series each keeps a detector for. */
export function MonitorsPage() {
  const { data, error } = useResource<{ monitors: RunningMonitor[] }>('/monitors');
  if (error) return html`<p class="error" role="alert">Cannot list the monitors: ${error}</p>`;
  if (!data) return html`<p class="loading">Asking the monitors…</p>`;
  if (data.monitors.length === 0)
    return html`<p class="empty">No fleet monitor is running (medic monitor start --fleet NAME).</p>`;
  return html`<section class="monitors" data-testid="monitors">
    <h1>Monitors</h1>
    ${data.monitors.map(
      (m) => html`<div class="card" data-fleet=${m.fleet}>
        <h2>Fleet ${m.fleet}</h2>
        <p class="why">Its current run started at ${when(m.runStartedAt)} (a monitor continues as new every 200 polls, carrying its detectors)</p>
        ${emptyFleetNote(m) ? html`<p class="error" data-testid="empty-fleet">${emptyFleetNote(m)}</p>` : ''}
        ${flowLogNote(m) ? html`<p class="error" data-testid="flow-log-problem">${flowLogNote(m)}</p>` : ''}
        ${
          m.series === null
            ? html`<p class="error">The monitor did not answer (its worker may be down).</p>`
            : m.series.length === 0
              ? html`<p class="empty">No detector yet: no datapoints read.</p>`
              : html`<table>
                  <thead>
                    <tr><th>instance</th><th>metric</th><th>points learnt</th><th>last point</th></tr>
                  </thead>
                  <tbody>
                    ${m.series.map(
                      (s) => html`<tr>
                        <td><a href=${detectorRoute(m.fleet, s.instanceId, s.metric)}><code>${s.instanceId}</code></a></td>
                        <td>${metricName(s.metric)}</td>
                        <td>${s.points}</td>
                        <td>${when(s.fedUpTo)}</td>
                      </tr>`,
                    )}
                  </tbody>
                </table>`
        }
      </div>`,
    )}
  </section>`;
}

type Figure = { value: number; spread: number } | null | undefined;

/** The day's usual values hour by hour, two spreads above them, and the odd days' beside them. */
function ProfileChart({ profile, format }: { profile: ProfileView; format: (v: number) => string }) {
  const line = (
    label: string,
    hours: Figure[],
    value: (u: { value: number; spread: number }) => number,
    style: object,
  ) => ({
    label,
    data: hours.map((u) => (u ? value(u) : null)),
    pointRadius: 0,
    fill: false,
    spanGaps: false,
    ...style,
  });
  const odd = profile.oddDays;
  return html`<${ChartView}
    label=${'usual by hour of the day'}
    height=${200}
    config=${{
      type: 'line',
      data: {
        labels: profile.hours.map((_, h) => `${String(h).padStart(2, '0')}:00`),
        datasets: [
          line('usual', profile.hours, (u) => u.value, { borderColor: PALETTE.line }),
          line('usual + 2 spreads', profile.hours, (u) => u.value + 2 * u.spread, {
            borderColor: PALETTE.muted,
            borderDash: [2, 3],
            borderWidth: 1,
          }),
          ...(odd
            ? [
                line('usual on odd days', odd.hours, (u) => u.value, {
                  borderColor: PALETTE.high,
                  borderDash: [6, 4],
                }),
              ]
            : []),
        ],
      },
      options: {
        plugins: {
          legend: { display: true },
          tooltip: { callbacks: { label: (c: { parsed: { y: number } }) => format(c.parsed.y) } },
        },
        scales: { y: { beginAtZero: true } },
      },
    }}
  />`;
}

/** The instance's latest incidents beside what was usual: why it paged, next to what it expects. */
function InstanceIncidents({ instanceId }: { instanceId: string }) {
  const { data, error } = useResource<{ incidents: IncidentSummary[] }>(
    `/incidents?resourceId=${encodeURIComponent(instanceId)}&limit=10`,
  );
  if (error) return html`<p class="error">Cannot list its incidents: ${error}</p>`;
  if (!data) return html`<p class="loading">Loading its incidents…</p>`;
  if (data.incidents.length === 0) return html`<p class="empty">No incidents on this instance.</p>`;
  return html`<ul class="instance-incidents" data-testid="instance-incidents">
    ${data.incidents.map(
      (i) => html`<li>
        <${StatusBadge} status=${i.status} />
        <a href=${`#/incidents/${encodeURIComponent(i.id)}`}>${i.kind ?? i.id}</a>
        <span class="why"> opened ${when(i.openedAt)}</span>
      </li>`,
    )}
  </ul>`;
}

/** What one fleet monitor's detector takes for usual: the console's `medic monitor show`. */
export function DetectorPage({
  fleet,
  instanceId,
  metric,
}: {
  fleet: string;
  instanceId: string;
  metric: MonitoredMetric;
}) {
  const path = `/monitors/${encodeURIComponent(fleet)}/detectors/${encodeURIComponent(instanceId)}?metric=${metric}`;
  const { data: d, error } = useResource<MonitoredDetector>(path);
  if (error) return html`<p class="error" role="alert">${error}</p>`;
  if (!d) return html`<p class="loading">Asking the monitor of fleet ${fleet}…</p>`;
  const format = formatterOf(metric);
  const figure = (u: Figure) => usualFigure(u, format);
  const profile = d.profile;
  const weekdays = profile?.weekdays ?? [];
  const odd = oddDayNames(profile);
  const others = MONITORED_METRICS.filter((m) => m !== metric);
  const seenHours = profile?.hours.filter((u) => u !== null).length ?? 0;
  return html`<section class="detector" data-testid="detector">
    <h1><code>${d.instanceId}</code> ${metricName(d.metric)}</h1>
    <p class="why">
      ${`As the monitor of fleet `}<a href="#/monitors">${d.fleet}</a>${` knows it: ${d.points} points, the last at ${when(d.fedUpTo)}. `}
      ${others.map(
        (other, i) =>
          html`${i > 0 ? ' or ' : ''}<a href=${detectorRoute(fleet, instanceId, other)}>${metricName(other)}</a>`,
      )}${' instead'}
    </p>
    <dl class="facts-list">
      <dt>Recent level</dt>
      <dd data-testid="recent">${figure(d.recent)}</dd>
      ${inheritedNote(d) && html`<dt>Judged by</dt><dd data-testid="inherited">${inheritedNote(d)}</dd>`}
      <dt>Time of day (UTC)</dt>
      <dd data-testid="profile-state">
        ${profile ? profileState(profile) : 'no daily profile (the monitor watches too many instances to carry one): judged by the recent level'}
      </dd>
      ${
        weekdays.some((w) => w.level !== null) &&
        html`<dt>Days</dt>
          <dd>${describeWeekdays(weekdays, format)}</dd>`
      }
      ${profile?.oddDays && html`<dt>Odd days (${odd.join(', ')})</dt><dd>${profileState(profile.oddDays)}</dd>`}
      ${
        !!d.weeklyRoutines?.length &&
        html`<dt>Weekly routines</dt>
          <dd>${d.weeklyRoutines.join(', ')} (${ROUTINES_NOTE})</dd>`
      }
    </dl>
    <div class="card">
      <h2>Its latest incidents</h2>
      <${InstanceIncidents} instanceId=${instanceId} />
    </div>
    ${
      profile &&
      html`<div class="card">
        <h2>Usual by hour</h2>
        ${
          seenHours === 0
            ? html`<p class="empty">No hour learnt yet: each fills as its points arrive.</p>`
            : html`<${ProfileChart} profile=${profile} format=${format} />`
        }
        <table class="hours" data-testid="hours">
          <thead>
            <tr><th>hour (UTC)</th><th>usual</th>${profile.oddDays && html`<th>on ${odd.join(', ')}</th>`}</tr>
          </thead>
          <tbody>
            ${profile.hours.map(
              (u, h) => html`<tr>
                <td>${String(h).padStart(2, '0')}:00</td>
                <td>${figure(u)}</td>
                ${profile.oddDays && html`<td>${figure(profile.oddDays.hours[h])}</td>`}
              </tr>`,
            )}
          </tbody>
        </table>
      </div>`
    }
  </section>`;
}
