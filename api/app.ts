import helmet from 'helmet';
import express, { type RequestHandler } from 'express';
import { alertmanagerPayloadSchema, ingestAlertmanager } from './alerts';
import { parse, principalOf, route } from './route-helpers';
import { maintenanceRoutes } from './maintenance';
import type { MaintenanceStore } from '../activities/maintenance-store';
import type { PayloadCodec } from '@temporalio/common';
import { authenticate, authorize, tokenResolver, type AuthFailureLimit } from './auth';
import { answerChat } from './chat';
import type { ChatActions } from './chat-actions';
import type { TaskService } from './task-service';
import type { AuditLog } from './audit-log';
import type { TokenStore } from './token-store';
import { ROUTE_PERMISSIONS, type RouteKey } from './route-permissions';
import { codecServer } from './codec-server';
import { cloudWatchAlertRoute, type SnsSettings } from './cloudwatch-route';
import { scopedAlertAnswer, type AlarmScopeSettings } from './alarm-scope';
import { httpMetrics, registry } from './metrics';
import pino, { type Logger } from 'pino';
import { requestLog } from './request-log';
import { LiveFeed, streamEvents } from './live';
import { consoleSite } from './console-site';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { DashboardFigures } from '../domain/dashboard';
import { CATALOGUE } from '../domain/catalogue';
import type { Evidence } from './evidence';
import { ROLE_PERMISSIONS, type Principal } from '../domain/rbac';
import { openApiDocument } from './openapi';
import { ApiError, errorHandler, notFoundRoute } from './errors';
import { bulkAnswer, decideEach, statusOf } from './bulk-decision';
import type { IncidentDetail, IncidentService } from './incident-service';
import { agentOf, ratingsByAgent, type FeedbackStore } from '../activities/feedback-store';
import type { ModelOverview } from '../domain/models/registry';
import type { Monitors } from './monitors';
import { isTerminal, type IncidentStatus } from '../domain/incident';
import {
  auditQuerySchema,
  chatSchema,
  defineTaskSchema,
  runTaskSchema,
  taskNameSchema,
  taskRunIdSchema,
  createIncidentSchema,
  createTokenSchema,
  bulkDecisionSchema,
  decisionSchema,
  liftBlockSchema,
  detectionVerdictSchema,
  detectorPathSchema,
  detectorQuerySchema,
  feedbackSchema,
  incidentIdSchema,
  listIncidentsQuerySchema,
  tokenIdSchema,
} from './schemas';

export interface HealthProbe {
  temporal: () => Promise<boolean>;
  aws: () => Promise<boolean>;
}

export interface AppDeps {
  incidents: IncidentService;
  health: HealthProbe;
  adminToken: string;
  /** Opens the alert routes only (MEDIC_ALERT_TOKEN). */
  alertToken?: string;
  /** Named tokens with roles (RBAC); without it only the fixed tokens above open the API. */
  tokens?: TokenStore;
  /** Failed authentications allowed per client address (default 20 a minute). */
  authFailureLimit?: AuthFailureLimit;
  /** Custom tasks; without it the task routes are not served. */
  tasks?: TaskService;
  /** Where every decision, token change and write is recorded; without it nothing is audited. */
  audit?: AuditLog;
  /** Where "Was your issue resolved?" answers go; without it the feedback routes are not served. */
  feedback?: FeedbackStore;
  /** Planned work during which alerts open nothing (decision 0064); without it the routes are not served. */
  maintenance?: MaintenanceStore;
  /** How SNS deliveries are verified; without it the CloudWatch route is not served. */
  sns?: SnsSettings;
  /** Reads the members of a group or load balancer an alarm names (decision 0061). */
  alarmScope?: AlarmScopeSettings;
  /** Where request and error lines go; the API process passes its JSON logger, tests a silent one. */
  logger?: Logger;
  /** What chat may start besides incidents (troubleshoot, scale); without it chat says so. */
  chatActions?: ChatActions;
  /** Optional language-model rephrasing of chat requests the offline parser does not understand. */
  rephrase?: (message: string) => Promise<string | undefined>;
  /** The dashboard's figures (GET /stats); without it the route is not served. */
  stats?: () => Promise<DashboardFigures>;
  /** The model registry's models and active versions (GET /models); without it the route is not served. */
  models?: () => Promise<ModelOverview[]>;
  /** The metric around an incident (GET /incidents/:id/evidence); without it the route is not served. */
  evidence?: (incident: IncidentDetail) => Promise<Evidence | undefined>;
  /** The running fleet monitors and what their detectors take for usual (GET /monitors…); without it not served. */
  monitors?: Monitors;
  /** How often live views re-read Temporal (default 1 s). */
  liveIntervalMs?: number;
  /** The built web console (dist/console); served at / when present. */
  consoleDir?: string;
  /** Present when payloads are encrypted: serves the codec endpoints for the Web UI. */
  codec?: { codec: PayloadCodec; uiOrigin: string };
}

