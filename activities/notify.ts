import type { WebhookFormat } from '../domain/config';
import type { Severity } from '../domain/incident';
import { DEFAULT_DELIVERY, deliverJson, type DeliveryOptions } from './webhook-delivery';

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

function slackMessage(input: NotificationInput) {
  const text = `${input.to ? `@${input.to} ` : ''}[${input.severity.toUpperCase()}] ${input.headline}`;
  return {
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
}

function jsonMessage(input: NotificationInput) {
  return { type: 'cloud-medic.notification', ...input };
}

export interface NotifierOptions {
  format?: WebhookFormat;
  delivery?: Partial<DeliveryOptions>;
}

/**
 * Posts each notification to the configured webhook, retrying with backoff. A failing receiver must
 * never hold an incident up, so this reports the failure instead of throwing it.
 */
export function createNotifier(webhookUrl: string | undefined, options: NotifierOptions = {}) {
  const delivery = { ...DEFAULT_DELIVERY, ...options.delivery };
  const format = options.format ?? 'slack';
  async function notify(input: NotificationInput): Promise<NotificationResult> {
    if (!webhookUrl)
      return { delivered: false, detail: 'no webhook configured; recorded in the timeline only' };
    const body = format === 'json' ? jsonMessage(input) : slackMessage(input);
    const { delivered, detail } = await deliverJson(webhookUrl, body, delivery);
    return { delivered, detail };
  }
  return { notify };
}
