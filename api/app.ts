import helmet from 'helmet';
import express, { type Request, type Response, type NextFunction } from 'express';
import type { z } from 'zod';
import { alertmanagerPayloadSchema, ingestAlertmanager } from './alerts';
import type { PayloadCodec } from '@temporalio/common';
import { requireBearerToken } from './auth';
import { codecServer } from './codec-server';
import { cloudWatchAlertRoute, type SnsSettings } from './cloudwatch-route';
import { httpMetrics, registry } from './metrics';
import { openApiDocument } from './openapi';
import { ApiError, errorHandler, notFoundRoute, validationError } from './errors';
import type { IncidentService } from './incident-service';
import { agentOf, ratingsByAgent, type FeedbackStore } from '../activities/feedback-store';
import { isTerminal, type IncidentStatus } from '../domain/incident';
import {
  createIncidentSchema,
  decisionSchema,
  feedbackSchema,
  incidentIdSchema,
  listIncidentsQuerySchema,
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
  /** Where "Was your issue resolved?" answers go; without it the feedback routes are not served. */
  feedback?: FeedbackStore;
  /** How SNS deliveries are verified; without it the CloudWatch route is not served. */
  sns?: SnsSettings;
  /** Present when payloads are encrypted: serves the codec endpoints for the Web UI. */
  codec?: { codec: PayloadCodec; uiOrigin: string };
}

function parse<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  const result = schema.safeParse(value);
  if (!result.success) throw validationError(result.error.issues);
  return result.data;
}

type AsyncHandler = (req: Request, res: Response) => Promise<void>;
const route = (handler: AsyncHandler) => (req: Request, res: Response, next: NextFunction) => {
  handler(req, res).catch(next);
};

const settle = (probe: () => Promise<boolean>) => probe().catch(() => false);

export function createApp(deps: AppDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(helmet());
  app.use(httpMetrics);
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

  const api = express.Router();
  api.use(requireBearerToken(deps.adminToken));

  const document = openApiDocument();
  api.get('/openapi.json', (_req, res) => {
    res.json(document);
  });

  api.post(
    '/incidents',
    route(async (req, res) => {
      const body = parse(createIncidentSchema, req.body);
      const opened = await deps.incidents.open({ ...body, source: 'api' });
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
    route(async (req, res) => {
      const filter = parse(listIncidentsQuerySchema, req.query);
      res.json({ incidents: await deps.incidents.list(filter) });
    }),
  );

  api.get(
    '/incidents/:id',
    route(async (req, res) => {
      const id = parse(incidentIdSchema, req.params.id);
      res.json(await deps.incidents.get(id));
    }),
  );

  api.post(
    '/incidents/:id/decision',
    route(async (req, res) => {
      const id = parse(incidentIdSchema, req.params.id);
      const decision = parse(decisionSchema, req.body);
      res.status(202).json(await deps.incidents.decide(id, decision));
    }),
  );

  api.get(
    '/autonomy',
    route(async (_req, res) => {
      res.json(await deps.incidents.autonomy());
    }),
  );

  const feedback = deps.feedback;
  if (feedback) {
    api.post(
      '/incidents/:id/feedback',
      route(async (req, res) => {
        const id = parse(incidentIdSchema, req.params.id);
        const answer = parse(feedbackSchema, req.body);
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
      '/feedback/agents',
      route(async (_req, res) => {
        res.json({ agents: ratingsByAgent(await feedback.list()) });
      }),
    );
  }

  // Alert senders hold the admin token or the alert-only one, which opens nothing else. SNS can
  // send credentials only in the URL (Basic), so its route accepts those too.
  const senders = deps.alertToken ? [deps.adminToken, deps.alertToken] : [deps.adminToken];
  app.post(
    '/api/v1/alerts/alertmanager',
    requireBearerToken(senders),
    route(async (req, res) => {
      const payload = parse(alertmanagerPayloadSchema, req.body);
      const results = await ingestAlertmanager(payload, deps.incidents);
      res.json({ received: payload.alerts.length, results });
    }),
  );
  if (deps.sns) app.use('/api/v1/alerts/cloudwatch', cloudWatchAlertRoute(senders, deps.sns, deps.incidents));
  app.use('/api/v1', api);
  if (deps.codec) app.use('/codec', codecServer(deps.codec.codec, deps.adminToken, deps.codec.uiOrigin));
  // Prometheus scrapes with the same bearer token (scrape_config authorization.credentials).
  app.get(
    '/metrics',
    requireBearerToken(deps.adminToken),
    route(async (_req, res) => {
      res.type(registry.contentType).send(await registry.metrics());
    }),
  );
  app.use(notFoundRoute);
  app.use(errorHandler);
  return app;
}

export { ApiError };
