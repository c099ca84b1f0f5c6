import type { Diagnosis } from './incident';
import { isShortOfMemory, isSwapping, recentDeploy } from './diagnosis-signals';

/** What the troubleshoot workflow gathered about one resource. */
export interface ResourceEvidence {
  instanceId: string;
  name?: string;
  diagnosis: Diagnosis;
  /** Incidents on it in the lookback window (open and closed), newest first. */
  incidents: { id: string; status?: string; kind?: string; openedAt: string }[];
  /** CloudWatch alarms on it that are firing. */
  alarms: { name: string; reason?: string }[];
}

export interface TroubleshootReport {
  topic: string;
  resources: string[];
  findings: string[];
  suggestions: string[];
}

const STOPWORDS = new Set([
  'the',
  'a',
  'an',
  'issue',
  'issues',
  'problem',
  'problems',
  'with',
  'on',
  'of',
  'my',
  'our',
  'is',
  'are',
  'why',
  'what',
  'slow',
  'broken',
  'failing',
  'down',
  'not',
  'working',
  'error',
  'errors',
  'troubleshoot',
  'debug',
  'it',
  'to',
  'in',
  'up',
  'me',
  'we',
  'us',
  'do',
  'be',
  'or',
  'and',
  'has',
  'was',
  'can',
  'you',
  'investigate',
  'look',
  'into',
  'at',
  'for',
  'please',
  'service',
  'app',
]);

/** The words of a free-text topic worth matching against resource names and tags ("upload" from "the upload issue"). */
export function topicKeywords(topic: string): string[] {
  return [
    ...new Set(
      topic
        .toLowerCase()
        .split(/[^a-z0-9-]+/)
        .filter((w) => w.length >= 2 && !STOPWORDS.has(w)),
    ),
  ];
}

/** Tags whose value names what an instance does: matched against the topic's keywords. */
export function matchesTopic(tags: Record<string, string>, keywords: string[]): boolean {
  const text = Object.entries(tags)
    .map(([k, v]) => `${k} ${v}`)
    .join(' ')
    .toLowerCase();
  return keywords.some((k) => text.includes(k));
}

const OPEN = new Set(['detected', 'diagnosing', 'planned', 'awaiting_approval', 'remediating', 'verifying']);

/**
 * Findings and suggested actions from the evidence, in the operator's words. Every suggestion is a
 * chat request cloud-medic understands, so the answer can be acted on by saying it.
 */
export function troubleshoot(topic: string, evidence: ResourceEvidence[]): TroubleshootReport {
  const findings: string[] = [];
  const suggestions: string[] = [];
  if (evidence.length === 0)
    return {
      topic,
      resources: [],
      findings: [`No instance matches "${topic}" by name or tag.`],
      suggestions: ['Name the instance (troubleshoot i-0abc…) or tag it with what it does (Service=upload).'],
    };
  for (const r of evidence) {
    const label = r.name ? `${r.name} (${r.instanceId})` : r.instanceId;
    const d = r.diagnosis;
    const problems: string[] = [];
    if (!d.exists) problems.push('does not exist any more');
    else if (d.state !== 'running') problems.push(`is ${d.state}`);
    if (d.instanceStatus === 'impaired' || d.systemStatus === 'impaired')
      problems.push(`fails its status checks (system ${d.systemStatus}, instance ${d.instanceStatus})`);
    else if (d.recentStatusCheckFailures > 0)
      problems.push(`had ${d.recentStatusCheckFailures} failing status check datapoint(s) recently`);
    if (d.recentMaxCpu !== undefined && d.recentMaxCpu >= 90)
      problems.push(`peaked at ${d.recentMaxCpu.toFixed(0)}% CPU`);
    if (isShortOfMemory(d))
      problems.push(
        `peaked at ${(d.recentMaxMemory ?? 0).toFixed(0)}% memory${isSwapping(d) ? ` with ${(d.recentMaxSwap ?? 0).toFixed(0)}% of swap in use` : ''} (too small for its work? one size up helps where a restart only frees it for a while)`,
      );
    for (const alarm of r.alarms)
      problems.push(`has alarm ${alarm.name} firing${alarm.reason ? ` (${alarm.reason})` : ''}`);
    const open = r.incidents.filter((i) => OPEN.has(i.status ?? ''));
    for (const i of open) problems.push(`has incident ${i.id} ${i.status?.replace('_', ' ')}`);
    const closed = r.incidents.length - open.length;
    if (closed >= 3) problems.push(`had ${closed} incidents in the last day (flapping?)`);

    // "What changed?": a fresh deploy is no problem by itself, but the first suspect beside one.
    const deploy = recentDeploy(d);
    const changed = deploy ? ` It was launched by deploy ${deploy.id} ${deploy.minutesAgo} min ago` : '';
    if (problems.length === 0) {
      findings.push(
        `${label} looks healthy: running, status checks ${d.instanceStatus ?? 'ok'}, peak CPU ${d.recentMaxCpu?.toFixed(0) ?? '?'}%.${changed ? `${changed}.` : ''}`,
      );
      continue;
    }
    findings.push(
      `${label} ${problems.join('; ')}.${changed ? `${changed}: the release is the first suspect.` : ''}`,
    );
    const waiting = open.find((i) => i.status === 'awaiting_approval');
    if (waiting) suggestions.push(`approve ${waiting.id}`);
    else if (
      d.exists &&
      (d.state === 'stopped' || d.instanceStatus === 'impaired' || d.recentStatusCheckFailures > 0)
    )
      suggestions.push(`restart ${r.instanceId}`);
    else if (d.recentMaxCpu !== undefined && d.recentMaxCpu >= 90)
      suggestions.push(`restart ${r.instanceId}`);
    if (closed >= 3) suggestions.push(`why was ${r.instanceId} restarted?`);
  }
  if (suggestions.length === 0 && findings.every((f) => f.includes('looks healthy')))
    suggestions.push(
      'Nothing to fix on these instances; the cause may be elsewhere (a dependency, the client, the network).',
    );
  return {
    topic,
    resources: evidence.map((e) => e.instanceId),
    findings,
    suggestions: [...new Set(suggestions)],
  };
}
