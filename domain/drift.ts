import { isMap, isScalar, isSeq, parseDocument, type Document } from 'yaml';
import type { InfraChange } from './infra-change';

export type { DriftSource, InfraChange, InfraProposal } from './infra-change';

/** The Pulumi project name in `infra/Pulumi.yaml`: stack config keys are `<project>:<key>`. */
export const INFRA_PROJECT = 'cloud-medic-fleet';

export interface DriftPatch {
  /** False when the program already agrees with the live state, or does not define it. */
  changed: boolean;
  summary: string;
  /** The new `Pulumi.<stack>.yaml`, comments and order kept. */
  configText?: string;
  /** A unit test that pins the new state, for `infra/test/drift/`. */
  pinnedTest?: { fileName: string; source: string };
}

const key = (name: string) => `${INFRA_PROJECT}:${name}`;

function configMap(doc: Document) {
  if (!doc.has('config')) doc.set('config', doc.createNode({}));
  const config = doc.get('config');
  if (!isMap(config)) throw new Error('the stack file\'s "config" is not a mapping');
  return config;
}

function scalarOf(doc: Document, name: string): string | undefined {
  const node = configMap(doc).get(key(name), true);
  return isScalar(node) ? String(node.value) : undefined;
}

function pinnedTest(
  incidentId: string,
  stack: string,
  summary: string,
  assertion: string,
): DriftPatch['pinnedTest'] {
  const fileName = `${incidentId.replace(/[^A-Za-z0-9-]/g, '-')}.test.ts`;
  const source = `// Pinned by cloud-medic for ${incidentId}: ${summary.replace(/\n/g, ' ')}
// It keeps the stack configuration equal to the live state the incident left, so \`pulumi up\`
// does not undo the fix. Delete it together with the config change if the fix is reverted.
import { loadStackConfig } from '../stack-config';
import { mockPulumi, settled, valueOf } from '../mocks';

const resources = mockPulumi(...loadStackConfig(${JSON.stringify(stack)}));
const ofType = (type: string) => resources.filter((r) => r.type === type);

beforeAll(async () => {
  const program = await import('../../index');
  await valueOf(program.autoScalingGroupName);
  await settled(resources);
});

test(${JSON.stringify(summary)}, () => {
${assertion}
});
`;
  return { fileName, source };
}

/**
 * The stack configuration patch that makes the Pulumi program describe what a remediation left
 * live, and the test that pins it. Pure: the caller reads and writes the files.
 */
export function planDriftPatch(
  change: InfraChange,
  configText: string,
  context: { incidentId: string; stack: string },
): DriftPatch {
  const doc = parseDocument(configText);
  const config = configMap(doc);
  const pin = (summary: string, assertion: string): DriftPatch => ({
    changed: true,
    summary,
    configText: doc.toString(),
    pinnedTest: pinnedTest(context.incidentId, context.stack, summary, assertion),
  });

  if (change.kind === 'instance-type') {
    if (scalarOf(doc, 'instanceType') === change.instanceType)
      return { changed: false, summary: `The stack already launches ${change.instanceType}.` };
    config.set(key('instanceType'), change.instanceType);
    return pin(
      `the launch template uses ${change.instanceType}, the size ${change.resourceId} was moved to`,
      `  expect(ofType('aws:ec2/launchTemplate:LaunchTemplate').map((r) => r.inputs.instanceType)).toEqual([${JSON.stringify(change.instanceType)}]);`,
    );
  }
  if (change.kind === 'desired-capacity') {
    if (scalarOf(doc, 'desiredCapacity') === String(change.desired))
      return { changed: false, summary: `The stack already asks for ${change.desired} instances.` };
    config.set(key('desiredCapacity'), String(change.desired));
    return pin(
      `the Auto Scaling group keeps the ${change.desired} instances ${change.group} was scaled to`,
      `  expect(ofType('aws:autoscaling/group:Group').map((r) => r.inputs.desiredCapacity)).toEqual([${change.desired}]);`,
    );
  }
  if (change.kind === 'ingress-revoked') {
    const { rule } = change;
    const extra = config.get(key('extraIngress'), true);
    const entries = isSeq(extra) ? extra.items : [];
    const matches = (item: unknown) => {
      const e = (isMap(item) ? item.toJSON() : {}) as {
        protocol?: string;
        port?: number | string;
        cidr?: string;
      };
      const port = Number(e.port);
      return (
        e.cidr === rule.cidr &&
        (rule.protocol === '-1' || e.protocol === rule.protocol) &&
        port >= rule.fromPort &&
        port <= rule.toPort
      );
    };
    const kept = entries.filter((item) => !matches(item));
    if (kept.length === entries.length)
      return {
        changed: false,
        summary: `The program does not define ${rule.protocol} ${rule.fromPort}-${rule.toPort} from ${rule.cidr} (it was added outside it), so \`pulumi up\` will not bring it back; nothing to reconcile.`,
      };
    if (kept.length === 0) config.delete(key('extraIngress'));
    else if (isSeq(extra)) extra.items = kept;
    return pin(
      `the instances' security group no longer opens port ${rule.fromPort} to ${rule.cidr}`,
      `  const group = ofType('aws:ec2/securityGroup:SecurityGroup').find((r) => r.name.endsWith('-sg') && !r.name.endsWith('-lb-sg'));
  const ingress = (group?.inputs.ingress ?? []) as { fromPort: number; toPort: number; cidrBlocks: string[] }[];
  expect(ingress.filter((r) => r.fromPort <= ${rule.fromPort} && r.toPort >= ${rule.fromPort} && r.cidrBlocks.includes(${JSON.stringify(rule.cidr)}))).toEqual([]);`,
    );
  }
  return {
    changed: false,
    summary: `The program ignores network ACL entries (ignoreChanges on the ACL's ingress) and the block of ${change.cidr} lifts itself, so there is nothing to reconcile.`,
  };
}
