import { parseRange } from '../ip-address';
import { correctWord } from './fuzzy';

/**
 * Plain-language requests to intents and entities, offline and deterministic: rules over a typo-
 * corrected word list plus entity patterns. Missing entities turn into a clarifying question
 * rather than a guess. No I/O, so the API, the CLI and `medic eval intents` share it.
 */
export const INTENTS = [
  'scale_up',
  'scale_down',
  'scale_to',
  'restart',
  'troubleshoot',
  'block_ip',
  'explain',
  'list_open',
  'list_recent',
  'agent_ratings',
  'model_status',
  'approve',
  'decline',
  'handle_manually',
  'show_incident',
  'run_task',
  'generate_code',
  'maintenance',
  'help',
  'unknown',
] as const;
export type Intent = (typeof INTENTS)[number];

export interface Entities {
  instanceId?: string;
  /** A named resource that is not an instance id (web-1, db-primary). */
  resource?: string;
  group?: string;
  count?: number;
  ip?: string;
  incidentId?: string;
  task?: string;
  topic?: string;
  /** For "why was X rebooted?": the action asked about. */
  action?: string;
  /** For planned work: how long ("for 2 hours"). */
  minutes?: number;
}

export interface ParsedIntent {
  intent: Intent;
  entities: Entities;
  /** Entities the intent needs and the text did not give. */
  missing: (keyof Entities)[];
  /** The question to ask instead of acting, when something is missing or unclear. */
  clarify?: string;
}

const NUMBER_WORDS: Record<string, number> = {
  zero: 0,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
  fifteen: 15,
  twenty: 20,
  a: 1,
  an: 1,
};

const VOCABULARY = new Set([
  'maintenance',
  'healing',
  'rated',
  'ratings',
  'rating',
  'feedback',
  'agents',
  'agent',
  'manually',
  'hand',
  'handle',
  'started',
  'resized',
  'restored',
  'expanded',
  'quarantined',
  'isolated',
  'retrain',
  'rollback',
  'overnight',
  'recent',
  'recently',
  'latest',
  'happened',
  'broken',
  'model',
  'models',
  'policy',
  'detector',
  'forecaster',
  'accurate',
  'retrained',
  'run',
  'machines',
  'attacker',
  'attention',
  'commands',
  'scale',
  'scaling',
  'resize',
  'increase',
  'decrease',
  'reduce',
  'capacity',
  'instances',
  'servers',
  'resources',
  'restart',
  'reboot',
  'bounce',
  'troubleshoot',
  'debug',
  'investigate',
  'diagnose',
  'block',
  'blacklist',
  'blocklist',
  'deny',
  'approve',
  'decline',
  'reject',
  'incident',
  'incidents',
  'open',
  'active',
  'ongoing',
  'current',
  'currently',
  'right',
  'show',
  'status',
  'details',
  'describe',
  'happening',
  'rebooted',
  'restarted',
  'stopped',
  'replaced',
  'terminated',
  'scaled',
  'blocked',
  'revoked',
  'execute',
  'task',
  'runbook',
  'help',
  'what',
  'which',
  'why',
  'please',
  'more',
  'fewer',
  'less',
  'down',
  'upload',
  'issue',
  'problem',
  'slow',
  'failing',
  'broken',
  'error',
  'errors',
  'traffic',
  'address',
]);

