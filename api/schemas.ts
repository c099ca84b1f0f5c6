import { MAX_WINDOW_MINUTES } from '../domain/maintenance-window';
import { z } from 'zod';
import { ROLES } from '../domain/rbac';
import { AGENTS } from '../domain/agents';
import { parseDuration } from '../domain/duration';
import { MONITORED_METRICS } from '../domain/monitor-view';
import {
  ALL_INCIDENT_KINDS,
  DECISIONS,
  INCIDENT_KINDS,
  INCIDENT_STATUSES,
  MODES,
  SEVERITIES,
} from '../domain/incident';

/** Resource ids end up in workflow ids and visibility queries: keep them to a safe alphabet. */
export const resourceIdSchema = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9._:/-]+$/, 'letters, digits and . _ : / - only');

export const createIncidentSchema = z.strictObject({
  resourceId: resourceIdSchema,
  kind: z.enum(INCIDENT_KINDS),
  severity: z.enum(SEVERITIES).optional(),
  mode: z.enum(MODES).optional(),
  summary: z.string().min(1).max(2000).optional(),
  approvalTimeout: z
    .string()
    .max(16)
    .refine((v) => parseDuration(v) !== undefined, 'a duration such as 90s, 30m or 2h')
    .optional(),
  dryRun: z.boolean().optional(),
});
export type CreateIncidentBody = z.infer<typeof createIncidentSchema>;

const planHashSchema = z
  .string()
  .regex(/^[0-9a-f]{64}$/, 'the planHash shown on the incident (64 hex characters)');

export const decisionSchema = z.strictObject({
  decision: z.enum(DECISIONS),
  /** Who decides; a personal token decides as its own name, so this is for the bootstrap admin token. */
  by: z.string().trim().min(1).max(200).optional(),
  reason: z.string().max(2000).optional(),
  planHash: planHashSchema.optional(),
});

/** Lifting a flood block early: who (for the bootstrap admin token) and why. */
export const liftBlockSchema = z.strictObject({
  by: z.string().trim().min(1).max(200).optional(),
  reason: z.string().max(2000).optional(),
});

/** "Was your issue resolved?" */
export const feedbackSchema = z.strictObject({
  resolved: z.boolean(),
  rating: z.number().int().min(1).max(5),
  comment: z.string().max(2000).optional(),
});

export const listIncidentsQuerySchema = z.strictObject({
  status: z.enum(INCIDENT_STATUSES).optional(),
  resourceId: resourceIdSchema.optional(),
  mode: z.enum(MODES).optional(),
  kind: z.enum(ALL_INCIDENT_KINDS).optional(),
  severity: z.enum(SEVERITIES).optional(),
  agent: z.enum(AGENTS).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});
export type ListIncidentsQuery = z.infer<typeof listIncidentsQuerySchema>;

export const incidentIdSchema = z
  .string()
  .min(1)
  .max(300)
  .regex(/^[A-Za-z0-9._:/-]+$/, 'not an incident id');

/** Incidents one decision covers at most: an outage's members, not a fleet's backlog. */
export const MAX_BULK_DECISIONS = 50;

/** One decision for several incidents (one outage's members, decision 0071); each keeps its own planHash. */
export const bulkDecisionSchema = z.strictObject({
  incidents: z
    .array(z.strictObject({ id: incidentIdSchema, planHash: planHashSchema.optional() }))
    .min(1)
    .max(MAX_BULK_DECISIONS)
    .refine((list) => new Set(list.map((i) => i.id)).size === list.length, 'each incident at most once'),
  decision: z.enum(DECISIONS),
  by: z.string().trim().min(1).max(200).optional(),
  reason: z.string().max(2000).optional(),
});

export const createTokenSchema = z.strictObject({
  name: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9@._-]{1,64}$/, 'a name of 1–64 letters, digits, @ . _ or -'),
  role: z.enum(ROLES),
});

export const tokenIdSchema = z.uuid();

export const auditQuerySchema = z.strictObject({
  incidentId: z.string().max(300).optional(),
  actor: z.string().max(64).optional(),
  action: z.string().max(64).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

export const chatSchema = z.strictObject({
  message: z.string().trim().min(1, 'say something').max(2000),
});

export const defineTaskSchema = z.strictObject({
  /** The task file's text, YAML or JSON. */
  source: z
    .string()
    .min(1)
    .max(64 * 1024),
});

export const taskNameSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'a task name');

export const runTaskSchema = z.strictObject({
  params: z.record(z.string().regex(/^[a-z][a-z0-9_]{0,31}$/), z.string().max(200)).default({}),
  /** The same key returns the same run: retrying a request never runs the task twice. */
  idempotencyKey: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, _ and - (up to 64)')
    .optional(),
});

export const taskRunIdSchema = z
  .string()
  .regex(/^task-[a-z0-9-]{1,63}-[A-Za-z0-9_-]{1,64}$/, 'a task run id');

/** Fleet names are the CLI's `--fleet`: they end up in workflow ids. */
export const fleetNameSchema = z
  .string()
  .regex(/^[a-z0-9-]{1,32}$/, '1-32 lowercase letters, digits or dashes');

export const ec2InstanceIdSchema = z
  .string()
  .regex(/^i-[0-9a-f]{8,17}$/, 'an EC2 instance id like i-0abc1234def567890');

/** The path of one monitor's detector, parsed whole so each issue names its part. */
export const detectorPathSchema = z.object({ fleet: fleetNameSchema, instanceId: ec2InstanceIdSchema });

export const detectorQuerySchema = z.strictObject({
  metric: z.enum(MONITORED_METRICS).default('cpu'),
});

/** "Was this alarm expected at this hour?" about an incident a fleet monitor's detector opened. */
export const detectionVerdictSchema = z.strictObject({
  expected: z.boolean(),
});

/** `POST /maintenance`: planned work on instances, during which nothing is opened or healed (decision 0064). */
export const maintenanceRequestSchema = z
  .object({
    instances: z.array(ec2InstanceIdSchema).max(100).default([]),
    fleet: fleetNameSchema.optional(),
    /** When it starts (ISO-8601); now when absent or past. */
    startsAt: z.iso.datetime({ offset: true }).optional(),
    durationMinutes: z.number().int().min(1).max(MAX_WINDOW_MINUTES),
    reason: z.string().trim().min(1).max(500),
  })
  .refine((r) => r.instances.length > 0 || r.fleet !== undefined, {
    message: 'name the instances or the fleet the work is on',
    path: ['instances'],
  });

export const maintenanceIdSchema = z.string().regex(/^mw-[0-9a-f]{12}$/, 'a maintenance window id (mw-…)');
