import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { api, ApiFailure, follow, readWithRetries, type StreamState } from '../api';
import { ChartView, PALETTE } from '../charts';
import {
  TERMINAL,
  type DecisionKind,
  type DetectionAnswer,
  type Evidence,
  type IncidentDetail,
  type Me,
} from '../types';
import { LiveIndicator, StatusBadge } from './incidents';
import { detectorRoute } from './monitors';
import { detectingFleet, metricOfKind } from '../../../../domain/monitor-view';
import { likelyCauseOf } from '../../../../domain/rootcause/report';
import { ReasonField } from './reason-field';
import { holdsBlock, LiftBlockForm } from './lift-block';

const time = (iso: string) => new Date(iso).toLocaleTimeString();

/**
 * What the detector takes for usual at each point's time of day, up to two spreads above it: a dashed
 * band beside the metric, so the reader sees what the anomaly was measured against.
 */
function usualBand(evidence: Evidence) {
  const usual = evidence.usual;
  if (!usual) return [];
  const line = (label: string, value: (u: { value: number; spread: number }) => number, dash: number[]) => ({
    label,
    data: usual.map((u) => (u ? value(u) : null)),
    borderColor: PALETTE.muted,
    borderDash: dash,
    borderWidth: 1,
    pointRadius: 0,
    fill: false,
    spanGaps: false,
  });
  return [
    line('usual at this time of day', (u) => u.value, [6, 4]),
    line('usual + 2 spreads', (u) => u.value + 2 * u.spread, [2, 3]),
  ];
}

/** The metric around the alert: the sparkline an operator checks before approving anything. */
function EvidenceChart({ id, closed }: { id: string; closed: boolean }) {
  const [evidence, setEvidence] = useState<Evidence | null | undefined>(undefined);
  useEffect(() => {
    api<Evidence>('GET', `/incidents/${encodeURIComponent(id)}/evidence`).then(setEvidence, () =>
      setEvidence(null),
    );
  }, [id, closed]);
  if (evidence === undefined) return html`<p class="loading">Reading metrics…</p>`;
  if (evidence === null || evidence.points.length === 0)
    return html`<p class="empty">No metric datapoints around this incident.</p>`;
  const opened = Date.parse(evidence.openedAt);
  return html`<${ChartView}
    label=${`${evidence.metric} around the incident`}
    height=${160}
    config=${{
      type: 'line',
      data: {
        labels: evidence.points.map((p) => time(p.at)),
        datasets: [
          {
            label: `${evidence.metric} (${evidence.unit})`,
            data: evidence.points.map((p) => p.value),
            borderColor: PALETTE.line,
            backgroundColor: 'rgba(68,76,231,0.12)',
            fill: true,
            pointRadius: evidence.points.map((p) => (Math.abs(Date.parse(p.at) - opened) < 60_000 ? 5 : 0)),
            pointBackgroundColor: PALETTE.critical,
          },
          ...usualBand(evidence),
        ],
      },
      options: { plugins: { legend: { display: true } }, scales: { y: { beginAtZero: true } } },
    }}
  />`;
}

