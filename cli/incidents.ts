import type { DetectionAnswer } from '../domain/detection-verdict';
import { describeAgentRating, type AgentRating } from '../domain/agents';
import type { MedicConfig } from '../domain/config';
import type { IncidentReport, TimelineEntry } from '../domain/incident';
import { detectingFleet, metricOfKind } from '../domain/monitor-view';
import { createApiClient, type ApiClient } from './api-client';
import { ConflictError, intFlag, parseFlags, requireFlag, UsageError } from './args';

/** Exit codes of `medic incidents`: scripts can tell "not found" and "not awaiting" apart. */
export const EXIT = { ok: 0, failure: 1, usage: 2, notFound: 3, conflict: 4 } as const;

interface IncidentRow {
  id: string;
  status?: string;
  mode?: string;
  severity?: string;
  kind?: string;
  resourceId?: string;
  openedAt: string;
  webUiUrl: string;
  timeline?: TimelineEntry[];
  report?: IncidentReport;
  alerts?: { source: string }[];
}

/** POST /incidents/decisions' answer: each incident's part (decision 0071). */
interface BulkOutcome {
  decided: number;
  refused: number;
  results: (
    { id: string; ok: true; status: string } | { id: string; ok: false; error: { message: string } }
  )[];
}

const bulkLines = (sub: string, outcome: BulkOutcome) =>
  outcome.results
    .map((r) => (r.ok ? `${r.id}: ${sub} accepted, now ${r.status}` : `${r.id}: refused: ${r.error.message}`))
    .join('\n');

/** The kept answer to "was this alarm expected?" (GET /incidents/:id/detection), as one line. */
const answerLine = (id: string, a: DetectionAnswer | null) =>
  a
    ? `Was this alarm expected? ${a.by} said ${a.verdict === 'expected' ? 'yes' : 'no, a fault'} at ${a.at} (${a.hourOfWeek} UTC)`
    : `Was this alarm expected? No one has answered (medic incidents expected|fault --id ${id})`;

/** `--resolved yes|no` (true/false too). */
function yesOrNo(text: string): boolean {
  const t = text.trim().toLowerCase();
  if (['yes', 'y', 'true'].includes(t)) return true;
  if (['no', 'n', 'false'].includes(t)) return false;
  throw new UsageError(`--resolved must be yes or no, got "${text}"`);
}

