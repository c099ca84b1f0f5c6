import { INCIDENT_KINDS, SECURITY_INCIDENT_KINDS } from './incident';

/** The agents that handle incidents, and the incident kinds each one owns. */
export const AGENT_KINDS = {
  'self-healing': INCIDENT_KINDS.filter((k) => k !== 'instance-idle' && k !== 'instance-oversized'),
  security: SECURITY_INCIDENT_KINDS,
  cost: ['instance-idle', 'instance-oversized'],
} as const satisfies Record<string, readonly string[]>;
export type Agent = keyof typeof AGENT_KINDS;
export const AGENTS = Object.keys(AGENT_KINDS) as Agent[];

/** Which agent handled an incident of this kind. */
export function agentOf(kind: string | undefined): Agent {
  if (kind === 'instance-idle' || kind === 'instance-oversized') return 'cost';
  return (SECURITY_INCIDENT_KINDS as readonly string[]).includes(kind ?? '') ? 'security' : 'self-healing';
}

/** An agent's standing from the answers to "Was your issue resolved?" (`GET /feedback/agents`). */
export interface AgentRating {
  agent: string;
  answers: number;
  meanRating: number;
  resolvedShare: number;
}

/** "4.0 / 5 over 3 answers, 67 % resolved": an agent's standing as the CLI and chat say it. */
export const describeAgentRating = (r: AgentRating): string =>
  `${r.meanRating.toFixed(1)} / 5 over ${r.answers} answer${r.answers === 1 ? '' : 's'}, ${Math.round(100 * r.resolvedShare)} % resolved`;
