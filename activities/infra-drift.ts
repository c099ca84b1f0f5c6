import { AUTOSCALING_GROUP_TAG } from './tags';
import type { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import type { EC2Client } from '@aws-sdk/client-ec2';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { planDriftPatch, type DriftSource, type InfraChange, type InfraProposal } from '../domain/drift';
import type { Heartbeat } from './ec2-remediation';
import { requireInstance, tagValue } from './instances';
import { describeGroup } from './scaling';
import { linkDependencies, runCommand, tail } from './workspace';

export interface InfraRepoSettings {
  /** A git working copy of the infrastructure repository (with `infra/` and its dependencies installed). */
  repo?: string;
  stack: string;
  /** The ref proposals branch from. */
  baseRef: string;
}

const MAX_DIFF = 20_000;

/**
 * The coding agent's drift reconciliation: turns what a remediation changed into a patch of the
 * Pulumi stack configuration plus a test that pins it, on a branch `medic/<incident>` of the
 * configured working copy, checked (type check + the infra tests) before it is proposed. It never
 * pushes, and it never touches the working copy's checked-out branch (a worktree does the work).
 */
export function createInfraDriftActivities(
  clients: { ec2: EC2Client; autoscaling: AutoScalingClient },
  settings: InfraRepoSettings,
  heartbeat: () => Heartbeat,
) {
  const git = (cwd: string, ...args: string[]) => runCommand('git', args, { cwd, timeoutMs: 60_000 });

  async function resolve(source: DriftSource): Promise<InfraChange> {
    if (source.kind === 'instance-type') {
      const instance = await requireInstance(clients.ec2, source.instanceId);
      return {
        kind: 'instance-type',
        resourceId: source.instanceId,
        instanceType: instance.InstanceType ?? '',
      };
    }
    if (source.kind === 'group-capacity' || source.kind === 'desired-capacity') {
      const group =
        source.kind === 'desired-capacity'
          ? source.group
          : tagValue(await requireInstance(clients.ec2, source.instanceId), AUTOSCALING_GROUP_TAG);
      if (!group) throw new Error('the instance is in no Auto Scaling group');
      const found = await describeGroup(clients.autoscaling, group);
      return { kind: 'desired-capacity', group, desired: found.DesiredCapacity ?? 0 };
    }
    return source;
  }

  async function existingProposal(
    repo: string,
    branch: string,
    base: string,
  ): Promise<InfraProposal | undefined> {
    await git(repo, 'worktree', 'prune');
    const tip = await git(repo, 'rev-parse', '--verify', '--quiet', `refs/heads/${branch}`);
    if (!tip.ok) return undefined;
    // An attempt that died before its commit left an empty branch: start again.
    if (tip.output === base) {
      await git(repo, 'branch', '-D', branch);
      return undefined;
    }
    const diff = await git(repo, 'diff', `${base}...${branch}`);
    const message = await git(repo, 'log', '-1', '--format=%b', branch);
    return {
      status: message.output.includes('checks: failed') ? 'checks-failed' : 'proposed',
      summary: (await git(repo, 'log', '-1', '--format=%s', branch)).output,
      repo,
      branch,
      base,
      diff: diff.output.slice(0, MAX_DIFF),
    };
  }

  return {
    async proposeInfraPatch(input: { incidentId: string; source: DriftSource }): Promise<InfraProposal> {
      const repo = settings.repo;
      if (!repo)
        return {
          status: 'not-configured',
          summary: 'No infrastructure repository is configured (MEDIC_INFRA_REPO).',
        };
      const beat = heartbeat();
      const change = await resolve(input.source);
      const branch = `medic/${input.incidentId.replace(/[^A-Za-z0-9._-]/g, '-')}`;
      const base = (await git(repo, 'rev-parse', settings.baseRef)).output;
      // A retry after the branch was made finds it: the proposal is made once per incident.
      const earlier = await existingProposal(repo, branch, base);
      if (earlier) return earlier;

      const configPath = `infra/Pulumi.${settings.stack}.yaml`;
      const configFile = join(repo, configPath);
      const current = existsSync(configFile) ? readFileSync(configFile, 'utf8') : 'config: {}\n';
      const patch = planDriftPatch(change, current, { incidentId: input.incidentId, stack: settings.stack });
      if (!patch.changed || !patch.configText || !patch.pinnedTest)
        return { status: 'no-change', summary: patch.summary, repo };

      const worktree = mkdtempSync(join(tmpdir(), 'medic-drift-'));
      rmSync(worktree, { recursive: true });
      const added = await git(repo, 'worktree', 'add', '-b', branch, worktree, base);
      if (!added.ok) throw new Error(`git worktree add: ${tail(added.output, 5)}`);
      try {
        linkDependencies(repo, worktree);
        linkDependencies(join(repo, 'infra'), join(worktree, 'infra'));
        writeFileSync(join(worktree, configPath), patch.configText);
        const testPath = `infra/test/drift/${patch.pinnedTest.fileName}`;
        mkdirSync(join(worktree, 'infra', 'test', 'drift'), { recursive: true });
        writeFileSync(join(worktree, testPath), patch.pinnedTest.source);
        beat(`checking the patched program for ${input.incidentId}`);
        await runCommand('npx', ['--no-install', 'prettier', '--write', configPath, testPath], {
          cwd: worktree,
          beat: () => beat('formatting'),
        });
        const typecheck = await runCommand('npx', ['--no-install', 'tsc', '-p', 'infra/tsconfig.json'], {
          cwd: worktree,
          beat: () => beat('type-checking infra/'),
        });
        const tests = typecheck.ok
          ? await runCommand('npx', ['--no-install', 'jest', '--ci', '-c', 'infra/jest.config.js'], {
              cwd: worktree,
              beat: () => beat('running the infra tests'),
            })
          : { ok: false, output: 'not run: the type check failed' };
        const passed = typecheck.ok && tests.ok;
        const checks = `type check: ${typecheck.ok ? 'passed' : 'failed'}\n${tail(typecheck.output, 10)}\ninfra tests: ${tests.ok ? 'passed' : 'failed'}\n${tail(tests.output, 15)}`;
        await git(worktree, 'add', configPath, testPath);
        const committed = await git(
          worktree,
          '-c',
          'user.name=cloud-medic',
          '-c',
          'user.email=cloud-medic@localhost',
          'commit',
          '--no-verify',
          '-m',
          `Reconcile drift from ${input.incidentId}: ${patch.summary}`,
          '-m',
          `The live infrastructure was changed by cloud-medic; this keeps ${configPath} in step so \`pulumi up\` does not undo it.\n\nchecks: ${passed ? 'passed' : 'failed'}`,
        );
        if (!committed.ok) throw new Error(`git commit: ${tail(committed.output, 5)}`);
        const diff = await git(repo, 'diff', `${base}...${branch}`);
        return {
          status: passed ? 'proposed' : 'checks-failed',
          summary: patch.summary,
          repo,
          branch,
          base,
          diff: diff.output.slice(0, MAX_DIFF),
          checks,
        };
      } finally {
        await git(repo, 'worktree', 'remove', '--force', worktree);
        rmSync(worktree, { recursive: true, force: true });
      }
    },
  };
}
