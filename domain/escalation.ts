import { parseDuration } from './duration';
import { SEVERITIES, type Severity } from './incident';

/**
 * Who is asked, in order, when an incident waits for a decision, how long each is given, and what
 * happens when nobody answers: `decline` (leave the resource alone) or `act` (for critical safety
 * issues, proceed as if approved).
 */
export interface EscalationChain {
  levels: { notify: string; after: string }[];
  finally: 'decline' | 'act';
}

export type EscalationPolicy = Partial<Record<Severity | 'default', EscalationChain>>;

/**
 * `critical=oncall:5m,lead:10m,act;high=oncall:15m,lead:30m,decline;default=oncall:30m,decline`.
 * An error names the part that is wrong.
 */
export function parseEscalation(spec: string): EscalationPolicy {
  const policy: EscalationPolicy = {};
  for (const part of spec
    .split(';')
    .map((p) => p.trim())
    .filter((p) => p !== '')) {
    const [severity, chainText] = part.split('=');
    if (!severity || !chainText || !([...SEVERITIES, 'default'] as string[]).includes(severity.trim()))
      throw new Error(`"${part}": expected <severity|default>=who:duration,…,decline|act`);
    const items = chainText.split(',').map((i) => i.trim());
    const last = items.pop();
    if (last !== 'decline' && last !== 'act')
      throw new Error(`"${part}": the chain must end with decline or act`);
    const levels = items.map((item) => {
      const [notify, after] = item.split(':');
      if (!notify || !/^[\w.@-]{1,64}$/.test(notify) || !after || parseDuration(after) === undefined)
        throw new Error(`"${item}" in "${part}": expected who:duration like oncall:5m`);
      return { notify, after };
    });
    if (levels.length === 0) throw new Error(`"${part}": at least one who:duration before ${last}`);
    policy[severity.trim() as Severity | 'default'] = { levels, finally: last };
  }
  return policy;
}

export function chainFor(policy: EscalationPolicy, severity: Severity): EscalationChain | undefined {
  return policy[severity] ?? policy.default;
}
