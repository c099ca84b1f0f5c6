import { isTerminal, type IncidentStatus } from '../domain/incident';
import { parseIntent, type Entities, type Intent, type ParsedIntent } from '../domain/intents/parser';
import { can, type Permission, type Principal } from '../domain/rbac';
import { ApiError } from './errors';
import type { IncidentService, IncidentSummary } from './incident-service';

export interface ChatAnswer extends ParsedIntent {
  reply: string;
  /** True when the request was carried out (an incident listed, decided or explained). */
  executed: boolean;
  incidents?: IncidentSummary[];
  incidentId?: string;
  webUiUrl?: string;
  /** For requests the chat understands but does not carry out itself: the command that does. */
  suggestion?: string;
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
  approve: 'decide',
  decline: 'decide',
  show_incident: 'read',
  run_task: 'operate',
  help: 'read',
  unknown: 'read',
};

const HELP =
  'Try: "what is open right now?", "show incident-…", "approve incident-…", "why was i-0abc… rebooted?", ' +
  '"troubleshoot the upload issue", "scale web-asg to 6", "restart i-0abc…", "block 203.0.113.7".';

const resourceOf = (e: Entities) => e.instanceId ?? e.resource ?? e.group ?? e.ip;

/**
 * `POST /api/v1/chat`: plain language in, intent + entities + a reply out, and for the requests it
 * handles, the same service calls the API's routes make, under the caller's own permissions.
 */
export async function answerChat(
  message: string,
  principal: Principal,
  incidents: IncidentService,
): Promise<ChatAnswer> {
  const parsed = parseIntent(message);
  const answer = (reply: string, extra: Partial<ChatAnswer> = {}): ChatAnswer => ({
    ...parsed,
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
    case 'show_incident': {
      const incident = await incidents.get(e.incidentId!);
      const last = incident.timeline?.[incident.timeline.length - 1];
      return answer(
        `${incident.id} is ${incident.status ?? 'open'}${last ? `: ${last.message}` : ''}${incident.report ? ` Action taken: ${incident.report.actionTaken}` : ''}`,
        { executed: true, incidentId: incident.id, webUiUrl: incident.webUiUrl },
      );
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
    case 'explain':
    case 'troubleshoot': {
      const resource = resourceOf(e);
      const related = resource ? await incidents.list({ resourceId: resource, limit: 5 }) : [];
      if (!related.length)
        return answer(
          resource
            ? `I found no incident on ${resource}, so cloud-medic did not act on it.`
            : `I have no incidents to go on for "${e.topic ?? message}". The diagnosis workflow for free-text topics is not built yet; name a resource (i-…, web-1) to see its incidents.`,
          { executed: Boolean(resource), incidents: [] },
        );
      const latest = await incidents.get(related[0].id);
      const why = latest.report
        ? `${latest.report.issueDetected} ${latest.report.reason} ${latest.report.actionTaken}`
        : `${latest.summary ?? latest.kind}: ${latest.status}`;
      return answer(`${latest.id}: ${why}`, {
        executed: true,
        incidents: related,
        incidentId: latest.id,
        webUiUrl: latest.webUiUrl,
      });
    }
    case 'scale_to':
      return answer(
        `I understood: set ${e.group ?? e.resource} to ${e.count} instances. Chat does not change capacity yet.`,
        {
          suggestion: `medic scale watch --group ${e.group ?? e.resource} --min ${e.count} --max ${e.count}`,
        },
      );
    case 'scale_up':
    case 'scale_down':
      return answer(
        `I understood: ${parsed.intent === 'scale_up' ? 'more' : 'less'} capacity${e.group ? ` for ${e.group}` : ''}. Chat does not change capacity yet; the scaling agent does it from load.`,
        { suggestion: `medic scale watch --group ${e.group ?? 'GROUP'}` },
      );
    case 'restart':
      return answer(`I understood: restart ${resourceOf(e)}. Chat does not start remediations yet.`, {
        suggestion: `POST /api/v1/incidents {"resourceId":"${resourceOf(e)}","kind":"status-check-failed","mode":"manual"}`,
      });
    case 'block_ip':
      return answer(
        `I understood: block ${e.ip}. The network-ACL action of the security agent is not built yet.`,
      );
    case 'run_task':
      return answer(
        `I understood: run the ${e.task} task${resourceOf(e) ? ` on ${resourceOf(e)}` : ''}. Chat does not start tasks yet.`,
        { suggestion: `medic tasks run --name ${e.task} --param instance=${e.instanceId ?? 'i-…'}` },
      );
    case 'unknown':
      return answer(HELP);
  }
}