const INSTANCE_ID = /\bi-[0-9a-f]{3,17}\b/i;
const IPV4 = /\b(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(\/\d{1,2})?\b/;
const INCIDENT_ID = /\bincident-[a-z0-9][a-z0-9._-]*\b/i;
const GROUP = /\b([a-z][a-z0-9-]*-(?:asg|group|pool|fleet))\b/i;
const NAMED_RESOURCE = /\b([a-z][a-z0-9]*(?:-[a-z0-9]+)*-\d+)\b/i;

/** Colon-separated hex with at least two colons: IPv6 candidates, each checked by `parseRange`. */
const IPV6_CANDIDATES =
  /(?<![\w:.])(?:[0-9a-f]{0,4}:){2,7}[0-9a-f]{0,4}(?:\d{1,3}(?:\.\d{1,3}){3})?(?:\/\d{1,3})?(?![\w:])/gi;

function validIp(match: RegExpExecArray): string | undefined {
  const octets = match.slice(1, 5).map(Number);
  if (octets.some((o) => o > 255)) return undefined;
  const prefix = match[5] ? Number(match[5].slice(1)) : undefined;
  if (prefix !== undefined && prefix > 32) return undefined;
  return match[0];
}

/** Whether the text writes something shaped like an address (an invalid IPv4 still reads as one). */
const namesAnAddress = (text: string): boolean => IPV4.test(text) || ipOf(text) !== undefined;

/** The first IPv4 or IPv6 address or range the text names, as written ("10:30:00" is a time, not one). */
function ipOf(text: string): string | undefined {
  const v4 = IPV4.exec(text);
  const valid = v4 ? validIp(v4) : undefined;
  if (valid) return valid;
  return [...text.matchAll(IPV6_CANDIDATES)].map((m) => m[0]).find((c) => parseRange(c) !== undefined);
}

/** Words that mean the same thing to the rules below, mapped to the one the rules know. */
const SYNONYMS: Record<string, string> = {
  machines: 'instances',
  machine: 'instance',
  boxes: 'instances',
  hosts: 'instances',
  vms: 'instances',
  servers: 'instances',
  nodes: 'instances',
  replicas: 'instances',
  horsepower: 'capacity',
  headroom: 'capacity',
  bump: 'scale',
  spin: 'scale',
  autoscale: 'scale',
  trim: 'reduce',
  cut: 'reduce',
  kick: 'restart',
  recycle: 'restart',
  attacker: 'attack',
  attacking: 'attack',
  flooding: 'attack',
  ddos: 'attack',
  approved: 'approve',
  declined: 'decline',
  dont: 'decline',
  reason: 'why',
  explain: 'why',
  cause: 'why',
  broken: 'wrong',
  off: 'wrong',
  failing: 'wrong',
  erroring: 'wrong',
};

/** Words, lower-cased, typo-corrected and mapped to synonyms; entity-looking tokens are kept as they are. */
function words(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/[’']/g, '')
    .split(/[^a-z0-9./-]+/)
    .filter((w) => w !== '')
    .map((w) => w.replace(/[.]+$/, ''))
    .map((w) => correctWord(w, VOCABULARY))
    .map((w) => SYNONYMS[w] ?? w);
}

const has = (ws: string[], ...any: string[]) => any.some((w) => ws.includes(w));

const FOR_DURATION = /\bfor\s+(?:the\s+next\s+)?(\d{1,4}|[a-z]+)\s*(minutes?|mins?|m|hours?|hrs?|h)\b/i;

/** "for 2 hours", "for an hour", "for 90m": minutes; undefined when no duration is given. */
function minutesIn(text: string): number | undefined {
  const match = FOR_DURATION.exec(text);
  if (!match) return undefined;
  const amount = /^\d+$/.test(match[1]) ? Number(match[1]) : NUMBER_WORDS[match[1].toLowerCase()];
  if (amount === undefined || amount <= 0) return undefined;
  return match[2].toLowerCase().startsWith('h') ? amount * 60 : amount;
}
const phrase = (ws: string[], p: string) => ` ${ws.join(' ')} `.includes(` ${p} `);

function countIn(ws: string[], text: string): number | undefined {
  const to =
    /\bto\s+(\d{1,4})\b/i.exec(text) ??
    /\b(\d{1,4})\s+(?:instances|servers|nodes|machines|replicas|hosts)\b/i.exec(text);
  if (to) return Number(to[1]);
  const by = /\b(?:by|add|remove)\s+(\d{1,4})\b/i.exec(text);
  if (by) return Number(by[1]);
  for (const [i, w] of ws.entries()) {
    const value = NUMBER_WORDS[w];
    if (
      value !== undefined &&
      value > 1 &&
      has(ws.slice(i + 1, i + 3), 'instances', 'servers', 'nodes', 'machines', 'replicas')
    )
      return value;
    if (w === 'to' && ws[i + 1] && NUMBER_WORDS[ws[i + 1]] !== undefined) return NUMBER_WORDS[ws[i + 1]];
  }
  return undefined;
}

function extract(text: string, ws: string[]): Entities {
  const entities: Entities = {};
  const instance = INSTANCE_ID.exec(text);
  if (instance) entities.instanceId = instance[0].toLowerCase();
  const ip = ipOf(text);
  if (ip) entities.ip = ip;
  const incident = INCIDENT_ID.exec(text);
  if (incident) entities.incidentId = incident[0];
  const group = GROUP.exec(text);
  if (group) entities.group = group[1].toLowerCase();
  const named = NAMED_RESOURCE.exec(text.replace(INCIDENT_ID, ''));
  if (named && !entities.instanceId && named[1].toLowerCase() !== entities.group)
    entities.resource = named[1].toLowerCase();
  const count = countIn(ws, text);
  if (count !== undefined) entities.count = count;
  return entities;
}

const TROUBLESHOOT_STOP = new Set([
  'so',
  'high',
  'something',
  'check',
  'understand',
  'wrong',
  'the',
  'a',
  'an',
  'my',
  'our',
  'this',
  'that',
  'with',
  'on',
  'in',
  'for',
  'issue',
  'issues',
  'problem',
  'problems',
  'please',
  'can',
  'you',
  'help',
  'me',
  'going',
  'is',
  'what',
  'whats',
  'wrong',
]);

/** The subject after the verb, up to a place phrase ("… on the db"), without filler words. */
function topicAfter(ws: string[], verbs: string[]): string | undefined {
  const at = ws.findIndex((w) => verbs.includes(w));
  const after = (at >= 0 ? ws.slice(at + 1) : ws).filter((w) => !verbs.includes(w));
  const place = after.findIndex(
    (w, i) =>
      ['on', 'in', 'at', 'for'].includes(w) && after.slice(0, i).some((x) => !TROUBLESHOOT_STOP.has(x)),
  );
  const rest = (place >= 0 ? after.slice(0, place) : after).filter((w) => !TROUBLESHOOT_STOP.has(w));
  if (rest.length) return rest.join(' ');
  // "the upload is broken, can you check": the subject comes before the verb.
  const before = (at >= 0 ? ws.slice(0, at) : []).filter((w) => !TROUBLESHOOT_STOP.has(w));
  return before.length ? before.join(' ') : undefined;
}

const PAST_ACTIONS: Record<string, string> = {
  rebooted: 'reboot',
  restarted: 'reboot',
  stopped: 'stop',
  replaced: 'replace',
  terminated: 'terminate',
  scaled: 'scale',
  blocked: 'block',
  revoked: 'revoke',
  resized: 'resize',
  started: 'start',
  restored: 'restore',
  expanded: 'expand',
  quarantined: 'quarantine',
  isolated: 'quarantine',
};

/** The same actions in the present tense, as a question names them: "why did web-1 restart?" */
const ACTION_VERBS: Record<string, string> = {
  restart: 'reboot',
  reboot: 'reboot',
  bounce: 'reboot',
  stop: 'stop',
  replace: 'replace',
  terminate: 'terminate',
  scale: 'scale',
  block: 'block',
  resize: 'resize',
};

/** The action a sentence speaks of, past or present ("rebooted", "restart"). */
const actionNamed = (ws: string[]) =>
  ws.map((w) => PAST_ACTIONS[w] ?? ACTION_VERBS[w]).find((a) => a !== undefined);

/**
 * A question rather than a request: "what…", "how…", "why…", "is…", "should…", "explain…" — but
 * "can you…", "please…" and "do not proceed" are requests. Chat carries a request out at once, so a
 * question about an action must never read as the action.
 */
const QUESTION =
  /^\s*(what|whats|how|why|when|where|who|which|is|are|was|were|has|have|does|do|did|should|shall|explain|describe|tell)\b/;
const isQuestion = (lower: string) => QUESTION.test(lower) && !/^\s*(do not|dont|don't)\b/.test(lower);

function classify(ws: string[], text: string, e: Entities): Intent {
  const lower = text.toLowerCase();
  const asking = isQuestion(lower);
  if (has(ws, 'help') && ws.length <= 4) return 'help';
  // "write a function that uploads a file to S3": code, not an action on the fleet.
  if (
    /\b(write|generate|give me|show me|need|create)\b.*\b(function|code|snippet|script|handler|module|example)\b/.test(
      lower,
    ) &&
    !e.incidentId
  )
    return 'generate_code';
  if (/\bturn it off and on\b|\bpower cycle\b/.test(lower) && !asking) return 'restart';
  if (/\bwhat (can you do|commands)\b|\bhow (do|can|should) i use you\b/.test(lower)) return 'help';
  // "why was web-1 rebooted?", "why did web-1 restart?", "when was it last rebooted?", "did it reboot?",
  // "was web-1 restarted?"
  if (
    has(ws, 'why') ||
    phrase(ws, 'what caused') ||
    phrase(ws, 'how come') ||
    (asking && /^\s*(did|when|was|were|has|have)\b/.test(lower))
  )
    if (actionNamed(ws) !== undefined) return 'explain';
  // "I'm patching i-0abc for 2 hours, leave it alone", "maintenance on web-1 for 30 minutes", "pause
  // healing on i-0abc": planned work, which cloud-medic must not heal (decision 0064).
  if (
    !asking &&
    (has(ws, 'maintenance') ||
      phrase(ws, 'pause healing') ||
      phrase(ws, 'stop healing') ||
      /\bhands off\b/.test(lower) ||
      /\bleave (it|them|[a-z0-9-]+) alone\b/.test(lower) ||
      /\b(dont|do not) (touch|heal)\b/.test(lower.replace(/[’']/g, '')))
  )
    return 'maintenance';
  if (
    has(ws, 'block', 'ban', 'blacklist', 'blocklist', 'deny', 'firewall') &&
    (namesAnAddress(text) || has(ws, 'ip', 'address', 'traffic', 'attack', 'source')) &&
    !asking
  )
    return 'block_ip';
  // "stop all traffic from 203.0.113.7", "203.0.113.7 is attacking us"
  if (namesAnAddress(text) && has(ws, 'traffic', 'attack', 'drop') && !has(ws, 'why') && !asking)
    return 'block_ip';
  // "I'll do incident-… by hand", "we handle it manually": the third answer a MANUAL incident
  // waits for, besides approve and decline. Not when the sentence names an action or a decision
  // ("restart web-1 manually" asks for a restart, "manually approve …" approves).
  if (
    (phrase(ws, 'by hand') || has(ws, 'manually') || phrase(ws, 'take over') || phrase(ws, 'taking over')) &&
    actionNamed(ws) === undefined &&
    !has(ws, 'approve', 'accept', 'decline', 'reject') &&
    !asking
  )
    return 'handle_manually';
  // "should I approve incident-…?" asks about the incident; it decides nothing.
  const decidesOrShows = (decision: Intent): Intent =>
    !asking ? decision : e.incidentId ? 'show_incident' : 'unknown';
  if (has(ws, 'approve', 'accept', 'greenlight') || phrase(ws, 'go ahead') || phrase(ws, 'ok to proceed'))
    return decidesOrShows('approve');
  if (
    has(ws, 'decline', 'reject', 'refuse', 'veto') ||
    (e.incidentId !== undefined && /^\s*no\b/i.test(text)) ||
    phrase(ws, 'do not proceed') ||
    phrase(ws, 'dont proceed')
  )
    return decidesOrShows('decline');
  if (has(ws, 'run', 'execute', 'launch', 'trigger') && has(ws, 'task', 'runbook', 'playbook') && !asking)
    return 'run_task';
  if (
    has(ws, 'troubleshoot', 'debug', 'investigate', 'diagnose') ||
    phrase(ws, 'look into') ||
    phrase(ws, 'figure out') ||
    phrase(ws, 'whats wrong with') ||
    phrase(ws, 'what is wrong with') ||
    phrase(ws, 'why is') ||
    (has(ws, 'wrong') && !has(ws, 'what', 'anything') && ws.length > 2)
  )
    return 'troubleshoot';
  if (
    (has(ws, 'restart', 'reboot', 'bounce', 'restarted', 'rebooted') ||
      phrase(ws, 'power cycle') ||
      /\bturn it off and on\b/.test(lower)) &&
    !asking
  )
    return 'restart';
  const scaling = has(ws, 'scale', 'scaling', 'resize', 'capacity') || e.group !== undefined;
  // "what is the scaling policy?", "why did it scale?", "disable scaling": talk about scaling, not a
  // request to change a group's size, which chat would carry out at once.
  const aboutScaling =
    asking ||
    has(ws, 'policy', 'policies', 'settings', 'setting', 'config', 'configuration', 'disable', 'enabled');
  if (!aboutScaling && (scaling || has(ws, 'instances', 'servers', 'resources', 'nodes', 'replicas'))) {
    if (has(ws, 'down', 'in', 'reduce', 'decrease', 'fewer', 'less', 'shrink', 'remove')) return 'scale_down';
    const toNumber = /\bto\s+(\d{1,4}|[a-z]+)\b/i.exec(text);
    const targetGiven =
      toNumber !== null &&
      (/^\d+$/.test(toNumber[1]) || NUMBER_WORDS[toNumber[1].toLowerCase()] !== undefined);
    if (targetGiven || (has(ws, 'resize', 'set') && e.count !== undefined)) return 'scale_to';
    // "api-asg should run 3 instances": a group and a number with no direction is a target.
    if (e.group !== undefined && e.count !== undefined && !has(ws, 'up', 'out', 'more', 'add', 'extra'))
      return 'scale_to';
    if (has(ws, 'up', 'out', 'increase', 'more', 'add', 'grow', 'extra', 'beef', 'boost') || scaling)
      return 'scale_up';
  }
  // "how are the agents rated?", "what feedback did we get?": the answers to "Was your issue resolved?".
  if (
    has(ws, 'rating', 'ratings', 'rated', 'feedback', 'satisfaction', 'satisfied') &&
    (has(ws, 'agent', 'agents') || asking) &&
    !e.incidentId
  )
    return 'agent_ratings';
  // "which models are active?", "how good is the detector?", "retrain the detector": the learning
  // models, not incidents (chat answers how to retrain or roll back; it does neither).
  if (
    has(ws, 'model', 'models') ||
    (has(ws, 'detector', 'forecaster', 'policy') &&
      (phrase(ws, 'roll back') ||
        has(
          ws,
          'retrain',
          'rollback',
          'good',
          'accurate',
          'precision',
          'quality',
          'version',
          'retrained',
          'trained',
          'learn',
          'learned',
          'learnt',
          'active',
          'doing',
          'score',
        )))
  )
    return 'model_status';
  // "what happened overnight?", "show me the last incidents": lately, open or closed.
  if (
    !e.incidentId &&
    (phrase(ws, 'what happened') ||
      (has(ws, 'incidents', 'incident', 'alerts') &&
        has(ws, 'recent', 'recently', 'latest', 'last', 'overnight', 'yesterday', 'today', 'history')))
  )
    return 'list_recent';
  // "is anything broken?", "is something down?"
  if (asking && has(ws, 'anything', 'something') && has(ws, 'broken', 'down', 'failing', 'wrong', 'failed'))
    return 'list_open';
  if (
    has(
      ws,
      'open',
      'active',
      'ongoing',
      'current',
      'currently',
      'firing',
      'unresolved',
      'pending',
      'happening',
    ) &&
    !e.incidentId
  )
    return 'list_open';
  if (
    phrase(ws, 'right now') ||
    phrase(ws, 'on fire') ||
    phrase(ws, 'my attention') ||
    phrase(ws, 'what is wrong') ||
    /\bany (incidents|alerts|problems)\b|\bhaving an? (incident|outage)\b/.test(lower)
  )
    return 'list_open';
  if (e.incidentId || (has(ws, 'show', 'status', 'details', 'describe') && has(ws, 'incident')))
    return 'show_incident';
  return 'unknown';
}

const NEEDS: Partial<
  Record<Intent, { entity: keyof Entities; alternatives?: (keyof Entities)[]; question: string }>
> = {
  restart: {
    entity: 'instanceId',
    alternatives: ['resource'],
    question: 'Which instance should I restart? Give its id (i-…) or name.',
  },
  block_ip: { entity: 'ip', question: 'Which IP address (or CIDR block) should I block?' },
  approve: { entity: 'incidentId', question: 'Which incident should I approve? Give its id (incident-…).' },
  decline: { entity: 'incidentId', question: 'Which incident should I decline? Give its id (incident-…).' },
  handle_manually: {
    entity: 'incidentId',
    question: 'Which incident will you handle by hand? Give its id (incident-…).',
  },
  explain: {
    entity: 'instanceId',
    alternatives: ['resource', 'group', 'ip'],
    question: 'Which resource do you mean? Give its id (i-…) or name.',
  },
  scale_to: {
    entity: 'group',
    alternatives: ['resource'],
    question: 'Which Auto Scaling group should I resize?',
  },
  run_task: { entity: 'task', question: 'Which task should I run? `medic tasks list` shows them.' },
  maintenance: {
    entity: 'instanceId',
    alternatives: ['resource'],
    question: 'Which instance is the work on? Give its id (i-…) or name, and for how long ("for 2 hours").',
  },
  show_incident: { entity: 'incidentId', question: 'Which incident? Give its id (incident-…).' },
};

export function parseIntent(text: string): ParsedIntent {
  const clipped = text.slice(0, 2000);
  const ws = words(clipped);
  const entities = extract(clipped, ws);
  const intent = classify(ws, clipped, entities);
  if (intent === 'troubleshoot') {
    const topic = topicAfter(ws, [
      'troubleshoot',
      'debug',
      'investigate',
      'diagnose',
      'into',
      'out',
      'wrong',
      'is',
    ]);
    if (topic) entities.topic = topic;
  }
  if (intent === 'maintenance') {
    const minutes = minutesIn(clipped);
    if (minutes !== undefined) entities.minutes = minutes;
  }
  if (intent === 'explain') {
    const action = actionNamed(ws);
    if (action) entities.action = action;
  }
  if (intent === 'run_task') {
    // "run the rotate-logs task" or "run task rotate-logs": the name beside the word task.
    const at = ws.findIndex((w) => ['task', 'runbook', 'playbook'].includes(w));
    const NOT_NAMES = new Set([
      'the',
      'a',
      'an',
      'on',
      'my',
      'run',
      'execute',
      'launch',
      'trigger',
      'please',
    ]);
    const candidate = [ws[at - 1], ws[at + 1]].find(
      (w) => w !== undefined && !NOT_NAMES.has(w) && /^[a-z0-9][a-z0-9_-]*$/.test(w),
    );
    if (at >= 0 && candidate) entities.task = candidate;
  }
  if (intent !== 'scale_up' && intent !== 'scale_down' && intent !== 'scale_to') delete entities.count;
  const need = NEEDS[intent];
  const missing: (keyof Entities)[] = [];
  if (
    need &&
    entities[need.entity] === undefined &&
    !(need.alternatives ?? []).some((a) => entities[a] !== undefined)
  )
    missing.push(need.entity);
  if (intent === 'scale_to' && entities.count === undefined) missing.push('count');
  const result: ParsedIntent = { intent, entities, missing };
  if (missing.length)
    result.clarify =
      missing.includes('count') && need && missing.length === 1 ? 'To how many instances?' : need?.question;
  if (intent === 'unknown')
    result.clarify = has(ws, 'scale', 'scaling', 'autoscaling', 'capacity')
      ? 'I change a group\'s size only when asked to ("scale web-asg to 6", "scale up web-asg"). What the scaling agent decided and why: medic scale status --group NAME.'
      : isQuestion(clipped.toLowerCase()) &&
          (actionNamed(ws) !== undefined || has(ws, 'approve', 'decline', 'run', 'task'))
        ? 'I do what I am asked to, not what I am asked about: "restart web-1", "block 203.0.113.7" or "approve incident-…" does it; "why was web-1 rebooted?" tells what cloud-medic did and why.'
        : 'I did not understand that. I can scale a group, restart an instance, troubleshoot an issue, block an IP, explain an action, list open incidents, approve or decline one, or run a task.';
  return result;
}