function DecisionForm({
  incident,
  onDone,
}: {
  incident: IncidentDetail;
  onDone: (note: { text: string; status: string }) => void;
}) {
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const decide = async (decision: DecisionKind) => {
    setBusy(true);
    setError('');
    try {
      const ack = await api<{ status: string }>(
        'POST',
        `/incidents/${encodeURIComponent(incident.id)}/decision`,
        {
          decision,
          ...(reason.trim() ? { reason: reason.trim() } : {}),
          ...(incident.planHash ? { planHash: incident.planHash } : {}),
        },
      );
      onDone({ text: `${decision} accepted: ${ack.status.replace('_', ' ')}`, status: ack.status });
    } catch (err) {
      setError(err instanceof ApiFailure ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };
  return html`<div class="card decision" data-testid="decision">
    <h2>Your decision</h2>
    <p>
      ${
        incident.approvalsRequired && incident.approvalsRequired > 1
          ? `This plan needs ${incident.approvalsRequired} approvers (${incident.approvals?.length ?? 0} so far).`
          : 'Nothing changes until someone decides.'
      }
    </p>
    <${ReasonField}
      name="reason"
      label="Reason (recorded in the audit log)"
      value=${reason}
      onChange=${setReason}
    />
    ${error && html`<p class="error" role="alert">${error}</p>`}
    <div class="buttons">
      <button disabled=${busy} class="approve" onClick=${() => decide('approve')}>Approve</button>
      <button disabled=${busy} class="decline" onClick=${() => decide('decline')}>Decline</button>
      <button disabled=${busy} class="manual" onClick=${() => decide('manual')}>I'll do it manually</button>
    </div>
  </div>`;
}

function FeedbackForm({ id }: { id: string }) {
  const [resolved, setResolved] = useState<boolean | undefined>(undefined);
  const [rating, setRating] = useState(5);
  const [comment, setComment] = useState('');
  const [state, setState] = useState('');
  const send = async (e: Event) => {
    e.preventDefault();
    try {
      await api('POST', `/incidents/${encodeURIComponent(id)}/feedback`, {
        resolved,
        rating,
        ...(comment.trim() ? { comment: comment.trim() } : {}),
      });
      setState('Thank you: your answer trains the remediation policy.');
    } catch (err) {
      setState((err as Error).message);
    }
  };
  if (state) return html`<p class="note" data-testid="feedback-result">${state}</p>`;
  return html`<form class="card feedback" onSubmit=${send}>
    <h2>Was your issue resolved?</h2>
    <div class="buttons">
      <label><input type="radio" name="resolved" onChange=${() => setResolved(true)} /> Yes</label>
      <label><input type="radio" name="resolved" onChange=${() => setResolved(false)} /> No</label>
      <label
        >Rating
        <select
          name="rating"
          value=${rating}
          onChange=${(e: Event) => setRating(Number((e.target as HTMLSelectElement).value))}
        >
          ${[5, 4, 3, 2, 1].map((r) => html`<option value=${r}>${r}</option>`)}
        </select></label
      >
    </div>
    <label
      >Comment
      <input
        name="comment"
        value=${comment}
        onInput=${(e: Event) => setComment((e.target as HTMLInputElement).value)}
    /></label>
    <button type="submit" disabled=${resolved === undefined}>Send</button>
  </form>`;
}

/** A kept answer, as the page says it. */
const saidLine = (r: DetectionAnswer) =>
  `${r.by} said on ${new Date(r.at).toLocaleString()} that this alarm was ${
    r.verdict === 'expected' ? 'expected' : 'a fault'
  } (${r.hourOfWeek} UTC)`;

/**
 * "Was this alarm expected at this hour?" for an incident a fleet monitor's detector opened: the
 * answer goes to that monitor (a weekly routine at once, or a fault that keeps alarming). The kept
 * answer is shown to every reader; the question, to those who may answer it (permission operate).
 */
function DetectionVerdictForm({ id, canAnswer }: { id: string; canAnswer: boolean }) {
  const [recorded, setRecorded] = useState<DetectionAnswer | undefined>(undefined);
  const [told, setTold] = useState('');
  const [error, setError] = useState('');
  const [unread, setUnread] = useState('');
  const path = `/incidents/${encodeURIComponent(id)}/detection`;
  // No answer yet, or an API started without the store (404): the question alone. A read that keeps
  // failing says so, so nobody answers again believing no one has.
  useEffect(() => {
    let current = true;
    readWithRetries(() => api<{ answer: DetectionAnswer | null }>('GET', path)).then(
      (r) => current && (setUnread(''), setRecorded(r.answer ?? undefined)),
      (err: unknown) => {
        if (!current) return;
        setRecorded(undefined);
        if (!(err instanceof ApiFailure && err.status < 500))
          setUnread(`The kept answer could not be read (${(err as Error).message}); reload to try again`);
      },
    );
    return () => {
      current = false;
    };
  }, [path, told]);
  const tell = async (expected: boolean) => {
    setError('');
    try {
      const answer = await api<{ explanation: string }>('POST', path, { expected });
      setTold(answer.explanation);
    } catch (err) {
      setError((err as Error).message);
    }
  };
  if (told) return html`<p class="note" data-testid="detection-verdict">${told}.</p>`;
  const kept =
    (recorded && html`<p class="note" data-testid="detection-verdict-recorded">${saidLine(recorded)}.</p>`) ||
    (unread && html`<p class="error" data-testid="detection-verdict-unread">${unread}.</p>`);
  if (!canAnswer) return kept || '';
  return html`<div class="detection-verdict">
    ${kept}
    <span>Was this alarm expected at this hour of the week?</span>
    <button class="link expected" onClick=${() => tell(true)}>Yes, a weekly routine: stop alarming</button>
    <button class="link fault" onClick=${() => tell(false)}>No, a fault: keep alarming</button>
    ${error && html`<p class="error" role="alert">${error}</p>`}
  </div>`;
}

/** One incident, live: plan and reasons, evidence, decision, each step as it happens, the report. */
export function IncidentPage({ id, me }: { id: string; me: Me }) {
  const [incident, setIncident] = useState<IncidentDetail | undefined>(undefined);
  const [stream, setStream] = useState<{ state: StreamState; detail?: string }>({ state: 'connecting' });
  const [note, setNote] = useState<{ text: string; status: string } | undefined>(undefined);
  useEffect(
    () =>
      follow(
        `/stream/incidents/${encodeURIComponent(id)}`,
        (event, data) => event === 'incident' && setIncident(data as IncidentDetail),
        (state, detail) => setStream({ state, detail }),
      ),
    [id],
  );
  if (!incident)
    return stream.state === 'retrying'
      ? html`<p class="error" role="alert">Cannot load ${id}: ${stream.detail}</p>`
      : html`<p class="loading">Loading ${id}…</p>`;
  const closed = TERMINAL.includes(incident.status ?? '');
  const canDecide = me.permissions.includes('decide');
  const report = incident.report;
  const fleet = detectingFleet(incident);
  const metric = metricOfKind(incident.kind);
  return html`<section class="incident">
    <div class="toolbar">
      <h1>${incident.summary ?? incident.kind}</h1>
      <${LiveIndicator} ...${stream} />
    </div>
    <p class="facts">
      <${StatusBadge} status=${incident.status} />
      <span class=${`sev sev-${incident.severity ?? 'none'}`}>${incident.severity}</span>
      <span>${incident.mode?.toUpperCase()}</span>
      <code>${incident.resourceId}</code>
      <span>${incident.kind}</span>
      <a href=${incident.webUiUrl} target="_blank" rel="noopener" data-testid="webui-link"
        >Open in Temporal Web UI ↗</a
      >
    </p>
    ${
      // "approve accepted: remediating" is stale once the incident has closed; a decline's is not.
      note &&
      !(closed && !TERMINAL.includes(note.status)) &&
      html`<p class="note" role="status">${note.text}</p>`
    }
    ${
      incident.status === 'awaiting_approval' &&
      (canDecide
        ? html`<${DecisionForm} incident=${incident} onDone=${setNote} />`
        : html`<p class="note">Waiting for an approver; your role (${me.role}) can watch but not decide.</p>`)
    }
    ${
      canDecide &&
      holdsBlock(incident) &&
      html`<${LiftBlockForm} incident=${incident} onDone=${(text: string) => setNote({ text, status: 'resolved' })} />`
    }
    <div class="columns">
      <div class="card">
        <h2>Plan</h2>
        ${
          incident.plan?.length
            ? html`<ol class="plan">
                ${incident.plan.map(
                  (s) =>
                    html`<li>
                      <strong>${s.action}</strong>
                      <div class="why">${s.reason}</div>
                    </li>`,
                )}
              </ol>`
            : html`<p class="empty">No plan yet.</p>`
        }
        <h2>Evidence</h2>
        ${
          // Metric evidence is an instance's (api/evidence.ts): a rule, a flood or a group has none to fetch.
          incident.resourceId?.startsWith('i-')
            ? html`<${EvidenceChart} id=${id} closed=${closed} />`
            : html`<p class="empty">No instance metric: the timeline and the report carry this incident's evidence.</p>`
        }
        ${
          fleet &&
          metric &&
          incident.resourceId &&
          html`<p class="why">
              <a href=${detectorRoute(fleet, incident.resourceId, metric)} data-testid="detector-link"
                >What the monitor of fleet ${fleet} takes for usual on this instance</a
              >
            </p>
            <${DetectionVerdictForm} id=${id} canAnswer=${me.permissions.includes('answer')} />`
        }
        ${
          incident.diagnosis?.findings?.length
            ? html`<ul class="findings">
                ${incident.diagnosis.findings.map((f) => html`<li>${f}</li>`)}
              </ul>`
            : ''
        }
      </div>
      <div class="card">
        <h2>Timeline</h2>
        <ol class="timeline" data-testid="timeline">
          ${(incident.timeline ?? []).map(
            (t) =>
              html`<li class=${`outcome-${t.outcome ?? 'none'}`}>
                <time>${time(t.at)}</time> <${StatusBadge} status=${t.status} /> ${t.message}
              </li>`,
          )}
        </ol>
      </div>
    </div>
    ${
      report &&
      html`<div class="card report" data-testid="report">
        <h2>Report</h2>
        <dl>
          <dt>Issue Detected</dt>
          <dd>${report.issueDetected}</dd>
          <dt>Resolution Process</dt>
          <dd>
            ${
              report.resolutionProcess.length
                ? html`<ol>
                    ${report.resolutionProcess.map((s) => html`<li>${s.action} on <code>${s.resourceId}</code>: ${s.outcome} — ${s.detail}</li>`)}
                  </ol>`
                : 'No change was made.'
            }
          </dd>
          <dt>Reason</dt>
          <dd>${report.reason}</dd>
          <dt>Action Taken</dt>
          <dd>${report.actionTaken}</dd>
          ${
            report.rootCause &&
            html`<dt>Likely root cause</dt>
              <dd data-testid="root-cause">
                ${
                  likelyCauseOf(report.rootCause) === incident.resourceId
                    ? `${incident.resourceId} itself`
                    : report.rootCause.causeOfResource
                      ? `${report.rootCause.causeOfResource}, which ${incident.resourceId} depends on`
                      : likelyCauseOf(report.rootCause)
                }
                <div class="sub">
                  ${
                    report.rootCause.independent && likelyCauseOf(report.rootCause) === incident.resourceId
                      ? `${report.rootCause.alarming.length} resources alarm together (${report.rootCause.alarming.join(', ')}); nothing they share can cause their symptoms, so each alarm is its own cause`
                      : `ranked among ${report.rootCause.alarming.length} resources alarming together: ${report.rootCause.top
                          .map((c) => `${c.resource} (${c.score.toFixed(2)})`)
                          .join(', ')}`
                  }
                </div>
              </dd>`
          }
          ${
            report.models &&
            html`<dt>Models</dt><dd>${Object.entries(report.models)
              .map(([name, version]) => `${name}: ${version}`)
              .join(', ')}</dd>`
          }
        </dl>
      </div>`
    }
    ${
      incident.infraProposal &&
      html`<div class="card" data-testid="infra-proposal">
        <h2>Infrastructure code</h2>
        <p>
          ${incident.infraProposal.summary}
          ${incident.infraProposal.branch && html` — branch <code>${incident.infraProposal.branch}</code> in <code>${incident.infraProposal.repo}</code> (${incident.infraProposal.status === 'proposed' ? 'checks passed' : incident.infraProposal.status === 'checks-failed' ? 'checks failed' : 'no change'}; not pushed: review and push it yourself)`}
        </p>
        ${incident.infraProposal.diff && html`<pre class="diff">${incident.infraProposal.diff}</pre>`}
      </div>`
    }
    ${closed && me.permissions.includes('answer') && html`<${FeedbackForm} id=${id} />`}
  </section>`;
}
