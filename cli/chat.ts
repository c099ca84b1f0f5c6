import type { MedicConfig } from '../domain/config';
import { createApiClient } from './api-client';
import { parseFlagsAndWords, UsageError } from './args';

/** `medic chat "scale web-asg to 6" [--json]`: the chat route from the command line. */
export async function chatCommand(args: string[], config: MedicConfig): Promise<void> {
  const { flags, words } = parseFlagsAndWords(args, { json: { type: 'boolean' } });
  const message = words.join(' ').trim();
  if (!message) throw new UsageError('say something: medic chat "what is open right now?"');
  const answer = await createApiClient(config).request<{
    intent: string;
    entities: Record<string, unknown>;
    reply: string;
    suggestion?: string;
  }>('POST', '/chat', { message });
  if (flags.json) console.log(JSON.stringify(answer));
  else {
    console.log(answer.reply);
    if (answer.suggestion) console.log(`  → ${answer.suggestion}`);
  }
}
