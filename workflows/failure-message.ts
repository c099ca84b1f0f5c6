/** An activity failure wraps the activity's own error as its cause: that is the message to report. */
export function failureMessage(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  return err.cause instanceof Error ? err.cause.message : err.message;
}
