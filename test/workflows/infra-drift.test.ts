import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createChaos } from '../../activities/chaos';
import { createFleet } from '../../activities/fleet';
import { createInfraDriftActivities } from '../../activities/infra-drift';
import { openSecurityIncident } from '../../activities/security-starter';
import type { IncidentReport } from '../../domain/incident';
import { ROOT } from '../support/env';
import { createFleetGroup } from '../support/groups';
import { startHarness, type MedicHarness } from '../support/harness';

let h: MedicHarness;
let repo: string;
const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@localhost', ...args], {
    cwd,
    encoding: 'utf8',
  }).trim();

/** The infrastructure repository as a team keeps it: this project, with a committed dev stack. */
function infraWorkingCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), 'medic-infra-repo-'));
  execFileSync('git', ['clone', '--quiet', ROOT, dir]);
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  symlinkSync(join(ROOT, 'infra', 'node_modules'), join(dir, 'infra', 'node_modules'), 'dir');
  writeFileSync(
    join(dir, 'infra', 'Pulumi.dev.yaml'),
    `config:
  aws:region: us-east-1
  cloud-medic-fleet:fleet: web
  cloud-medic-fleet:desiredCapacity: "2"
  # Opened for a debugging session and never closed.
  cloud-medic-fleet:extraIngress:
    - protocol: tcp
      port: 22
      cidr: 0.0.0.0/0
`,
  );
  git(dir, 'add', 'infra/Pulumi.dev.yaml');
  git(dir, 'commit', '--quiet', '-m', 'dev stack');
  return dir;
}

beforeAll(async () => {
  repo = infraWorkingCopy();
  h = await startHarness('drift', { MEDIC_INFRA_REPO: repo });
}, 120_000);

afterAll(async () => {
  await h?.teardown();
  rmSync(repo, { recursive: true, force: true });
});

describe('coding agent: drift reconciliation', () => {
  test('a revoked world-open rule becomes a checked branch that removes it from the stack and pins it', async () => {
    const head = git(repo, 'rev-parse', 'HEAD');
    const fleet = `drift-${process.pid}`;
    await createFleet(h.aws, { fleet, size: 1, manualCount: 0 });
    const groupId = await createChaos(h.aws.ec2, h.aws.cloudwatch).openPortToWorld(fleet, 22);
    const opened = await openSecurityIncident(h.env.client, {
      groupId,
      protocol: 'tcp',
      fromPort: 22,
      toPort: 22,
      cidr: '0.0.0.0/0',
    });
    const report = (await h.env.client.workflow.getHandle(opened.incidentId).result()) as IncidentReport;
    expect(report.outcome).toBe('resolved');
    const proposal = report.infraProposal;
    expect(proposal).toMatchObject({ status: 'proposed', branch: `medic/${opened.incidentId}`, base: head });
    expect(proposal?.checks).toContain('infra tests: passed');
    expect(proposal?.diff).toMatch(/^-\s+port: 22$/m);
    expect(proposal?.diff).toContain(`+++ b/infra/test/drift/${opened.incidentId}.test.ts`);

    // The working copy is untouched: same branch, same commit, nothing staged; nothing was pushed.
    expect(git(repo, 'rev-parse', 'HEAD')).toBe(head);
    expect(git(repo, 'status', '--porcelain', '--untracked-files=no')).toBe('');
    expect(git(repo, 'branch', '--list', 'medic/*')).toContain(opened.incidentId);

    // The pinned test fails on the unpatched stack: it really pins the fix.
    const check = mkdtempSync(join(tmpdir(), 'medic-pin-'));
    rmSync(check, { recursive: true });
    git(repo, 'worktree', 'add', '--quiet', '--detach', check, head);
    try {
      symlinkSync(join(ROOT, 'node_modules'), join(check, 'node_modules'), 'dir');
      symlinkSync(join(ROOT, 'infra', 'node_modules'), join(check, 'infra', 'node_modules'), 'dir');
      const testFile = `infra/test/drift/${opened.incidentId}.test.ts`;
      git(check, 'checkout', `medic/${opened.incidentId}`, '--', testFile);
      expect(() =>
        execFileSync('npx', ['--no-install', 'jest', '--ci', '-c', 'infra/jest.config.js', testFile], {
          cwd: check,
          stdio: 'pipe',
        }),
      ).toThrow();
    } finally {
      git(repo, 'worktree', 'remove', '--force', check);
    }
  });

  test('a capacity change is proposed once per incident, and a stack that already agrees needs nothing', async () => {
    const fleet = `drift-asg-${process.pid}`;
    const group = await createFleetGroup(h.aws, fleet, { min: 1, max: 5, desired: 3 });
    const activities = createInfraDriftActivities(
      h.aws,
      { repo, stack: 'dev', baseRef: 'HEAD' },
      () => () => undefined,
    );
    const first = await activities.proposeInfraPatch({
      incidentId: 'capacity-request-web-1',
      source: { kind: 'desired-capacity', group },
    });
    expect(first.status).toBe('proposed');
    expect(first.diff).toMatch(/^\+\s+cloud-medic-fleet:desiredCapacity: ['"]3['"]$/m);
    const tip = git(repo, 'rev-parse', 'medic/capacity-request-web-1');
    const retried = await activities.proposeInfraPatch({
      incidentId: 'capacity-request-web-1',
      source: { kind: 'desired-capacity', group },
    });
    expect(retried).toMatchObject({ status: 'proposed', branch: 'medic/capacity-request-web-1' });
    expect(git(repo, 'rev-parse', 'medic/capacity-request-web-1')).toBe(tip);

    const two = await createFleetGroup(h.aws, `${fleet}-b`, { min: 1, max: 5, desired: 2 });
    const same = await activities.proposeInfraPatch({
      incidentId: 'capacity-request-web-2',
      source: { kind: 'desired-capacity', group: two },
    });
    expect(same.status).toBe('no-change');
    expect(git(repo, 'branch', '--list', 'medic/capacity-request-web-2')).toBe('');
  });
});
