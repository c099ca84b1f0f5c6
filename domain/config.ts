import type { Mode } from './incident';
import { parseDuration } from './duration';
import { parseModeTag } from './mode';
import { parseQuorum } from './approval';
import { parseEscalation, type EscalationPolicy } from './escalation';
import { parseAutonomy, type AutonomySettings } from './autonomy';
import { parseEventSinks, type EventSink } from './lifecycle-events';
import { parseTrustedDestinations, type TrustedDestination } from './trusted-egress';

/** `slack`: Slack-compatible text + blocks; `json`: the notification as plain JSON fields. */
export const WEBHOOK_FORMATS = ['slack', 'json'] as const;

/**
 * 1 MB/s: an instance of a quiet service that jumps from 20 kB/s to 200 kB/s is news, not an incident;
 * a web server's inbound traffic at several times its usual megabytes a second is.
 */
export const DEFAULT_NETWORK_ANOMALY_FLOOR_BYTES_PER_SECOND = 1_000_000;
/**
 * Requests a second on one instance: below it a rise is a burst one instance serves without noticing;
 * at it, several times an instance's usual rate is demand worth capacity.
 */
export const DEFAULT_REQUEST_ANOMALY_FLOOR_PER_SECOND = 20;
/**
 * The same megabyte a second for outbound traffic: below it a rise is a log shipper or a backup more
 * often than a leak. A service whose data is small and precious lowers it.
 */
export const DEFAULT_EGRESS_ANOMALY_FLOOR_BYTES_PER_SECOND = 1_000_000;
export type WebhookFormat = (typeof WEBHOOK_FORMATS)[number];

