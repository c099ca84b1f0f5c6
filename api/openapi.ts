import { z } from 'zod';
import { alertmanagerPayloadSchema } from './alerts';
import { snsMessageSchema } from './sns';
import { ERROR_STATUS } from './errors';
import {
  createIncidentSchema,
  chatSchema,
  createTokenSchema,
  maintenanceRequestSchema,
  bulkDecisionSchema,
  decisionSchema,
  liftBlockSchema,
  detectorQuerySchema,
  detectionVerdictSchema,
  defineTaskSchema,
  runTaskSchema,
  feedbackSchema,
  listIncidentsQuerySchema,
} from './schemas';
import { ROUTE_PERMISSIONS, type RouteKey } from './route-permissions';
import { monitoredMetricNames } from '../domain/monitor-view';

/** JSON Schema for a request body, in the dialect OpenAPI 3.1 uses, from the same zod schema that validates it. */
const body = (schema: z.ZodType) => ({
  required: true,
  content: {
    'application/json': { schema: z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) },
  },
});

const errorResponse = (description: string) => ({
  description,
  content: {
    'application/json': {
      schema: {
        type: 'object',
        properties: {
          error: {
            type: 'object',
            properties: {
              code: { type: 'string', enum: Object.keys(ERROR_STATUS) },
              message: { type: 'string' },
              details: {},
            },
            required: ['code', 'message'],
          },
        },
        required: ['error'],
      },
    },
  },
});

const queryParameters = () => {
  const schema = z.toJSONSchema(listIncidentsQuerySchema, { io: 'input' }) as {
    properties: Record<string, object>;
  };
  return Object.entries(schema.properties).map(([name, s]) => ({
    name,
    in: 'query',
    required: false,
    schema: s,
  }));
};

const idParameter = { name: 'id', in: 'path', required: true, schema: { type: 'string' } };

/** Each operation's required permission (`x-permission`) and its 401/403 answers, from ROUTE_PERMISSIONS. */
interface Operation {
  summary: string;
  responses: Record<string, unknown>;
  [field: string]: unknown;
}

function withPermissions(paths: Record<string, Record<string, Operation>>) {
  for (const [path, operations] of Object.entries(paths))
    for (const [method, operation] of Object.entries(operations)) {
      const key = `${method.toUpperCase()} /api/v1${path.replace(/\{(\w+)\}/g, ':$1')}` as RouteKey;
      const permission = ROUTE_PERMISSIONS[key];
      Object.assign(operation, { 'x-permission': permission });
      operation.responses['401'] ??= errorResponse('no or bad token');
      operation.responses['403'] ??= errorResponse(`the token's role lacks the "${permission}" permission`);
    }
  return paths;
}

