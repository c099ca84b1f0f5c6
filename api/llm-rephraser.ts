import { z } from 'zod';

export interface LlmSettings {
  /** An OpenAI-compatible API base, e.g. https://api.openai.com/v1 or a local server's /v1. */
  url: string;
  apiKey?: string;
  model: string;
  timeoutMs?: number;
}

/** The request forms the offline parser knows; the model may only answer with one of these. */
const FORMS = [
  'what is open right now?',
  'show <incident-id>',
  'approve <incident-id>',
  'decline <incident-id>',
  'why was <instance-id or name> rebooted?',
  'troubleshoot <topic>',
  'scale <group> to <number>',
  'scale up <group>',
  'scale down <group>',
  'restart <instance-id or name>',
  'block <ip address>',
  'run the <task> task on <instance-id or name>',
  'write a function that <uploads a file to S3, sends an SQS message, gets a DynamoDB item, …>',
];

const SYSTEM = [
  'You turn an operator request into exactly one line in one of these forms, keeping ids and names as written:',
  ...FORMS.map((f) => `- ${f}`),
  'If the request fits none of them, answer with the single word UNKNOWN. Answer with the line only.',
].join('\n');

const completionSchema = z.object({
  choices: z.array(z.object({ message: z.object({ content: z.string() }) })).min(1),
});

/**
 * An optional adapter to an OpenAI-compatible chat endpoint (off unless MEDIC_LLM_URL is set). It
 * only rewrites a request the offline parser did not understand into one of the parser's own
 * forms; the parser then reads that line as if the person had typed it, so the model can never
 * do anything a person could not ask for, and RBAC and policy apply unchanged.
 */
export function llmRephraser(settings: LlmSettings) {
  return async (message: string): Promise<string | undefined> => {
    const res = await fetch(`${settings.url.replace(/\/$/, '')}/chat/completions`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(settings.apiKey ? { authorization: `Bearer ${settings.apiKey}` } : {}),
      },
      body: JSON.stringify({
        model: settings.model,
        temperature: 0,
        max_tokens: 60,
        messages: [
          { role: 'system', content: SYSTEM },
          { role: 'user', content: message },
        ],
      }),
      signal: AbortSignal.timeout(settings.timeoutMs ?? 5000),
    });
    if (!res.ok) throw new Error(`the language model endpoint answered ${res.status}`);
    const parsed = completionSchema.safeParse(await res.json());
    if (!parsed.success) throw new Error('the language model endpoint answered in an unexpected shape');
    const line = parsed.data.choices[0].message.content.trim().split('\n')[0].trim().slice(0, 300);
    return line === '' || /^unknown$/i.test(line) ? undefined : line;
  };
}