/** Everything a process reads from its environment, parsed in one place with clear errors. */
export interface MedicConfig {
  temporalAddress: string;
  temporalNamespace: string;
  /**
   * TLS to the Temporal frontend (a self-hosted cluster with mTLS, or Temporal Cloud); absent = plain
   * gRPC, as the local dev server speaks.
   */
  temporalTls?: TemporalTlsSettings;
  /** A Temporal Cloud API key; implies TLS. */
  temporalApiKey?: string;
  temporalUiUrl: string;
  /** Where people open the web console; decision requests link to the incident there. */
  consoleUrl: string;
  awsRegion: string;
  /** Empty means real AWS with the default credential chain. */
  awsEndpoint?: string;
  apiHost: string;
  apiPort: number;
  dataDir: string;
  defaultMode: Mode;
  approvalTimeout: string;
  verifyTimeoutSeconds: number;
  verifyIntervalSeconds: number;
  detectionIntervalSeconds: number;
  cpuHighPercent: number;
  /** Application p99 latency (ms, metric CloudMedic/App LatencyP99) that opens a latency-high incident. */
  latencyHighMs: number;
  /** Predictive maintenance: root disk usage that counts as full. */
  diskFullPercent: number;
  /** Predictive maintenance: memory use that counts as exhausted. */
  memoryFullPercent: number;
  /** Predictive maintenance: the application's error rate (percent of requests failing) that counts as failure. */
  errorRateFailurePercent: number;
  /** A creeping metric forecast to fail within this many minutes opens a proactive incident. */
  forecastHorizonMinutes: number;
  /** CPU anomalies (streaming detector) below this level do not open incidents. */
  cpuAnomalyFloorPercent: number;
  /** p99 latency anomalies (streaming detector) below this many ms do not open incidents; half of latencyHighMs by default. */
  latencyAnomalyFloorMs: number;
  /** Inbound traffic anomalies (streaming detector on NetworkIn) below this many bytes per second do not open incidents. */
  networkAnomalyFloorBytesPerSecond: number;
  /** Outbound traffic anomalies (streaming detector on NetworkOut) below this many bytes per second do not open incidents. */
  egressAnomalyFloorBytesPerSecond: number;
  /** Request-rate anomalies (streaming detector on the agent's RequestCount) below this many a second do not open incidents. */
  requestAnomalyFloorPerSecond: number;
  /** A group member serving nothing while its siblings' median is at least this many requests a second opens not-serving. */
  notServingSiblingMinPerSecond: number;
  /** Where outbound traffic may go without a person deciding (`MEDIC_TRUSTED_EGRESS`, decision 0060). */
  trustedEgress: TrustedDestination[];
  /** While a person is asked about an outbound surge, how often its flow logs are read again for proof. */
  trustedEgressRecheckSeconds: number;
  /** While a person is asked about a member not serving, how often its requests are read again (decision 0069). */
  notServingRecheckSeconds: number;
  /** CloudWatch period for detection and verification; 10 s locally, 60 s for standard AWS metrics. */
  metricPeriodSeconds: number;
  /** Incidents closed on one resource within the window that open its circuit breaker. */
  circuitBreakerThreshold: number;
  circuitBreakerWindowMinutes: number;
  /** Blast-radius budget: remediation steps running at once, fleet-wide. */
  maxConcurrentRemediations: number;
  /** Replacements (instance terminations) allowed per hour, fleet-wide. */
  maxDestructivePerHour: number;
  /** How long an incident waits for a remediation slot before it escalates. */
  leaseWait: string;
  /**
   * After an incident closes, the same alert within this cool-down is recorded on it instead of
   * opening a new one (flapping suppression); `0` turns it off.
   */
  flapCooldown: string;
  /** Distinct approvers each action type needs (`MEDIC_QUORUM=replace-instance=2`); 1 when absent. */
  quorum: Record<string, number>;
  /** Who is asked, for how long, and the safe default, per severity (`MEDIC_ESCALATION`). */
  escalation: EscalationPolicy;
  /** Progressive autonomy: governed action types, their starting mode, and the promotion streak. */
  autonomy: AutonomySettings;
  webhookUrl?: string;
  /** `slack` (text + blocks) or `json` (the notification's fields), for receivers that are not chat tools. */
  webhookFormat: WebhookFormat;
  /** Where incident lifecycle events go (`MEDIC_EVENT_SINKS=json=<url>,eventbridge=<url>`). */
  eventSinks: EventSink[];
  /** The worker's own metrics (incidents, actions, approval waits) on <host>:<port>; port 0 = not served. */
  workerMetricsPort: number;
  /** Loopback by default; a container sets 0.0.0.0 so Prometheus in another container can scrape. */
  workerMetricsHost: string;
  /** Optional OpenAI-compatible endpoint that rephrases chat requests the offline parser misses; off when unset. */
  llm?: { url: string; apiKey?: string; model: string };
  /** The Temporal SDK's worker telemetry in Prometheus format (`host:port`); empty = off. */
  workerTelemetryAddress?: string;
  /** A token that may only post alerts (Alertmanager, SNS), so alert senders never hold the admin token. */
  alertToken?: string;
  /** SNS topics allowed to deliver CloudWatch alarms; empty = any topic with a valid signature. */
  snsTopicArns: string[];
  /** S3 bucket of the model registry (versioned artifacts and the active pointer per model). */
  modelBucket: string;
  /**
   * What the detector is retrained on: a NAB-style labelled folder, or `synthetic` for generated
   * CPU series; unset, detector retraining fails with a message saying so.
   */
  detectorDataset?: string;
  /**
   * What the demand forecaster's smoothing is retrained on: `timestamp,value` CSVs (files or folders,
   * comma-separated), or `fleet` — the groups the running scaling agents scale, from CloudWatch; unset,
   * generated weeks of demand.
   */
  demandDataset?: string;
  /** Where the fleet's VPC flow logs are delivered (`flow-logs/<fleet>/`); the model bucket by default. */
  flowLogBucket: string;
  /**
   * The coding agent's infrastructure repository: a git working copy with `infra/` (dependencies
   * installed), where drift proposals become branches. Unset = no proposals.
   */
  infraRepo?: string;
  /** The Pulumi stack whose `infra/Pulumi.<stack>.yaml` proposals patch. */
  infraStack: string;
  /** The ref proposal branches start from. */
  infraBaseRef: string;
  /** `id:base64key,…`; unset = payloads are not encrypted (see codec/). */
  payloadKeysSpec?: string;
  payloadKeyId?: string;
  /** Worker process settings (docs/capacity.md explains the defaults and when to change them). */
  worker: WorkerTuning;
}