/** The OpenAPI 3.1 document of the HTTP API, generated from the zod schemas that validate requests. */
export function openApiDocument() {
  return {
    openapi: '3.1.0',
    info: { title: 'cloud-medic API', version: '0.1.0' },
    servers: [{ url: '/api/v1' }],
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    security: [{ bearer: [] }],
    paths: withPermissions({
      '/incidents': {
        post: {
          summary: 'Open an incident, or join the open one for the same resource and kind',
          requestBody: body(createIncidentSchema),
          responses: {
            '201': { description: 'opened' },
            '200': { description: 'an incident for this resource and kind was already open' },
            '400': errorResponse('invalid body (zod issues in details)'),
            '401': errorResponse('no or bad token'),
          },
        },
        get: {
          summary:
            'List incidents from Temporal visibility: those still being worked on first, then the closed ones, each newest opened first',
          parameters: queryParameters(),
          responses: { '200': { description: '{incidents: [...]}' }, '400': errorResponse('invalid filter') },
        },
      },
      '/incidents/{id}': {
        get: {
          summary: 'An incident: state, plan, timeline, report',
          parameters: [idParameter],
          responses: { '200': { description: 'the incident' }, '404': errorResponse('unknown id') },
        },
      },
      '/incidents/{id}/evidence': {
        get: {
          summary: 'The metric around the incident (CloudWatch), for the console sparkline',
          parameters: [idParameter],
          responses: {
            '200': { description: '{metric, unit, points[{at, value}], openedAt, closedAt?}' },
            '404': errorResponse('unknown id, or no metric for this kind of incident'),
          },
        },
      },
      '/stream/incidents': {
        get: {
          summary:
            'Server-Sent Events: the incident list (same filters as GET /incidents) each time it changes; ?once=true ends after the first',
          parameters: [
            ...queryParameters(),
            { name: 'once', in: 'query', required: false, schema: { type: 'boolean' } },
          ],
          responses: {
            '200': {
              description: 'text/event-stream of `incidents` events',
              content: { 'text/event-stream': {} },
            },
            '400': errorResponse('invalid filter'),
          },
        },
      },
      '/stream/incidents/{id}': {
        get: {
          summary: 'Server-Sent Events: the incident (state, timeline, report) each time it changes',
          parameters: [
            idParameter,
            { name: 'once', in: 'query', required: false, schema: { type: 'boolean' } },
          ],
          responses: {
            '200': {
              description: 'text/event-stream of `incident` events',
              content: { 'text/event-stream': {} },
            },
            '404': errorResponse('unknown id'),
          },
        },
      },
      '/stats': {
        get: {
          summary:
            'Dashboard figures over 24 h: open by severity and status, MTTR, auto-resolution rate, per-agent success and rating, actions per hour against the budget',
          responses: { '200': { description: 'the figures' } },
        },
      },
      '/models': {
        get: {
          summary:
            'The model registry: each model (detector, rootcause, remediation-policy, demand-forecast) with the metric its versions are compared on and, once one is promoted, its active version: since when and why, its held-out metrics and training data range, and the earlier versions a rollback returns to (past them, the shipped model: then `shipped` says since when and from which version)',
          responses: { '200': { description: '{models}' } },
        },
      },
      '/incidents/{id}/detection': {
        post: {
          summary: `Was this alarm expected at this hour? For an incident a fleet monitor's detector (${monitoredMetricNames()}) opened: \`expected: true\` makes its hour of the week a weekly routine of that detector at once (no alarm there while it keeps coming back); \`false\` says it was a fault, so it counts for no routine and alarms again if it recurs (decision 0051)`,
          parameters: [idParameter],
          requestBody: body(detectionVerdictSchema),
          responses: {
            '202': { description: '{fleet, instanceId, metric, verdict, hourOfWeek, explanation}' },
            '400': errorResponse('invalid body'),
            '404': errorResponse('unknown incident, no monitor for its fleet, or no detector for it'),
            '409': errorResponse(
              `the incident was not opened by a fleet monitor's detector (${monitoredMetricNames()})`,
            ),
            '503': errorResponse('the monitor did not answer in 5 s'),
          },
        },
        get: {
          summary:
            'The last answer to "was this alarm expected?" for the incident\'s run, kept after its workflow ends: model monitoring counts it for the detector\'s precision (decision 0052)',
          parameters: [idParameter],
          responses: {
            '200': {
              description:
                '{answer: {incidentId, runId, verdict, fleet, instanceId, metric, hourOfWeek, by, at} or null when no one has answered}',
            },
            '404': errorResponse('unknown incident'),
          },
        },
      },
      '/monitors': {
        get: {
          summary:
            'The running fleet monitors (Temporal visibility), each with the series it keeps a detector for: instance, metric (cpu, latency, network or egress), points learnt from, fed up to; series is null when the monitor did not answer',
          responses: {
            '200': {
              description:
                '{monitors: [{fleet, runStartedAt, series, instancesInFleet, flowLogProblem?: {key, reason, deliveries, at}}]}: flowLogProblem when the flow-log deliveries it reads cannot be judged for floods',
            },
          },
        },
      },
      '/monitors/{fleet}/detectors/{instanceId}': {
        get: {
          summary:
            "What one fleet monitor's detector takes for usual, as `medic monitor show` prints it: the recent level, the daily profile's hours (value and spread, UTC), the odd days' profile, each weekday's kind and level, and the weekly routines",
          parameters: [
            { name: 'fleet', in: 'path', required: true, schema: { type: 'string' } },
            { name: 'instanceId', in: 'path', required: true, schema: { type: 'string' } },
            {
              name: 'metric',
              in: 'query',
              required: false,
              schema: z.toJSONSchema(detectorQuerySchema, { io: 'input' }).properties?.metric ?? {},
            },
          ],
          responses: {
            '200': { description: 'the detector' },
            '400': errorResponse('a fleet name, instance id or metric that is not valid'),
            '404': errorResponse('no monitor for the fleet, or no detector for the instance and metric'),
            '503': errorResponse('the monitor did not answer in 5 s (its worker is down or stuck)'),
          },
        },
      },
      '/catalogue': {
        get: {
          summary:
            'The action catalogue: each action with its agent, preconditions, AWS calls, verification, compensation and whether it is destructive',
          responses: { '200': { description: '{actions}' } },
        },
      },
      '/me': {
        get: {
          summary:
            'Who this token is: name, role and permissions (the console shows only what the role may do)',
          responses: { '200': { description: '{name, role, permissions}' } },
        },
      },
      '/incidents/{id}/decision': {
        post: {
          summary: 'Approve, decline or take over a MANUAL incident',
          parameters: [idParameter],
          requestBody: body(decisionSchema),
          responses: {
            '202': { description: 'accepted' },
            '400': errorResponse('invalid body'),
            '404': errorResponse('unknown id'),
            '409': errorResponse(
              'not awaiting a decision, stale planHash, or a second approval by the same person',
            ),
          },
        },
      },
      '/incidents/{id}/lift': {
        post: {
          summary:
            "Lift a traffic-flood incident's block before its time: every deny entry it made is removed, and the lift step names who asked and why",
          parameters: [idParameter],
          requestBody: body(liftBlockSchema),
          responses: {
            '202': { description: '{id, cidr, lifting: true}' },
            '400': errorResponse('invalid body'),
            '404': errorResponse('unknown id'),
            '409': errorResponse('not a traffic-flood incident, closed, or holding no block'),
          },
        },
      },
      '/incidents/decisions': {
        post: {
          summary:
            "One person's decision for several incidents (an outage's members, decision 0071): each incident gets it as its own decision, checked against its own state, plan and quorum; the answer lists each one's result, and the audit log records one line per incident",
          requestBody: body(bulkDecisionSchema),
          responses: {
            '200': {
              description:
                '{decision, decided, refused, results: [{id, ok: true, status, approvals?, required?} | {id, ok: false, error: {code, message}}]}',
            },
            '400': errorResponse('invalid body: no incident, more than 50, or one named twice'),
          },
        },
      },
      '/incidents/{id}/feedback': {
        post: {
          summary:
            '"Was your issue resolved?" for a closed incident (one answer per run; a new answer replaces it)',
          parameters: [idParameter],
          requestBody: body(feedbackSchema),
          responses: {
            '201': { description: 'recorded' },
            '400': errorResponse('invalid body'),
            '404': errorResponse('unknown id'),
            '409': errorResponse('the incident is still open'),
          },
        },
      },
      '/autonomy': {
        get: {
          summary: 'Progressive autonomy: each governed action type, its mode, streak and history',
          responses: { '200': { description: 'the policy' } },
        },
      },
      '/feedback/agents': {
        get: {
          summary: 'Answers, mean rating and resolved share per agent',
          responses: { '200': { description: 'ratings' } },
        },
      },
      '/chat': {
        post: {
          summary:
            'Plain language: intent, entities and a reply; lists, shows, explains and decides incidents under your own permissions',
          requestBody: body(chatSchema),
          responses: {
            '200': { description: '{intent, entities, missing, clarify?, reply, executed, suggestion?}' },
            '400': errorResponse('no message'),
          },
        },
      },
      '/tasks': {
        get: {
          summary: 'Custom tasks (runbooks) defined so far',
          responses: { '200': { description: '{tasks}' } },
        },
        post: {
          summary: 'Define or replace a custom task from its YAML or JSON text',
          requestBody: body(defineTaskSchema),
          responses: {
            '201': { description: 'stored' },
            '400': errorResponse('not valid: details list each problem with its line and field'),
          },
        },
      },
      '/tasks/{name}': {
        get: {
          summary: 'A custom task: its definition and source',
          parameters: [{ ...idParameter, name: 'name' }],
          responses: { '200': { description: 'the task' }, '404': errorResponse('unknown task') },
        },
      },
      '/tasks/{name}/runs': {
        post: {
          summary: 'Run a custom task (the same idempotencyKey returns the same run)',
          parameters: [{ ...idParameter, name: 'name' }],
          requestBody: body(runTaskSchema),
          responses: {
            '202': { description: '{id}' },
            '400': errorResponse('missing or malformed parameters'),
            '404': errorResponse('unknown task'),
          },
        },
      },
      '/task-runs/{id}': {
        get: {
          summary: 'A task run: status, each step with its outcome (running while it runs)',
          parameters: [idParameter],
          responses: { '200': { description: 'the run' }, '404': errorResponse('unknown run') },
        },
      },
      '/task-runs/{id}/decision': {
        post: {
          summary: 'Approve or decline a task run that needs approval',
          parameters: [idParameter],
          requestBody: body(decisionSchema),
          responses: { '202': { description: 'accepted' }, '409': errorResponse('not awaiting a decision') },
        },
      },
      '/audit': {
        get: {
          summary: 'The append-only audit log, newest first, and whether its hash chain is intact',
          parameters: ['incidentId', 'actor', 'action', 'limit'].map((name) => ({
            name,
            in: 'query',
            required: false,
            schema: { type: name === 'limit' ? 'integer' : 'string' },
          })),
          responses: { '200': { description: '{entries, chainIntact}' } },
        },
      },
      '/tokens': {
        get: {
          summary: 'API tokens (never the token itself: the store keeps its SHA-256)',
          responses: { '200': { description: '{tokens}' } },
        },
        post: {
          summary: 'Create a token with a role; the response is the only place the token appears',
          requestBody: body(createTokenSchema),
          responses: {
            '201': { description: 'the token and its record' },
            '400': errorResponse('invalid body'),
          },
        },
      },
      '/tokens/{id}': {
        delete: {
          summary: 'Revoke a token',
          parameters: [idParameter],
          responses: { '200': { description: 'revoked' }, '404': errorResponse('unknown token') },
        },
      },
      '/maintenance': {
        get: {
          summary: 'Maintenance windows not over yet (active and upcoming), each with `active`',
          responses: { '200': { description: '{windows}' } },
        },
        post: {
          summary:
            'Announce planned work on instances or a fleet: while it lasts, alerts on them open nothing and the monitor neither reports nor learns what their metrics do',
          requestBody: body(maintenanceRequestSchema),
          responses: {
            '201': { description: 'the window' },
            '400': errorResponse('invalid body (no instances and no fleet, a duration over a week, …)'),
          },
        },
      },
      '/maintenance/{id}': {
        delete: {
          summary: 'End a maintenance window now (it is kept, ended, with who ended it)',
          parameters: [idParameter],
          responses: {
            '200': { description: 'the ended window' },
            '404': errorResponse('no current window'),
          },
        },
      },
      '/alerts/alertmanager': {
        post: {
          summary: 'Prometheus Alertmanager webhook (version 4)',
          requestBody: body(alertmanagerPayloadSchema),
          responses: {
            '200': {
              description:
                'per-alert outcomes, in the payload order; an alert labelled resource_type group or load-balancer is answered from its members (fanned-out, scaled-out or ignored with the reason)',
            },
            '400': errorResponse('not a version 4 payload'),
          },
        },
      },
      '/alerts/cloudwatch': {
        post: {
          summary: 'CloudWatch alarms delivered by Amazon SNS over HTTP(S) (Basic or Bearer token)',
          requestBody: body(snsMessageSchema),
          responses: {
            '200': {
              description:
                "subscription confirmed, alarm outcome, or a redelivery acknowledged. An alarm on an Auto Scaling group or a load balancer (its dimensions name no instance) is answered from the members now: `fanned-out` with each member's incident, `scaled-out` with the group's capacity request when most members share a load (CPU, latency), or `ignored` with the reason (decision 0061)",
            },
            '400': errorResponse('not an SNS message, or its Message is not a CloudWatch alarm'),
            '401': errorResponse('bad credentials, or the signature, certificate URL or age does not verify'),
            '403': errorResponse('the topic is not allowed to deliver here'),
          },
        },
      },
    }),
  };
}
