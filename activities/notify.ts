import type { Severity } from '../domain/incident';

export interface NotificationInput {
  incidentId: string;
  severity: Severity;
  headline: string;
  body: string;
  /** Where a person can look at or decide on the incident. */
  link?: string;
  /** Who this message is for (an escalation level: a person, rota or channel name). */
  to?: string;
}

export interface NotificationResult {
  delivered: boolean;
  detail: string;
}

/**
 * Posts a Slack-compatible message to the configured webhook. A failing receiver must never hold
 * an incident up, so this reports the failure instead of throwing it.
 */
export function createNotifier(webhookUrl: string | undefined, timeoutMs = 5000) {
  async function notify(input: NotificationInput): Promise<NotificationResult> {
    if (!webhookUrl)
      return { delivered: false, detail: 'no webhook configured; recorded in the timeline only' };
    const text = `${input.to ? `@${input.to} ` : ''}[${input.severity.toUpperCase()}] ${input.headline}`;
    const body = {
      text,
      blocks: [
        { type: 'section', text: { type: 'mrkdwn', text: `*${text}*\n${input.body}` } },
        ...(input.link
          ? [
              {
                type: 'context',
                elements: [{ type: 'mrkdwn', text: `<${input.link}|Open incident ${input.incidentId}>` }],
              },
            ]
          : []),
      ],
    };
    try {
      const response = await fetch(webhookUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
      return response.ok
        ? { delivered: true, detail: `webhook answered ${response.status}` }
        : { delivered: false, detail: `webhook answered ${response.status}` };
    } catch (err) {
      return { delivered: false, detail: `webhook unreachable: ${(err as Error).message}` };
    }
  }
  return { notify };
}
