/**
 * What a remediation changed that the Pulumi program defines, and the proposal that reconciles the
 * program: the part the workflows hold. The stack-file patching (YAML) is in `drift.ts`, which only
 * activities import, so the workflow bundle stays free of the YAML parser (decision 0058).
 */

/** A change a remediation made to something the Pulumi program defines. */
export type InfraChange =
  | { kind: 'instance-type'; resourceId: string; instanceType: string }
  | { kind: 'desired-capacity'; group: string; desired: number }
  | {
      kind: 'ingress-revoked';
      groupId: string;
      rule: { protocol: string; fromPort: number; toPort: number; cidr: string };
    }
  | { kind: 'network-acl-deny'; cidr: string };

/** What a remediation changed, as the workflow knows it; the activity reads the live values. */
export type DriftSource =
  | { kind: 'instance-type'; instanceId: string }
  | { kind: 'group-capacity'; instanceId: string }
  | { kind: 'desired-capacity'; group: string }
  | Extract<InfraChange, { kind: 'ingress-revoked' | 'network-acl-deny' }>;

export interface InfraProposal {
  status: 'proposed' | 'no-change' | 'checks-failed' | 'not-configured';
  summary: string;
  repo?: string;
  branch?: string;
  base?: string;
  /** The unified diff of the branch against its base (cut at 20 000 characters). */
  diff?: string;
  /** What the type check and the infra tests printed, last lines. */
  checks?: string;
}

/** What a successful remediation step changed that the program defines, if anything. */
export function driftSourceOf(action: string, target: string): DriftSource | undefined {
  if (action === 'resize-instance' || action === 'downsize-instance')
    return { kind: 'instance-type', instanceId: target };
  if (action === 'scale-out-group') return { kind: 'group-capacity', instanceId: target };
  return undefined;
}