export interface WorkerTuning {
  /** Workflows kept in memory per worker; a waiting incident outside the cache is replayed on its next event. */
  cachedWorkflows: number;
  /** Activities one worker runs at once on the healing and security queues. */
  activitySlots: number;
  /** Workflow tasks one worker runs at once per queue. */
  workflowTaskSlots: number;
}

export const TASK_QUEUES = {
  healing: 'medic-healing',
  monitoring: 'medic-monitoring',
  learning: 'medic-learning',
  security: 'medic-security',
  scaling: 'medic-scaling',
  cost: 'medic-cost',
  /** The delivery agent: deploys (canary, blue-green) with automatic rollback. */
  delivery: 'medic-delivery',
  /** The coding agent: code generation on request (drift proposals run beside the incident). */
  coding: 'medic-coding',
} as const;

export class ConfigError extends Error {}

/** File paths, read when connecting, so a rotated certificate is picked up on restart. */
export interface TemporalTlsSettings {
  clientCertPath?: string;
  clientKeyPath?: string;
  serverCaCertPath?: string;
  serverName?: string;
}

/** The Temporal CLI's own variable names, so one environment serves `temporal` and cloud-medic. */
function temporalTls(
  env: Record<string, string | undefined>,
): Pick<MedicConfig, 'temporalTls' | 'temporalApiKey'> {
  const settings: TemporalTlsSettings = {
    ...(env.TEMPORAL_TLS_CLIENT_CERT_PATH ? { clientCertPath: env.TEMPORAL_TLS_CLIENT_CERT_PATH } : {}),
    ...(env.TEMPORAL_TLS_CLIENT_KEY_PATH ? { clientKeyPath: env.TEMPORAL_TLS_CLIENT_KEY_PATH } : {}),
    ...(env.TEMPORAL_TLS_SERVER_CA_CERT_PATH
      ? { serverCaCertPath: env.TEMPORAL_TLS_SERVER_CA_CERT_PATH }
      : {}),
    ...(env.TEMPORAL_TLS_SERVER_NAME ? { serverName: env.TEMPORAL_TLS_SERVER_NAME } : {}),
  };
  if (Boolean(settings.clientCertPath) !== Boolean(settings.clientKeyPath))
    throw new ConfigError(
      'TEMPORAL_TLS_CLIENT_CERT_PATH and TEMPORAL_TLS_CLIENT_KEY_PATH must be set together (mTLS needs both)',
    );
  const tlsFlag = (env.TEMPORAL_TLS ?? '').toLowerCase();
  if (tlsFlag !== '' && tlsFlag !== 'true' && tlsFlag !== 'false')
    throw new ConfigError(`TEMPORAL_TLS must be true or false, got "${env.TEMPORAL_TLS}"`);
  const apiKey = env.TEMPORAL_API_KEY || undefined;
  if (tlsFlag === 'false' && (apiKey || Object.keys(settings).length > 0))
    throw new ConfigError('TEMPORAL_TLS=false contradicts the TEMPORAL_TLS_* paths or TEMPORAL_API_KEY');
  const wantsTls = tlsFlag === 'true' || apiKey !== undefined || Object.keys(settings).length > 0;
  return {
    ...(wantsTls ? { temporalTls: settings } : {}),
    ...(apiKey ? { temporalApiKey: apiKey } : {}),
  };
}

function positiveNumber(env: Record<string, string | undefined>, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0)
    throw new ConfigError(`${name} must be a positive number, got "${raw}"`);
  return value;
}

function nonNegativeNumber(env: Record<string, string | undefined>, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0)
    throw new ConfigError(`${name} must be 0 or a positive number, got "${raw}"`);
  return value;
}

