import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MedicConfig } from '../domain/config';
import type { IncidentReport, TimelineEntry } from '../domain/incident';
import { parseFlags, requireFlag, UsageError } from './args';

/** Exit codes of `medic incidents`: scripts can tell "not found" and "not awaiting" apart. */
export const EXIT = { ok: 0, failure: 1, usage: 2, notFound: 3, conflict: 4 } as const;

export class ApiCallError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

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
}

function apiSettings(config: MedicConfig): { base: string; token: string } {
  const base = process.env.MEDIC_API_URL ?? `http://127.0.0.1:${config.apiPort}`;
  const tokenFile = join(config.dataDir, 'admin-token');
  const token =
    process.env.MEDIC_API_TOKEN ??
    (existsSync(tokenFile) ? readFileSync(tokenFile, 'utf8').trim() : undefined);
  if (!token)
    throw new UsageError(`no API token: set MEDIC_API_TOKEN or start the stack so ${tokenFile} exists`);
  return { base: `${base}/api/v1`, token };
}

async function request<T>(config: MedicConfig, method: string, path: string, body?: unknown): Promise<T> {
  const { base, token } = apiSettings(config);
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await res.json()) as T & { error?: { message: string; details?: unknown } };
  if (!res.ok) {
    const details = json.error?.details ? ` ${JSON.stringify(json.error.details)}` : '';
    throw new ApiCallError(res.status, `${json.error?.message ?? res.statusText}${details}`);
  }
  return json;
}

const table = (rows: IncidentRow[]) =>
  [
    ['ID', 'STATUS', 'MODE', 'SEVERITY', 'OPENED'].join('  '),
    ...rows.map((r) =>
      [
        r.id.padEnd(50),
        (r.status ?? '').padEnd(17),
        (r.mode ?? '').padEnd(6),
        (r.severity ?? '').padEnd(8),
        r.openedAt,
      ].join('  '),
    ),
  ].join('\n');

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
    const { incidents } = await request<{ incidents: IncidentRow[] }>(
      config,
      'GET',
      `/incidents?${query.toString()}`,
    );
    console.log(flags.json ? JSON.stringify(incidents) : table(incidents));
    return;
  }
  if (sub === 'show') {
    const flags = parseFlags(args, { id: { type: 'string' }, json: { type: 'boolean' } });
    const incident = await request<IncidentRow>(
      config,
      'GET',
      `/incidents/${encodeURIComponent(requireFlag(flags.id, 'id'))}`,
    );
    console.log(flags.json ? JSON.stringify(incident) : describeIncident(incident));
    return;
  }
  if (sub === 'approve' || sub === 'decline' || sub === 'manual') {
    const flags = parseFlags(args, {
      id: { type: 'string' },
      by: { type: 'string' },
      reason: { type: 'string' },
      json: { type: 'boolean' },
    });
    const id = requireFlag(flags.id, 'id');
    const by = flags.by ?? process.env.USER ?? 'operator';
    const ack = await request<{ status: string }>(
      config,
      'POST',
      `/incidents/${encodeURIComponent(id)}/decision`,
      {
        decision: sub,
        by,
        ...(flags.reason ? { reason: flags.reason } : {}),
      },
    );
    console.log(flags.json ? JSON.stringify(ack) : `${id}: ${sub} accepted, now ${ack.status}`);
    return;
  }
  throw new UsageError(
    `unknown incidents command "${sub ?? ''}"; one of list, show, approve, decline, manual`,
  );
}
