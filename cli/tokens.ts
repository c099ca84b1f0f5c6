import type { MedicConfig } from '../domain/config';
import { ROLES } from '../domain/rbac';
import { createApiClient } from './api-client';
import { parseFlags, requireFlag, UsageError } from './args';

interface TokenRow {
  id: string;
  name: string;
  role: string;
  createdAt: string;
  createdBy: string;
  revokedAt?: string;
  token?: string;
}

interface AuditRow {
  seq: number;
  at: string;
  actor: string;
  role: string;
  action: string;
  status: number;
  incidentId?: string;
  detail?: Record<string, unknown>;
}

/** `medic tokens create|list|revoke`: API tokens with roles, managed through the API (admin role). */
export async function tokensCommand(
  sub: string | undefined,
  args: string[],
  config: MedicConfig,
): Promise<void> {
  const flags = parseFlags(args, {
    name: { type: 'string' },
    role: { type: 'string' },
    id: { type: 'string' },
    json: { type: 'boolean' },
  });
  if (sub === 'create') {
    const name = requireFlag(flags.name, 'name');
    const role = requireFlag(flags.role, 'role');
    if (!(ROLES as readonly string[]).includes(role))
      throw new UsageError(`--role must be one of ${ROLES.join(', ')}, got "${role}"`);
    const created = await createApiClient(config).request<TokenRow>('POST', '/tokens', { name, role });
    if (flags.json) console.log(JSON.stringify(created));
    else
      console.log(
        `token for ${created.name} (${created.role}), id ${created.id}:\n\n  ${created.token}\n\nIt is shown once; the API keeps only its SHA-256.`,
      );
    return;
  }
  if (sub === 'list') {
    const { tokens } = await createApiClient(config).request<{ tokens: TokenRow[] }>('GET', '/tokens');
    if (flags.json) console.log(JSON.stringify(tokens));
    else
      for (const t of tokens)
        console.log(
          `${t.id}  ${t.name.padEnd(20)} ${t.role.padEnd(9)} created ${t.createdAt} by ${t.createdBy}${t.revokedAt ? `  REVOKED ${t.revokedAt}` : ''}`,
        );
    return;
  }
  if (sub === 'revoke') {
    const id = requireFlag(flags.id, 'id');
    const revoked = await createApiClient(config).request<TokenRow>(
      'DELETE',
      `/tokens/${encodeURIComponent(id)}`,
    );
    console.log(flags.json ? JSON.stringify(revoked) : `revoked ${revoked.name}'s token ${revoked.id}`);
    return;
  }
  throw new UsageError(`unknown tokens command "${sub ?? ''}"; one of create, list, revoke`);
}

/** `medic audit [--incident ID] [--actor NAME] [--action A] [--limit N] [--json]`: the audit log, newest first. */
export async function auditCommand(args: string[], config: MedicConfig): Promise<void> {
  const flags = parseFlags(args, {
    incident: { type: 'string' },
    actor: { type: 'string' },
    action: { type: 'string' },
    limit: { type: 'string' },
    json: { type: 'boolean' },
  });
  const query = new URLSearchParams();
  if (flags.incident) query.set('incidentId', flags.incident);
  if (flags.actor) query.set('actor', flags.actor);
  if (flags.action) query.set('action', flags.action);
  if (flags.limit) query.set('limit', flags.limit);
  const result = await createApiClient(config).request<{ entries: AuditRow[]; chainIntact: boolean }>(
    'GET',
    `/audit?${query.toString()}`,
  );
  if (flags.json) {
    console.log(JSON.stringify(result));
    return;
  }
  for (const e of result.entries)
    console.log(
      `${String(e.seq).padStart(6)}  ${e.at}  ${e.actor.padEnd(16)} ${e.action.padEnd(18)} ${e.status}  ${e.incidentId ?? ''} ${e.detail ? JSON.stringify(e.detail) : ''}`,
    );
  console.log(result.chainIntact ? '\nchain intact' : '\nCHAIN BROKEN: an entry was edited or removed');
}