function webhookFormat(env: Record<string, string | undefined>): WebhookFormat {
  const value = env.MEDIC_WEBHOOK_FORMAT || 'slack';
  if (!WEBHOOK_FORMATS.includes(value as WebhookFormat))
    throw new ConfigError(
      `MEDIC_WEBHOOK_FORMAT must be one of ${WEBHOOK_FORMATS.join(', ')}, got "${value}"`,
    );
  return value as WebhookFormat;
}

function llm(env: Record<string, string | undefined>): Pick<MedicConfig, 'llm'> {
  const url = env.MEDIC_LLM_URL;
  if (!url) return {};
  if (!/^https?:\/\/[^\s]+$/.test(url))
    throw new ConfigError(`MEDIC_LLM_URL must be an http(s) URL, got "${url}"`);
  return {
    llm: {
      url,
      ...(env.MEDIC_LLM_API_KEY ? { apiKey: env.MEDIC_LLM_API_KEY } : {}),
      model: env.MEDIC_LLM_MODEL || 'gpt-4o-mini',
    },
  };
}

function eventSinks(env: Record<string, string | undefined>): EventSink[] {
  try {
    return parseEventSinks(env.MEDIC_EVENT_SINKS);
  } catch (err) {
    throw new ConfigError((err as Error).message);
  }
}

function flapCooldown(env: Record<string, string | undefined>): string {
  const value = env.MEDIC_FLAP_COOLDOWN ?? '10m';
  if (value !== '0' && parseDuration(value) === undefined)
    throw new ConfigError(`MEDIC_FLAP_COOLDOWN must look like 10m or 90s, or be 0, got "${value}"`);
  return value;
}

function trustedEgress(env: Record<string, string | undefined>): TrustedDestination[] {
  try {
    return parseTrustedDestinations(env.MEDIC_TRUSTED_EGRESS ?? '');
  } catch (err) {
    throw new ConfigError(`MEDIC_TRUSTED_EGRESS: ${(err as Error).message}`);
  }
}

function quorum(env: Record<string, string | undefined>): Record<string, number> {
  try {
    return parseQuorum(env.MEDIC_QUORUM ?? '');
  } catch (err) {
    throw new ConfigError(`MEDIC_QUORUM: ${(err as Error).message}`);
  }
}

function escalation(env: Record<string, string | undefined>): EscalationPolicy {
  try {
    return parseEscalation(env.MEDIC_ESCALATION ?? '');
  } catch (err) {
    throw new ConfigError(`MEDIC_ESCALATION: ${(err as Error).message}`);
  }
}

function autonomy(env: Record<string, string | undefined>): AutonomySettings {
  try {
    return {
      initial: parseAutonomy(env.MEDIC_AUTONOMY ?? ''),
      promoteAfter: positiveNumber(env, 'MEDIC_AUTONOMY_PROMOTE_AFTER', 5),
    };
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    throw new ConfigError(`MEDIC_AUTONOMY: ${(err as Error).message}`);
  }
}

function alertToken(env: Record<string, string | undefined>): string | undefined {
  const token = env.MEDIC_ALERT_TOKEN || undefined;
  if (token !== undefined && token.length < 32)
    throw new ConfigError('MEDIC_ALERT_TOKEN must be at least 32 characters');
  return token;
}

/** MEDIC_FORECAST_HORIZON; MEDIC_DISK_HORIZON is its name from when disks were all it forecast. */
function forecastHorizonMinutes(env: Record<string, string | undefined>): number {
  const name = env.MEDIC_FORECAST_HORIZON ? 'MEDIC_FORECAST_HORIZON' : 'MEDIC_DISK_HORIZON';
  const value = env[name] || '24h';
  const ms = parseDuration(value);
  if (ms === undefined || ms < 60_000)
    throw new ConfigError(`${name} must be a duration of 1m or more like 24h, got "${value}"`);
  return ms / 60_000;
}

