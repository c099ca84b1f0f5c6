import type { RemediationAction } from '../incident';

/**
 * The catalogue actions a verb in a question names ("why was web-1 resized?" → resize): a restart
 * is a reboot or a stop-start, a replacement terminates, and so on. Pure, so chat and its tests
 * read the same table.
 */
const ACTIONS_OF_VERB: Record<string, readonly RemediationAction[]> = {
  reboot: ['reboot-instance', 'stop-start-instance'],
  stop: ['stop-instance', 'stop-start-instance'],
  start: ['start-instance', 'stop-start-instance'],
  replace: ['replace-instance'],
  terminate: ['replace-instance'],
  scale: ['scale-out-group'],
  block: ['deny-source'],
  revoke: ['revoke-ingress-rule'],
  resize: ['resize-instance', 'downsize-instance'],
  restore: ['restore-from-snapshot'],
  expand: ['expand-volume'],
  quarantine: ['quarantine-instance'],
};

/** Whether a step cloud-medic took is what the question's verb names; an unknown verb names nothing. */
export function stepIsAction(verb: string, action: string): boolean {
  return (ACTIONS_OF_VERB[verb] ?? []).some((a) => a === action);
}