const settle = (probe: () => Promise<boolean>) => probe().catch(() => false);

const silentLogger = pino({ level: 'silent' });

export function createApp(deps: AppDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(helmet());
  app.use(httpMetrics);
  const logger = deps.logger ?? silentLogger;
  app.use(requestLog(logger));
  // Alertmanager batches up to a thousand alerts in one webhook call.
  app.use(express.json({ limit: '1mb' }));

  app.get(
    ['/healthz', '/api/v1/healthz'],
    route(async (_req, res) => {
      const [temporal, aws] = await Promise.all([settle(deps.health.temporal), settle(deps.health.aws)]);
      const status = temporal && aws ? 'ok' : 'degraded';
      res
        .status(status === 'ok' ? 200 : 503)
        .json({ status, temporal: temporal ? 'up' : 'down', aws: aws ? 'up' : 'down' });
    }),
  );

  const resolve = tokenResolver(
    [
      { token: deps.adminToken, principal: { name: 'admin', role: 'admin', bootstrap: true } },
      ...(deps.alertToken
        ? [
            {
              token: deps.alertToken,
              principal: { name: 'alert-sender', role: 'alert-sender', bootstrap: false } as const,
            },
          ]
        : []),
    ],
    deps.tokens,
  );
  const authenticated = authenticate(resolve, deps.authFailureLimit);
  /** Authentication, the audit record (refusals included) and the route's permission, in that order. */
  const guard = (key: RouteKey, auditAction?: string): RequestHandler[] => [
    ...(auditAction && deps.audit ? [audited(deps.audit, auditAction)] : []),
    authorize(ROUTE_PERMISSIONS[key]),
  ];

  const api = express.Router();
  api.use(authenticated);

  const document = openApiDocument();
  api.get('/openapi.json', ...guard('GET /api/v1/openapi.json'), (_req, res) => {
    res.json(document);
  });

  api.post(
    '/incidents',
    ...guard('POST /api/v1/incidents', 'incident.create'),
    route(async (req, res) => {
      const body = parse(createIncidentSchema, req.body);
      const opened = await deps.incidents.open({ ...body, source: 'api' });
      res.locals.incidentId = opened.incidentId;
      res.status(opened.created ? 201 : 200).json({
        id: opened.incidentId,
        runId: opened.runId,
        created: opened.created,
        status: opened.created ? 'detected' : (await deps.incidents.get(opened.incidentId)).status,
        webUiUrl: deps.incidents.webUiUrl(opened.incidentId, opened.runId),
      });
    }),
  );

  api.get(
    '/incidents',
    ...guard('GET /api/v1/incidents'),
    route(async (req, res) => {
      const filter = parse(listIncidentsQuerySchema, req.query);
      res.json({ incidents: await deps.incidents.list(filter) });
    }),
  );

  api.get('/catalogue', ...guard('GET /api/v1/catalogue'), (_req, res) => {
    res.json({ actions: CATALOGUE });
  });

  api.get('/me', ...guard('GET /api/v1/me'), (_req, res) => {
    const principal = principalOf(res);
    res.json({ name: principal.name, role: principal.role, permissions: ROLE_PERMISSIONS[principal.role] });
  });

  const live = new LiveFeed(deps.liveIntervalMs);
  api.get('/stream/incidents', ...guard('GET /api/v1/stream/incidents'), (req, res) => {
    const { once, ...query } = req.query;
    void once;
    const filter = parse(listIncidentsQuerySchema, query);
    streamEvents(req, res, live, `list:${JSON.stringify(filter)}`, 'incidents', async () => ({
      incidents: await deps.incidents.list(filter),
    }));
  });
  api.get(
    '/stream/incidents/:id',
    ...guard('GET /api/v1/stream/incidents/:id'),
    route(async (req, res) => {
      const id = parse(incidentIdSchema, req.params.id);
      // 404 before the stream starts, not inside it; the stream's own first read queries the workflow.
      await deps.incidents.summary(id);
      streamEvents(req, res, live, `incident:${id}`, 'incident', () => deps.incidents.get(id));
    }),
  );

  const stats = deps.stats;
  if (stats)
    api.get(
      '/stats',
      ...guard('GET /api/v1/stats'),
      route(async (_req, res) => {
        res.json(await stats());
      }),
    );

  const models = deps.models;
  if (models)
    api.get(
      '/models',
      ...guard('GET /api/v1/models'),
      route(async (_req, res) => {
        res.json({ models: await models() });
      }),
    );

  const evidence = deps.evidence;
  if (evidence)
    api.get(
      '/incidents/:id/evidence',
      ...guard('GET /api/v1/incidents/:id/evidence'),
      route(async (req, res) => {
        const incident = await deps.incidents.get(parse(incidentIdSchema, req.params.id));
        const found = await evidence(incident);
        if (!found)
          throw new ApiError('not_found', `No metric evidence for a ${incident.kind ?? 'unknown'} incident`);
        res.json(found);
      }),
    );

  const monitors = deps.monitors;
  if (monitors) {
    api.get(
      '/monitors',
      ...guard('GET /api/v1/monitors'),
      route(async (_req, res) => {
        res.json({ monitors: await monitors.list() });
      }),
    );
    api.get(
      '/monitors/:fleet/detectors/:instanceId',
      ...guard('GET /api/v1/monitors/:fleet/detectors/:instanceId'),
      route(async (req, res) => {
        const { fleet, instanceId } = parse(detectorPathSchema, req.params);
        const { metric } = parse(detectorQuerySchema, req.query);
        res.json(await monitors.detector(fleet, instanceId, metric));
      }),
    );
    api.post(
      '/incidents/:id/detection',
      ...guard('POST /api/v1/incidents/:id/detection', 'incident.detection-verdict'),
      route(async (req, res) => {
        const id = parse(incidentIdSchema, req.params.id);
        const { expected } = parse(detectionVerdictSchema, req.body);
        res.locals.incidentId = id;
        const incident = await deps.incidents.get(id);
        const by = principalOf(res).name;
        const told = await monitors.judge(incident, expected ? 'expected' : 'fault', by);
        res.locals.auditDetail = { verdict: told.verdict, fleet: told.fleet, hourOfWeek: told.hourOfWeek };
        // After the monitor learnt it: both are idempotent, so a failure here is mended by saying it again.
        await deps.feedback?.putVerdict({
          incidentId: id,
          runId: incident.runId,
          verdict: told.verdict,
          fleet: told.fleet,
          instanceId: told.instanceId,
          metric: told.metric,
          openedAt: incident.openedAt,
          hourOfWeek: told.hourOfWeek,
          by,
          at: new Date().toISOString(),
        });
        res.status(202).json(told);
      }),
    );
  }

  api.get(
    '/incidents/:id',
    ...guard('GET /api/v1/incidents/:id'),
    route(async (req, res) => {
      const id = parse(incidentIdSchema, req.params.id);
      res.json(await deps.incidents.get(id));
    }),
  );

  api.post(
    '/incidents/:id/decision',
    ...guard('POST /api/v1/incidents/:id/decision', 'incident.decision'),
    route(async (req, res) => {
      const id = parse(incidentIdSchema, req.params.id);
      const body = parse(decisionSchema, req.body);
      res.locals.incidentId = id;
      res.locals.auditDetail = { decision: body.decision, by: body.by, reason: body.reason };
      res
        .status(202)
        .json(await deps.incidents.decide(id, { ...body, by: decider(principalOf(res), body.by) }));
    }),
  );

  api.post(
    '/incidents/:id/lift',
    ...guard('POST /api/v1/incidents/:id/lift', 'incident.lift'),
    route(async (req, res) => {
      const id = parse(incidentIdSchema, req.params.id);
      const body = parse(liftBlockSchema, req.body ?? {});
      res.locals.incidentId = id;
      res.locals.auditDetail = { by: body.by, reason: body.reason };
      const by = decider(principalOf(res), body.by);
      res
        .status(202)
        .json(await deps.incidents.liftBlock(id, { by, ...(body.reason ? { reason: body.reason } : {}) }));
    }),
  );

  api.post(
    '/incidents/decisions',
    ...guard('POST /api/v1/incidents/decisions', 'incident.decision'),
    route(async (req, res) => {
      const body = parse(bulkDecisionSchema, req.body);
      const by = decider(principalOf(res), body.by);
      const decision = { decision: body.decision, by, ...(body.reason ? { reason: body.reason } : {}) };
      const results = await decideEach(deps.incidents, body.incidents, decision, logger);
      const detail = { decision: body.decision, by: body.by, reason: body.reason, of: results.length };
      res.locals.auditEach = results.map((r) => ({ incidentId: r.id, status: statusOf(r), detail }));
      res.json(bulkAnswer(body.decision, results));
    }),
  );

  api.post(
    '/chat',
    ...guard('POST /api/v1/chat', 'chat'),
    route(async (req, res) => {
      const { message } = parse(chatSchema, req.body);
      const answers = deps.feedback;
      const reply = await answerChat(message, principalOf(res), deps.incidents, {
        tasks: deps.tasks,
        actions: deps.chatActions,
        rephrase: deps.rephrase,
        models: deps.models,
        ...(deps.maintenance ? { maintenance: deps.maintenance } : {}),
        ...(answers ? { ratings: async () => ratingsByAgent(await answers.list()) } : {}),
      });
      if (reply.incidentId) res.locals.incidentId = reply.incidentId;
      res.locals.auditDetail = { intent: reply.intent, executed: reply.executed };
      res.json(reply);
    }),
  );

  api.get(
    '/autonomy',
    ...guard('GET /api/v1/autonomy'),
    route(async (_req, res) => {
      res.json(await deps.incidents.autonomy());
    }),
  );

  const feedback = deps.feedback;
  if (feedback) {
    api.post(
      '/incidents/:id/feedback',
      ...guard('POST /api/v1/incidents/:id/feedback', 'incident.feedback'),
      route(async (req, res) => {
        const id = parse(incidentIdSchema, req.params.id);
        const answer = parse(feedbackSchema, req.body);
        res.locals.incidentId = id;
        const incident = await deps.incidents.get(id);
        if (!incident.status || !isTerminal(incident.status as IncidentStatus))
          throw new ApiError(
            'conflict',
            `Incident ${id} is ${incident.status ?? 'open'}; feedback is for closed incidents`,
          );
        const record = {
          incidentId: id,
          runId: incident.runId,
          agent: agentOf(incident.kind),
          kind: incident.kind ?? 'unknown',
          outcome: incident.status,
          ...answer,
          at: new Date().toISOString(),
        };
        await feedback.put(record);
        res.status(201).json(record);
      }),
    );
    api.get(
      '/incidents/:id/detection',
      ...guard('GET /api/v1/incidents/:id/detection'),
      route(async (req, res) => {
        const id = parse(incidentIdSchema, req.params.id);
        // The run is all it needs: no query of the incident's workflow.
        const incident = await deps.incidents.summary(id);
        // null, not a 404, when no one has answered: the incident exists, the question is open.
        res.json({ answer: (await feedback.getVerdict(id, incident.runId)) ?? null });
      }),
    );
    api.get(
      '/feedback/agents',
      ...guard('GET /api/v1/feedback/agents'),
      route(async (_req, res) => {
        res.json({ agents: ratingsByAgent(await feedback.list()) });
      }),
    );
  }

  const tasks = deps.tasks;
  if (tasks) {
    api.get(
      '/tasks',
      ...guard('GET /api/v1/tasks'),
      route(async (_req, res) => {
        res.json({
          tasks: (await tasks.list()).map((t) => ({
            ...t.definition,
            updatedAt: t.updatedAt,
            updatedBy: t.updatedBy,
          })),
        });
      }),
    );
    api.post(
      '/tasks',
      ...guard('POST /api/v1/tasks', 'task.define'),
      route(async (req, res) => {
        const { source } = parse(defineTaskSchema, req.body);
        const task = await tasks.define(source, principalOf(res).name);
        res.locals.auditDetail = { task: task.definition.name };
        res.status(201).json(task);
      }),
    );
    api.get(
      '/tasks/:name',
      ...guard('GET /api/v1/tasks/:name'),
      route(async (req, res) => {
        res.json(await tasks.get(parse(taskNameSchema, req.params.name)));
      }),
    );
    api.post(
      '/tasks/:name/runs',
      ...guard('POST /api/v1/tasks/:name/runs', 'task.run'),
      route(async (req, res) => {
        const name = parse(taskNameSchema, req.params.name);
        const body = parse(runTaskSchema, req.body);
        const run = await tasks.run(name, body.params, principalOf(res).name, body.idempotencyKey);
        res.locals.auditDetail = { task: name, run: run.id, params: body.params };
        res.status(202).json(run);
      }),
    );
    api.get(
      '/task-runs/:id',
      ...guard('GET /api/v1/task-runs/:id'),
      route(async (req, res) => {
        res.json(await tasks.state(parse(taskRunIdSchema, req.params.id)));
      }),
    );
    api.post(
      '/task-runs/:id/decision',
      ...guard('POST /api/v1/task-runs/:id/decision', 'task.decision'),
      route(async (req, res) => {
        const id = parse(taskRunIdSchema, req.params.id);
        const body = parse(decisionSchema, req.body);
        res.locals.auditDetail = { run: id, decision: body.decision };
        res.status(202).json(await tasks.decide(id, { ...body, by: decider(principalOf(res), body.by) }));
      }),
    );
  }

  const audit = deps.audit;
  if (audit)
    api.get('/audit', ...guard('GET /api/v1/audit'), (req, res) => {
      res.json(audit.query(parse(auditQuerySchema, req.query)));
    });

  if (deps.maintenance) maintenanceRoutes(api, guard, deps.maintenance);

  const tokens = deps.tokens;
  if (tokens) {
    api.get('/tokens', ...guard('GET /api/v1/tokens'), (_req, res) => {
      res.json({ tokens: tokens.list() });
    });
    api.post('/tokens', ...guard('POST /api/v1/tokens', 'token.create'), (req, res) => {
      const body = parse(createTokenSchema, req.body);
      const created = tokens.create(body.name, body.role, principalOf(res).name);
      res.locals.auditDetail = { id: created.view.id, name: body.name, role: body.role };
      // The only time the token itself is shown: the store keeps its digest.
      res.status(201).json({ ...created.view, token: created.token });
    });
    api.delete('/tokens/:id', ...guard('DELETE /api/v1/tokens/:id', 'token.revoke'), (req, res) => {
      const id = parse(tokenIdSchema, req.params.id);
      res.locals.auditDetail = { id };
      const revoked = tokens.revoke(id);
      if (!revoked) throw new ApiError('not_found', `No token ${id}`);
      res.json(revoked);
    });
  }

  // Alert senders hold the admin token or the alert-only one, which opens nothing else. SNS can
  // send credentials only in the URL (Basic), so its route accepts those too.
  app.post(
    '/api/v1/alerts/alertmanager',
    authenticated,
    ...guard('POST /api/v1/alerts/alertmanager', 'alerts.ingest'),
    route(async (req, res) => {
      const payload = parse(alertmanagerPayloadSchema, req.body);
      res.locals.auditDetail = { alerts: payload.alerts.length, groupKey: payload.groupKey };
      const results = await ingestAlertmanager(
        payload,
        deps.incidents,
        scopedAlertAnswer(deps.incidents, deps.alarmScope),
      );
      res.json({ received: payload.alerts.length, results });
    }),
  );
  if (deps.sns)
    app.use(
      '/api/v1/alerts/cloudwatch',
      cloudWatchAlertRoute(
        [
          authenticate(resolve, deps.authFailureLimit, { allowBasic: true }),
          ...guard('POST /api/v1/alerts/cloudwatch', 'alerts.ingest'),
        ],
        deps.sns,
        deps.incidents,
        deps.alarmScope,
      ),
    );
  app.use('/api/v1', api);
  if (deps.codec) app.use('/codec', codecServer(deps.codec.codec, deps.adminToken, deps.codec.uiOrigin));
  // Prometheus scrapes with a token (scrape_config authorization.credentials); a viewer token will do.
  app.get(
    '/metrics',
    authenticated,
    ...guard('GET /metrics'),
    route(async (_req, res) => {
      res.type(registry.contentType).send(await registry.metrics());
    }),
  );
  if (deps.consoleDir && existsSync(join(deps.consoleDir, 'index.html')))
    app.use('/', consoleSite(deps.consoleDir));
  app.use(notFoundRoute);
  app.use(errorHandler(logger));
  return app;
}

