/** A Temporal failure's message with its causes ("Workflow execution failed: … : what went wrong"). */
export function failureChain(err: unknown): string {
  return failureMessages(err).join(': ') || String(err);
}

/** What went wrong, without the layers around it: the innermost cause's message. */
export function rootCauseMessage(err: unknown): string {
  return failureMessages(err).at(-1) ?? String(err);
}

function failureMessages(err: unknown): string[] {
  const messages: string[] = [];
  // Duck-typed, not `instanceof Error`: errors from another realm (fetch's, under jest) are not.
  for (let e = err; isMessageBearing(e) && messages.length < 6; e = e.cause)
    if (e.message && !messages.includes(e.message)) messages.push(e.message);
  return messages;
}

function isMessageBearing(e: unknown): e is { message: string; cause?: unknown } {
  return typeof e === 'object' && e !== null && typeof (e as { message?: unknown }).message === 'string';
}
