import type { Diagnosis } from '../../domain/incident';
import { requestedCapacity } from '../../domain/scaling/requested';
import { matchesTopic, topicKeywords, troubleshoot, type ResourceEvidence } from '../../domain/troubleshoot';

const healthy: Diagnosis = {
  exists: true,
  state: 'running',
  instanceStatus: 'ok',
  systemStatus: 'ok',
  recentStatusCheckFailures: 0,
  recentMaxCpu: 20,
  findings: [],
};
const evidence = (
  over: Omit<Partial<ResourceEvidence>, 'diagnosis'> & { diagnosis?: Partial<Diagnosis> },
): ResourceEvidence => ({
  instanceId: 'i-1',
  name: 'upload-1',
  incidents: [],
  alarms: [],
  ...over,
  diagnosis: { ...healthy, ...over.diagnosis },
});

describe('troubleshoot', () => {
  test('keywords drop filler words; tags match on any of them', () => {
    expect(topicKeywords('Troubleshoot the upload issue with S3')).toEqual(['upload', 's3']);
    expect(matchesTopic({ Service: 'Upload-API' }, ['upload'])).toBe(true);
    expect(matchesTopic({ Service: 'billing' }, ['upload'])).toBe(false);
  });

  test('a stopped instance: the finding says so and the suggestion is a restart', () => {
    const report = troubleshoot('upload', [evidence({ diagnosis: { state: 'stopped' } })]);
    expect(report.findings).toEqual(['upload-1 (i-1) is stopped.']);
    expect(report.suggestions).toEqual(['restart i-1']);
  });

  test('a waiting incident is suggested for approval before anything new is started', () => {
    const report = troubleshoot('upload', [
      evidence({
        diagnosis: { state: 'stopped' },
        incidents: [{ id: 'incident-i-1-instance-stopped', status: 'awaiting_approval', openedAt: '' }],
        alarms: [{ name: 'upload-cpu', reason: 'Threshold crossed' }],
      }),
    ]);
    expect(report.findings[0]).toContain('has alarm upload-cpu firing (Threshold crossed)');
    expect(report.findings[0]).toContain('has incident incident-i-1-instance-stopped awaiting approval');
    expect(report.suggestions).toEqual(['approve incident-i-1-instance-stopped']);
  });

  test('healthy instances: says so and points elsewhere; flapping ones get asked about', () => {
    expect(troubleshoot('upload', [evidence({})]).suggestions[0]).toMatch(/cause may be elsewhere/);
    const flapping = troubleshoot('upload', [
      evidence({ incidents: [1, 2, 3].map((n) => ({ id: `x${n}`, status: 'resolved', openedAt: '' })) }),
    ]);
    expect(flapping.findings[0]).toContain('had 3 incidents in the last day');
    expect(flapping.suggestions).toContain('why was i-1 restarted?');
  });
});

describe('troubleshoot: memory and what changed', () => {
  test('memory pressure is a problem; a recent deploy is named beside problems as the first suspect', () => {
    const starved = troubleshoot('upload', [
      evidence({
        diagnosis: {
          recentMaxMemory: 97,
          recentMaxSwap: 44,
          deploy: { id: 'deploy-web-42', minutesAgo: 12 },
        },
      }),
    ]);
    expect(starved.findings).toEqual([
      'upload-1 (i-1) peaked at 97% memory with 44% of swap in use (too small for its work? one size up helps where a restart only frees it for a while). It was launched by deploy deploy-web-42 12 min ago: the release is the first suspect.',
    ]);
    // A fresh deploy on a healthy instance is news, not a problem; an old one is not mentioned.
    const fresh = troubleshoot('upload', [
      evidence({ diagnosis: { deploy: { id: 'deploy-web-42', minutesAgo: 12 } } }),
    ]);
    expect(fresh.findings[0]).toMatch(/looks healthy.*It was launched by deploy deploy-web-42 12 min ago\.$/);
    expect(fresh.suggestions[0]).toMatch(/cause may be elsewhere/);
    const old = troubleshoot('upload', [
      evidence({ diagnosis: { deploy: { id: 'deploy-web-41', minutesAgo: 3000 } } }),
    ]);
    expect(old.findings[0]).not.toMatch(/deploy/);
  });
});

describe('requested capacity', () => {
  const group = { name: 'web', desired: 2, minSize: 1, maxSize: 5 };
  test('absolute and relative changes, kept within the bounds with a reason', () => {
    expect(requestedCapacity(group, { to: 4 })).toEqual({ desired: 4 });
    expect(requestedCapacity(group, { by: -1 })).toEqual({ desired: 1 });
    expect(requestedCapacity(group, { by: -5 }).desired).toBe(1);
    expect(requestedCapacity(group, { to: 9 })).toEqual({
      desired: 5,
      clamped: 'web allows 1 to 5 instances, so 9 became 5; change its bounds to go further.',
    });
  });
});