/**
 * Who a decision is recorded as. Only the bootstrap admin token may name someone else (the CLI's
 * --by); a personal token decides as its own name, so one person cannot fill a quorum alone.
 */
function decider(principal: Principal, claimed: string | undefined): string {
  if (principal.bootstrap) return claimed ?? principal.name;
  if (claimed !== undefined && claimed !== principal.name)
    throw new ApiError('forbidden', `This token decides as "${principal.name}", not "${claimed}"`);
  return principal.name;
}

/** Records the request once its response is sent, with the status it got (refusals included). */
function audited(log: AuditLog, action: string): RequestHandler {
  return (req, res, next) => {
    // Read now: Express resets req.params once the route's handlers are done.
    const paramId = typeof req.params.id === 'string' ? req.params.id.slice(0, 200) : undefined;
    res.on('finish', () => {
      const principal = res.locals.principal as Principal | undefined;
      const actor = { actor: principal?.name ?? 'unknown', role: principal?.role ?? 'none', action };
      // A decision for several incidents is recorded once per incident, with the status it got there.
      const each = res.locals.auditEach as
        { incidentId: string; status: number; detail: Record<string, unknown> }[] | undefined;
      if (each) {
        for (const entry of each) log.append({ ...actor, ...entry });
        return;
      }
      const incidentId =
        (res.locals.incidentId as string | undefined) ??
        (action.startsWith('incident.') ? paramId : undefined);
      log.append({
        ...actor,
        status: res.statusCode,
        ...(incidentId ? { incidentId } : {}),
        ...(res.locals.auditDetail ? { detail: res.locals.auditDetail as Record<string, unknown> } : {}),
      });
    });
    next();
  };
}

export { ApiError };