/** One incident a line, each column as wide as its widest value so the header stands over it. */
function table(rows: IncidentRow[]): string {
  const cells = [
    ['ID', 'STATUS', 'MODE', 'SEVERITY', 'OPENED'],
    ...rows.map((r) => [r.id, r.status ?? '', r.mode ?? '', r.severity ?? '', r.openedAt ?? '']),
  ];
  const widths = (cells[0] ?? []).map((_, c) => Math.max(...cells.map((row) => (row[c] ?? '').length)));
  return cells
    .map((row) =>
      row
        .map((cell, c) => (c === row.length - 1 ? cell : cell.padEnd(widths[c] ?? 0)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

function describeIncident(i: IncidentRow): string {
  const lines = [
    `${i.id}  ${i.status ?? ''}  ${i.mode ?? ''}  ${i.severity ?? ''}`,
    `Web UI: ${i.webUiUrl}`,
    '',
    'Timeline:',
  ];
  for (const t of i.timeline ?? []) lines.push(`  ${t.at}  [${t.status}] ${t.message}`);
  if (i.report) {
    lines.push(
      '',
      `Issue Detected: ${i.report.issueDetected}`,
      `Reason: ${i.report.reason}`,
      `Action Taken: ${i.report.actionTaken}`,
      `Outcome: ${i.report.outcome}`,
    );
  }
  return lines.join('\n');
}

export async function incidentsCommand(
  sub: string | undefined,
  args: string[],
  config: MedicConfig,
): Promise<void> {
  // Made on first use, so a usage error is reported before a missing token is.
  let client: ApiClient | undefined;
  const api = () => (client ??= createApiClient(config));
  if (sub === 'list') {
    const flags = parseFlags(args, {
      status: { type: 'string' },
      resource: { type: 'string' },
      mode: { type: 'string' },
      json: { type: 'boolean' },
    });
    const query = new URLSearchParams();
    if (flags.status) query.set('status', flags.status);
    if (flags.resource) query.set('resourceId', flags.resource);
    if (flags.mode) query.set('mode', flags.mode);
    const { incidents } = await api().request<{ incidents: IncidentRow[] }>(
      'GET',
      `/incidents?${query.toString()}`,
    );
    console.log(flags.json ? JSON.stringify(incidents) : table(incidents));
    return;
  }
  if (sub === 'show') {
    const flags = parseFlags(args, { id: { type: 'string' }, json: { type: 'boolean' } });
    const id = requireFlag(flags.id, 'id');
    const incident = await api().request<IncidentRow>('GET', `/incidents/${encodeURIComponent(id)}`);
    // Only a detector's incident has the question; an API without the answer store leaves it out.
    const answer =
      detectingFleet(incident) && metricOfKind(incident.kind)
        ? await api()
            .request<{ answer: DetectionAnswer | null }>(
              'GET',
              `/incidents/${encodeURIComponent(id)}/detection`,
            )
            .then((r) => r.answer)
            .catch(() => undefined)
        : undefined;
    if (flags.json)
      console.log(JSON.stringify(answer === undefined ? incident : { ...incident, detectionAnswer: answer }));
    else
      console.log(
        [describeIncident(incident), ...(answer === undefined ? [] : ['', answerLine(id, answer)])].join(
          '\n',
        ),
      );
    return;
  }
  if (sub === 'approve' || sub === 'decline' || sub === 'manual') {
    const flags = parseFlags(args, {
      id: { type: 'string', multiple: true },
      by: { type: 'string' },
      reason: { type: 'string' },
      json: { type: 'boolean' },
    });
    const ids = (flags.id ?? []).filter((id) => id.trim() !== '');
    if (ids.length === 0)
      throw new UsageError('--id is required (repeat it to decide several incidents at once)');
    // Without --by the API records the token's own name (a personal token can only decide as itself).
    const decision = {
      decision: sub,
      ...(flags.by ? { by: flags.by } : {}),
      ...(flags.reason ? { reason: flags.reason } : {}),
    };
    const [id] = ids;
    if (ids.length === 1 && id !== undefined) {
      const ack = await api().request<{ status: string }>(
        'POST',
        `/incidents/${encodeURIComponent(id)}/decision`,
        decision,
      );
      console.log(flags.json ? JSON.stringify(ack) : `${id}: ${sub} accepted, now ${ack.status}`);
      return;
    }
    const outcome = await api().request<BulkOutcome>('POST', '/incidents/decisions', {
      ...decision,
      incidents: ids.map((i) => ({ id: i })),
    });
    console.log(flags.json ? JSON.stringify(outcome) : bulkLines(sub, outcome));
    if (outcome.refused > 0)
      throw new ConflictError(`${outcome.refused} of ${ids.length} incidents refused the ${sub}`);
    return;
  }
  if (sub === 'lift') {
    const flags = parseFlags(args, {
      id: { type: 'string' },
      by: { type: 'string' },
      reason: { type: 'string' },
      json: { type: 'boolean' },
    });
    const id = requireFlag(flags.id, 'id');
    const lifting = await api().request<{ cidr: string }>(
      'POST',
      `/incidents/${encodeURIComponent(id)}/lift`,
      {
        ...(flags.by ? { by: flags.by } : {}),
        ...(flags.reason ? { reason: flags.reason } : {}),
      },
    );
    console.log(flags.json ? JSON.stringify(lifting) : `${id}: lifting the block of ${lifting.cidr}`);
    return;
  }
  if (sub === 'expected' || sub === 'fault') {
    const flags = parseFlags(args, { id: { type: 'string' }, json: { type: 'boolean' } });
    const id = requireFlag(flags.id, 'id');
    const told = await api().request<{ explanation: string }>(
      'POST',
      `/incidents/${encodeURIComponent(id)}/detection`,
      { expected: sub === 'expected' },
    );
    console.log(flags.json ? JSON.stringify(told) : `${id}: ${told.explanation}`);
    return;
  }
  if (sub === 'feedback') {
    const flags = parseFlags(args, {
      id: { type: 'string' },
      resolved: { type: 'string' },
      rating: { type: 'string' },
      comment: { type: 'string' },
      json: { type: 'boolean' },
    });
    const id = requireFlag(flags.id, 'id');
    const resolved = yesOrNo(requireFlag(flags.resolved, 'resolved'));
    const rating = intFlag(requireFlag(flags.rating, 'rating'), 'rating', 0, 1, 5);
    const recorded = await api().request<{ agent: string }>(
      'POST',
      `/incidents/${encodeURIComponent(id)}/feedback`,
      { resolved, rating, ...(flags.comment ? { comment: flags.comment } : {}) },
    );
    const { agents } = await api().request<{ agents: AgentRating[] }>('GET', '/feedback/agents');
    const standing = agents.find((a) => a.agent === recorded.agent);
    if (flags.json) return console.log(JSON.stringify({ ...recorded, agentRating: standing }));
    console.log(
      `${id}: recorded (resolved ${resolved ? 'yes' : 'no'}, ${rating}/5); it feeds the remediation policy's reward.` +
        (standing ? ` The ${recorded.agent} agent: ${describeAgentRating(standing)}` : ''),
    );
    return;
  }
  if (sub === 'ratings') {
    const flags = parseFlags(args, { json: { type: 'boolean' } });
    const { agents } = await api().request<{ agents: AgentRating[] }>('GET', '/feedback/agents');
    if (flags.json) return console.log(JSON.stringify(agents));
    console.log(
      agents.length
        ? agents.map((a) => `${a.agent.padEnd(14)} ${describeAgentRating(a)}`).join('\n')
        : 'No answers to "Was your issue resolved?" yet (medic incidents feedback --id ID --resolved yes --rating 5)',
    );
    return;
  }
  throw new UsageError(
    `unknown incidents command "${sub ?? ''}"; one of list, show, approve, decline, manual, lift, expected, fault, feedback, ratings`,
  );
}
