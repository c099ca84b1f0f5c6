import { isTerminal, type IncidentStatus } from '../domain/incident';
import { parseIntent, type Entities, type Intent, type ParsedIntent } from '../domain/intents/parser';
import { can, type Permission, type Principal } from '../domain/rbac';
import { ApiError } from './errors';
import type { IncidentService, IncidentSummary } from './incident-service';
import type { ChatActions } from './chat-actions';
import { blockableSource } from '../domain/network-block';
import { formatModelFigure, type ModelOverview } from '../domain/models/registry';
import { describeRanking } from '../domain/rootcause/report';
import { asSentence } from '../domain/report';
import { stepIsAction } from '../domain/intents/actions-asked';
import type { TaskService } from './task-service';
import { describeAgentRating, type AgentRating } from '../domain/agents';
import type { MaintenanceStore } from '../activities/maintenance-store';
import { MAX_WINDOW_MINUTES } from '../domain/maintenance-window';
import { startMaintenance } from './maintenance';

export interface ChatAnswer extends ParsedIntent {
  reply: string;
  /** True when the request was carried out (an incident listed, decided or explained). */
  executed: boolean;
  incidents?: IncidentSummary[];
  incidentId?: string;
  webUiUrl?: string;
  /** For requests the chat understands but does not carry out itself: the command that does. */
  suggestion?: string;
  /** The workflow a troubleshoot or capacity request ran as (see it in the Web UI). */
  workflowId?: string;
  taskRunId?: string;
  findings?: string[];
  suggestions?: string[];
  /** Generated code with its test and what its checks printed. */
  code?: { source: string; test: string; checks: string };
  /** Set when the optional language model rewrote the request: what it was read as. */
  understoodAs?: string;
  /** For "which models are active?": the registry's models as `GET /models` gives them. */
  models?: ModelOverview[];
}

/** What chat may start besides incidents; each absent one is answered as unavailable. */
export interface ChatServices {
  tasks?: TaskService;
  actions?: ChatActions;
  /** Optional (MEDIC_LLM_URL): rewrites what the offline parser did not understand into one of its forms. */
  rephrase?: (message: string) => Promise<string | undefined>;
  /** The model registry's overview (`GET /models`). */
  models?: () => Promise<ModelOverview[]>;
  /** Each agent's standing from "Was your issue resolved?" (`GET /feedback/agents`). */
  ratings?: () => Promise<AgentRating[]>;
  /** Planned work (decision 0064): "I'm patching i-0abc for 2 hours, leave it alone". */
  maintenance?: Pick<MaintenanceStore, 'put'>;
}

/** What each intent needs the caller to be allowed to do; the route itself needs only `read`. */
const INTENT_PERMISSION: Record<Intent, Permission> = {
  scale_up: 'operate',
  scale_down: 'operate',
  scale_to: 'operate',
  restart: 'operate',
  troubleshoot: 'read',
  block_ip: 'operate',
  explain: 'read',
  list_open: 'read',
  list_recent: 'read',
  agent_ratings: 'read',
  model_status: 'read',
  approve: 'decide',
  decline: 'decide',
  handle_manually: 'decide',
  show_incident: 'read',
  run_task: 'operate',
  generate_code: 'read',
  maintenance: 'operate',
  help: 'read',
  unknown: 'read',
};

const HELP =
  'Try: "what is open right now?", "what happened overnight?", "show incident-…", "approve incident-…", "why was i-0abc… rebooted?", ' +
  '"troubleshoot the upload issue", "scale web-asg to 6", "restart i-0abc…", "block 203.0.113.7", ' +
  '"write a function that uploads a file to S3", "which models are active?".';

/** "What happened overnight?" looks back this far. */
const RECENT_HOURS = 24;

/** How long a block asked for in chat holds before its workflow lifts it. */
const BLOCK_DURATION = '1h';

/** "rootcause: rootcause-… decides since …, top1 91.4 % on held-out data" or the shipped model. */
function modelLine(m: ModelOverview): string {
  if (m.shipped) return `${m.model}: the shipped model decides (${m.shipped.reason})`;
  if (!m.active) return `${m.model}: the shipped model decides (no version promoted)`;
  const value = m.active.metrics[m.metric];
  const figure =
    value === undefined ? '' : `, ${m.metric} ${formatModelFigure(m.metric, value)} on held-out data`;
  return `${m.model}: ${m.active.version} decides since ${m.active.since}${figure}`;
}

/** Planned work asked for in chat without a duration lasts this long, and the reply says so. */
const CHAT_MAINTENANCE_MINUTES = 60;

const resourceOf = (e: Entities) => e.instanceId ?? e.resource ?? e.group ?? e.ip;

/**
 * `POST /api/v1/chat`: plain language in, intent + entities + a reply out, and for the requests it
 * handles, the same service calls the API's routes make, under the caller's own permissions.
 */