function infraStack(env: Record<string, string | undefined>): string {
  const stack = env.MEDIC_INFRA_STACK || 'dev';
  if (!/^[A-Za-z0-9._-]{1,100}$/.test(stack))
    throw new ConfigError(`MEDIC_INFRA_STACK must be a Pulumi stack name, got "${stack}"`);
  return stack;
}

function leaseWait(env: Record<string, string | undefined>): string {
  const value = env.MEDIC_LEASE_WAIT ?? '10m';
  if (parseDuration(value) === undefined)
    throw new ConfigError(`MEDIC_LEASE_WAIT must look like 10m or 90s, got "${value}"`);
  return value;
}

export function loadConfig(env: Record<string, string | undefined>): MedicConfig {
  const defaultModeRaw = env.MEDIC_DEFAULT_MODE ?? 'auto';
  const defaultMode = parseModeTag(defaultModeRaw);
  if (defaultMode === undefined)
    throw new ConfigError(`MEDIC_DEFAULT_MODE must be "auto" or "manual", got "${defaultModeRaw}"`);
  const approvalTimeout = env.MEDIC_APPROVAL_TIMEOUT ?? '30m';
  if (parseDuration(approvalTimeout) === undefined) {
    throw new ConfigError(`MEDIC_APPROVAL_TIMEOUT must look like 30m, 90s or 2h, got "${approvalTimeout}"`);
  }
  const apiPort = positiveNumber(env, 'MEDIC_API_PORT', 8080);
  if (!Number.isInteger(apiPort) || apiPort > 65535)
    throw new ConfigError(`MEDIC_API_PORT must be a port number`);
  const latencyHighMs = positiveNumber(env, 'MEDIC_LATENCY_HIGH_MS', 1000);
  return {
    temporalAddress: env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233',
    temporalNamespace: env.TEMPORAL_NAMESPACE ?? 'default',
    ...temporalTls(env),
    temporalUiUrl: env.MEDIC_TEMPORAL_UI_URL ?? 'http://127.0.0.1:8233',
    consoleUrl: (env.MEDIC_CONSOLE_URL || `http://127.0.0.1:${env.MEDIC_API_PORT || '8080'}`).replace(
      /\/$/,
      '',
    ),
    awsRegion: env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1',
    awsEndpoint: env.AWS_ENDPOINT_URL || undefined,
    apiHost: env.MEDIC_API_HOST ?? '127.0.0.1',
    apiPort,
    dataDir: env.MEDIC_DATA_DIR ?? '.data',
    defaultMode,
    approvalTimeout,
    verifyTimeoutSeconds: positiveNumber(env, 'MEDIC_VERIFY_TIMEOUT_SECONDS', 120),
    verifyIntervalSeconds: positiveNumber(env, 'MEDIC_VERIFY_INTERVAL_SECONDS', 5),
    detectionIntervalSeconds: positiveNumber(env, 'MEDIC_DETECTION_INTERVAL_SECONDS', 10),
    cpuHighPercent: positiveNumber(env, 'MEDIC_CPU_HIGH_PERCENT', 90),
    latencyHighMs,
    cpuAnomalyFloorPercent: positiveNumber(env, 'MEDIC_CPU_ANOMALY_FLOOR_PERCENT', 50),
    latencyAnomalyFloorMs: positiveNumber(env, 'MEDIC_LATENCY_ANOMALY_FLOOR_MS', latencyHighMs / 2),
    networkAnomalyFloorBytesPerSecond: positiveNumber(
      env,
      'MEDIC_NETWORK_ANOMALY_FLOOR_BYTES_PER_SECOND',
      DEFAULT_NETWORK_ANOMALY_FLOOR_BYTES_PER_SECOND,
    ),
    egressAnomalyFloorBytesPerSecond: positiveNumber(
      env,
      'MEDIC_EGRESS_ANOMALY_FLOOR_BYTES_PER_SECOND',
      DEFAULT_EGRESS_ANOMALY_FLOOR_BYTES_PER_SECOND,
    ),
    requestAnomalyFloorPerSecond: positiveNumber(
      env,
      'MEDIC_REQUEST_ANOMALY_FLOOR_PER_SECOND',
      DEFAULT_REQUEST_ANOMALY_FLOOR_PER_SECOND,
    ),
    notServingSiblingMinPerSecond: positiveNumber(env, 'MEDIC_NOT_SERVING_SIBLING_MIN_PER_SECOND', 1),
    trustedEgress: trustedEgress(env),
    trustedEgressRecheckSeconds: positiveNumber(env, 'MEDIC_TRUSTED_EGRESS_RECHECK_SECONDS', 60),
    notServingRecheckSeconds: positiveNumber(env, 'MEDIC_NOT_SERVING_RECHECK_SECONDS', 60),
    metricPeriodSeconds: positiveNumber(env, 'MEDIC_METRIC_PERIOD_SECONDS', 60),
    circuitBreakerThreshold: positiveNumber(env, 'MEDIC_CIRCUIT_BREAKER_THRESHOLD', 3),
    circuitBreakerWindowMinutes: positiveNumber(env, 'MEDIC_CIRCUIT_BREAKER_WINDOW_MINUTES', 60),
    maxConcurrentRemediations: positiveNumber(env, 'MEDIC_MAX_CONCURRENT_REMEDIATIONS', 1),
    maxDestructivePerHour: positiveNumber(env, 'MEDIC_MAX_DESTRUCTIVE_PER_HOUR', 10),
    leaseWait: leaseWait(env),
    flapCooldown: flapCooldown(env),
    quorum: quorum(env),
    escalation: escalation(env),
    autonomy: autonomy(env),
    webhookUrl: env.MEDIC_WEBHOOK_URL || undefined,
    webhookFormat: webhookFormat(env),
    eventSinks: eventSinks(env),
    workerMetricsPort: Math.floor(nonNegativeNumber(env, 'MEDIC_WORKER_METRICS_PORT', 0)),
    workerMetricsHost: env.MEDIC_WORKER_METRICS_HOST || '127.0.0.1',
    ...llm(env),
    workerTelemetryAddress: env.MEDIC_WORKER_TELEMETRY_ADDRESS || undefined,
    alertToken: alertToken(env),
    modelBucket: env.MEDIC_MODEL_BUCKET || 'cloud-medic-models',
    detectorDataset: env.MEDIC_DETECTOR_DATASET || undefined,
    demandDataset: env.MEDIC_DEMAND_DATASET || undefined,
    flowLogBucket: env.MEDIC_FLOW_LOG_BUCKET || env.MEDIC_MODEL_BUCKET || 'cloud-medic-models',
    snsTopicArns: (env.MEDIC_SNS_TOPIC_ARNS ?? '')
      .split(',')
      .map((a) => a.trim())
      .filter((a) => a !== ''),
    payloadKeysSpec: env.MEDIC_PAYLOAD_KEYS || undefined,
    diskFullPercent: positiveNumber(env, 'MEDIC_DISK_FULL_PERCENT', 95),
    memoryFullPercent: positiveNumber(env, 'MEDIC_MEMORY_FULL_PERCENT', 95),
    errorRateFailurePercent: positiveNumber(env, 'MEDIC_ERROR_RATE_FAILURE_PERCENT', 5),
    forecastHorizonMinutes: forecastHorizonMinutes(env),
    ...(env.MEDIC_INFRA_REPO ? { infraRepo: env.MEDIC_INFRA_REPO } : {}),
    infraStack: infraStack(env),
    infraBaseRef: env.MEDIC_INFRA_BASE || 'HEAD',
    payloadKeyId: env.MEDIC_PAYLOAD_KEY_ID || undefined,
    worker: {
      cachedWorkflows: Math.floor(positiveNumber(env, 'MEDIC_WORKER_CACHED_WORKFLOWS', 2000)),
      activitySlots: Math.floor(positiveNumber(env, 'MEDIC_WORKER_ACTIVITY_SLOTS', 50)),
      workflowTaskSlots: Math.floor(positiveNumber(env, 'MEDIC_WORKER_WORKFLOW_TASK_SLOTS', 20)),
    },
  };
}