export async function answerChat(
  message: string,
  principal: Principal,
  incidents: IncidentService,
  services: ChatServices = {},
): Promise<ChatAnswer> {
  let parsed = parseIntent(message);
  let understoodAs: string | undefined;
  if (parsed.intent === 'unknown' && services.rephrase) {
    // Best effort: a model that is down or unsure leaves the offline answer as it was.
    const line = await services.rephrase(message).catch(() => undefined);
    const reparsed = line ? parseIntent(line) : undefined;
    if (reparsed && reparsed.intent !== 'unknown') {
      parsed = reparsed;
      understoodAs = line;
    }
  }
  const answer = (reply: string, extra: Partial<ChatAnswer> = {}): ChatAnswer => ({
    ...parsed,
    ...(understoodAs ? { understoodAs } : {}),
    reply,
    executed: false,
    ...extra,
  });
  if (parsed.clarify)
    return answer(parsed.intent === 'unknown' ? `${parsed.clarify} ${HELP}` : parsed.clarify);
  const permission = INTENT_PERMISSION[parsed.intent];
  if (!can(principal, permission))
    throw new ApiError(
      'forbidden',
      `"${parsed.intent}" needs the "${permission}" permission; your role (${principal.role}) does not have it`,
    );
  const e = parsed.entities;

  switch (parsed.intent) {
    case 'help':
      return answer(HELP);
    case 'list_open': {
      const all = await incidents.list({ limit: 200 });
      const open = all.filter((i) => !i.status || !isTerminal(i.status as IncidentStatus));
      const lines = open.slice(0, 10).map((i) => `${i.id} (${i.status ?? 'open'}, ${i.severity ?? '?'})`);
      return answer(
        open.length
          ? `${open.length} open: ${lines.join('; ')}${open.length > 10 ? '; …' : ''}`
          : 'Nothing is open right now.',
        { executed: true, incidents: open },
      );
    }
    case 'list_recent': {
      const since = new Date(Date.now() - RECENT_HOURS * 3_600_000);
      const recent = await incidents.recent(since, 200);
      if (!recent.length)
        return answer(`No incident opened in the last ${RECENT_HOURS} hours.`, {
          executed: true,
          incidents: [],
        });
      const byStatus = new Map<string, number>();
      for (const i of recent) byStatus.set(i.status ?? 'open', (byStatus.get(i.status ?? 'open') ?? 0) + 1);
      const counts = [...byStatus].map(([status, n]) => `${n} ${status.replace('_', ' ')}`).join(', ');
      const lines = recent.slice(0, 10).map((i) => `${i.id} (${i.status ?? 'open'}, opened ${i.openedAt})`);
      return answer(
        `${recent.length} incident${recent.length === 1 ? '' : 's'} in the last ${RECENT_HOURS} hours (${counts}): ${lines.join('; ')}${recent.length > 10 ? '; …' : ''}`,
        { executed: true, incidents: recent },
      );
    }
    case 'agent_ratings': {
      if (!services.ratings) return answer('This API keeps no answers to "Was your issue resolved?".');
      const ratings = await services.ratings();
      return answer(
        ratings.length
          ? ratings.map((r) => `${r.agent}: ${describeAgentRating(r)}`).join('; ')
          : 'No one has answered "Was your issue resolved?" yet.',
        { executed: true },
      );
    }
    case 'model_status': {
      // Retraining and rollback change what decides incidents: the CLI does them, named and audited.
      const how = /\b(retrain|rollback|roll back)\b/i.test(message)
        ? 'I do not retrain or roll back models from chat: `medic model retrain --model NAME` trains a candidate and promotes it only if it beats the active version on held-out data; `medic model rollback --model NAME` restores the previous one. Now: '
        : '';
      if (!services.models) return answer(`${how}This API has no model registry to read.`);
      const models = await services.models();
      return answer(`${how}${models.map(modelLine).join('; ')}`, { executed: true, models });
    }
    case 'show_incident': {
      const incident = await incidents.get(e.incidentId!);
      const last = incident.timeline?.[incident.timeline.length - 1];
      const how = incident.report
        ? ` ${incident.report.issueDetected} Action taken: ${incident.report.actionTaken}`
        : last
          ? `: ${last.message}`
          : '';
      const ranking = incident.report?.rootCause;
      const cause = ranking
        ? ` ${describeRanking(ranking, incident.resourceId ?? '')}`
        : /\bcause/i.test(message)
          ? ' It has no root-cause ranking: when it opened, fewer than two resources of its fleet were alarming with faults (or it belongs to no fleet), so its own fault is the likeliest cause.'
          : '';
      return answer(`${incident.id} is ${incident.status ?? 'open'}.${how}${cause}`, {
        executed: true,
        incidentId: incident.id,
        webUiUrl: incident.webUiUrl,
      });
    }
    case 'approve':
    case 'decline': {
      const decision = parsed.intent === 'approve' ? 'approve' : 'decline';
      const ack = await incidents.decide(e.incidentId!, {
        decision,
        by: principal.name,
        reason: `via chat: "${message.slice(0, 200)}"`,
      });
      return answer(
        `${decision === 'approve' ? 'Approved' : 'Declined'} ${e.incidentId}; it is now ${ack.status}.`,
        {
          executed: true,
          incidentId: e.incidentId,
        },
      );
    }
    case 'handle_manually': {
      const ack = await incidents.decide(e.incidentId!, {
        decision: 'manual',
        by: principal.name,
        reason: `via chat: "${message.slice(0, 200)}"`,
      });
      return answer(
        `${e.incidentId} is yours to handle by hand; cloud-medic changes nothing on it (now ${ack.status}).`,
        { executed: true, incidentId: e.incidentId },
      );
    }
    case 'maintenance': {
      if (!services.maintenance) return answer('Maintenance windows are not available on this API.');
      const named = e.resource;
      const instanceId =
        e.instanceId ?? (named && services.actions ? await services.actions.instanceNamed(named) : undefined);
      if (!instanceId) return answer(`I found no instance named ${named ?? 'that'}; give its id (i-…).`);
      const minutes = Math.min(e.minutes ?? CHAT_MAINTENANCE_MINUTES, MAX_WINDOW_MINUTES);
      const window = await startMaintenance(
        services.maintenance,
        { instances: [instanceId], durationMinutes: minutes, reason: message.slice(0, 500) },
        principal.name,
        new Date(),
      );
      const length =
        e.minutes === undefined ? `for an hour (say "for 3 hours" for longer)` : `until ${window.endsAt}`;
      return answer(
        `Leaving ${instanceId} alone ${length}: maintenance window ${window.id}. Its alerts open nothing and the monitor passes over it meanwhile; end it early with medic maintenance end --id ${window.id}.`,
        { executed: true },
      );
    }
    case 'generate_code': {
      if (!services.actions) return answer('Code generation is not available on this API.');
      const generated = await services.actions.generateCode(message, principal.name);
      if (generated.status === 'no-template')
        return answer(
          `I have no template for that. I can write: ${(generated.templates ?? []).join('; ')}.`,
          { executed: false, workflowId: generated.workflowId },
        );
      const verdict =
        generated.status === 'verified'
          ? 'It type-checks and its test passed against the local emulator.'
          : generated.status === 'untested'
            ? 'It type-checks; its test was not run (no local emulator here), run it against one before use.'
            : 'Its checks failed; see them below before using it.';
      return answer(`${generated.template?.title} (${generated.template?.packages.join(', ')}). ${verdict}`, {
        executed: true,
        workflowId: generated.workflowId,
        code: { source: generated.source ?? '', test: generated.test ?? '', checks: generated.checks ?? '' },
      });
    }
    case 'troubleshoot': {
      if (!services.actions) return answer('Troubleshooting is not available on this API.');
      const named = resourceOf(e);
      const report = await services.actions.troubleshoot(
        e.topic ?? message,
        named ? [named] : [],
        principal.name,
      );
      return answer(
        `${report.findings.join(' ')}${report.suggestions.length ? ` Suggested: ${asSentence(report.suggestions.join('; '))}` : ''}`,
        {
          executed: true,
          findings: report.findings,
          suggestions: report.suggestions,
          workflowId: report.workflowId,
        },
      );
    }
    case 'explain': {
      const resource = resourceOf(e);
      const related = resource ? await incidents.list({ resourceId: resource, limit: 5 }) : [];
      if (!related.length)
        return answer(
          resource
            ? `I found no incident on ${resource}, so cloud-medic did not act on it.`
            : 'Name the resource (i-0abc…, web-1) and I will tell you what cloud-medic did to it and why.',
          { executed: Boolean(resource), incidents: [] },
        );
      // "why was web-1 resized?" about an instance cloud-medic never resized says so first, then
      // tells its latest incident, instead of explaining that one as if it were the resize. Each
      // read queries an incident's workflow (a replay when it is closed): newest first, and no
      // further than the one where it was done.
      const verb = e.action;
      const newest = await incidents.get(related[0].id);
      const did = (d: typeof newest) =>
        verb !== undefined &&
        (d.report?.resolutionProcess ?? []).some(
          (s) => s.outcome === 'succeeded' && stepIsAction(verb, s.action),
        );
      let acted = did(newest) ? newest : undefined;
      for (const r of verb === undefined ? [] : related.slice(1)) {
        if (acted) break;
        const older = await incidents.get(r.id);
        if (did(older)) acted = older;
      }
      const latest = acted ?? newest;
      const didNot =
        verb && !acted
          ? `cloud-medic did not ${verb} ${resource} in its last ${related.length} incident${related.length === 1 ? '' : 's'}. The latest, `
          : '';
      const why = latest.report
        ? `${latest.report.issueDetected} ${latest.report.reason} ${latest.report.actionTaken}`
        : `${latest.summary ?? latest.kind}: ${latest.status}`;
      return answer(`${didNot}${latest.id}: ${why}`, {
        executed: true,
        incidents: related,
        incidentId: latest.id,
        webUiUrl: latest.webUiUrl,
      });
    }
    case 'scale_to':
    case 'scale_up':
    case 'scale_down': {
      if (!services.actions) return answer('Scaling is not available on this API.');
      let group = e.group ?? (parsed.intent === 'scale_to' ? e.resource : undefined);
      if (!group) {
        const groups = await services.actions.groups();
        if (groups.length === 0)
          return answer('There is no Auto Scaling group to scale in this account and region.');
        if (groups.length > 1)
          return answer(`Which group? ${groups.slice(0, 10).join(', ')}${groups.length > 10 ? ', …' : ''}.`, {
            clarify: 'Which Auto Scaling group?',
          });
        group = groups[0]!;
      }
      const step = Math.max(1, e.count ?? 1);
      const change =
        parsed.intent === 'scale_to'
          ? { to: e.count ?? 0 }
          : { by: parsed.intent === 'scale_up' ? step : -step };
      const done = await services.actions.scale(
        group,
        change,
        principal.name,
        `via chat: "${message.slice(0, 200)}"`,
      );
      return answer(
        `${done.changed ? `Scaled ${group} from ${done.from} to ${done.to}` : `${group} already has ${done.to}; nothing changed`}.${done.note ? ` ${done.note}` : ''}`,
        { executed: true, workflowId: done.workflowId },
      );
    }
    case 'restart': {
      const named = resourceOf(e);
      const instanceId =
        e.instanceId ?? (named && services.actions ? await services.actions.instanceNamed(named) : undefined);
      if (!instanceId) return answer(`I could not find an instance called ${named ?? 'that'}.`);
      const opened = await incidents.open({
        resourceId: instanceId,
        kind: 'restart-requested',
        summary: `Restart of ${named ?? instanceId} requested by ${principal.name} via chat`,
        source: 'chat',
      });
      return answer(
        `${opened.created ? 'Opened' : 'Joined'} ${opened.incidentId}: it follows the instance's mode — AUTO restarts it now, MANUAL waits for an approver.`,
        {
          executed: true,
          incidentId: opened.incidentId,
          webUiUrl: incidents.webUiUrl(opened.incidentId, opened.runId),
        },
      );
    }
    case 'block_ip': {
      if (!services.actions) return answer('Blocking is not available on this API.');
      const source = blockableSource(e.ip!);
      if ('refused' in source) return answer(`Not blocked: ${source.refused}.`);
      const block = await services.actions.block(
        source.cidr,
        BLOCK_DURATION,
        principal.name,
        `requested by ${principal.name} via chat`,
      );
      return answer(
        block.status === 'blocked'
          ? `Blocked ${source.cidr} on ${block.acls.length} network ACL(s) until ${block.until}; the block lifts itself then (or signal liftBlock to ${block.workflowId}).`
          : `${source.cidr}: ${block.detail}`,
        { executed: block.status === 'blocked', workflowId: block.workflowId },
      );
    }
    case 'run_task': {
      if (!services.tasks) return answer('Custom tasks are not available on this API.');
      const task = await services.tasks.get(e.task!);
      const named = resourceOf(e);
      const instanceParams = task.definition.parameters.filter((p) => p.type === 'instance-id');
      const instanceId =
        e.instanceId ?? (named && services.actions ? await services.actions.instanceNamed(named) : undefined);
      const params: Record<string, string> = {};
      if (instanceParams.length === 1 && instanceId) params[instanceParams[0].name] = instanceId;
      const missing = task.definition.parameters
        .filter((p) => params[p.name] === undefined)
        .map((p) => p.name);
      if (missing.length)
        return answer(
          `The ${e.task} task needs ${missing.join(', ')}; say which instance ("run ${e.task} on web-1").`,
          {
            clarify: `Which ${missing.join(', ')}?`,
            suggestion: `medic tasks run --name ${e.task} ${missing.map((m) => `--param ${m}=…`).join(' ')}`,
          },
        );
      const run = await services.tasks.run(task.definition.name, params, principal.name);
      return answer(
        `Started ${task.definition.name} (${run.id})${task.definition.approval === 'required' ? '; it waits for an approver before its first step' : ''}.`,
        { executed: true, taskRunId: run.id },
      );
    }
    case 'unknown':
      return answer(HELP);
  }
}
