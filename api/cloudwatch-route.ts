import express, {
  type Request,
  type RequestHandler,
  type Response,
  type NextFunction,
  type Router,
} from 'express';
import { z } from 'zod';
import { alarmToAlert } from '../domain/cloudwatch-alarm';
import { ingestAlert } from './alerts';
import { answerScopedAlert, scopeOf, type AlarmScopeSettings } from './alarm-scope';
import { ApiError, validationError } from './errors';
import type { IncidentService } from './incident-service';
import {
  RecentIds,
  snsMessageSchema,
  SnsVerificationError,
  verifySnsMessage,
  type CertificateSource,
} from './sns';

export interface SnsSettings {
  certificates: CertificateSource;
  /** Visits a verified SubscribeURL; real SNS only. */
  confirmSubscription: (url: string) => Promise<void>;
  /** Topics allowed to deliver; empty allows any topic whose signature verifies. */
  allowedTopicArns: string[];
  maxAgeMs: number;
}

const alarmSchema = z.looseObject({
  AlarmName: z.string().min(1).max(256),
  AlarmDescription: z.string().max(1024).nullish(),
  NewStateValue: z.enum(['ALARM', 'OK', 'INSUFFICIENT_DATA']),
  NewStateReason: z.string().max(4096).optional(),
  StateChangeTime: z.string().max(64).optional(),
  Trigger: z
    .looseObject({
      MetricName: z.string().max(256).optional(),
      Namespace: z.string().max(256).optional(),
      Dimensions: z
        .array(z.record(z.string().max(64), z.string().max(512)))
        .max(30)
        .optional(),
      ComparisonOperator: z.string().max(64).optional(),
      Threshold: z.number().optional(),
    })
    .optional(),
});

/**
 * `POST /api/v1/alerts/cloudwatch`: CloudWatch alarms delivered by SNS over HTTP(S). Order of
 * checks: credentials (SNS puts them in the endpoint URL, so Basic is accepted), envelope shape,
 * signature and age (401), topic allow-list (403), then redelivery (answered, not acted on again).
 */
export function cloudWatchAlertRoute(
  guard: RequestHandler[],
  sns: SnsSettings,
  incidents: IncidentService,
  alarmScope?: AlarmScopeSettings,
): Router {
  const router = express.Router();
  const seen = new RecentIds();
  router.post(
    '/',
    ...guard,
    // SNS posts JSON with Content-Type text/plain.
    express.text({ type: () => true, limit: '300kb' }),
    (req: Request, res: Response, next: NextFunction) => {
      handle(req, res).catch(next);
    },
  );

  async function handle(req: Request, res: Response): Promise<void> {
    let body: unknown = req.body;
    if (typeof body === 'string') {
      try {
        body = JSON.parse(body);
      } catch {
        throw new ApiError('bad_request', 'The body is not JSON');
      }
    }
    const parsed = snsMessageSchema.safeParse(body);
    if (!parsed.success) throw validationError(parsed.error.issues);
    const message = parsed.data;
    try {
      await verifySnsMessage(message, sns);
    } catch (err) {
      if (err instanceof SnsVerificationError)
        throw new ApiError('unauthorized', `SNS message rejected: ${err.message}`);
      throw err;
    }
    if (sns.allowedTopicArns.length > 0 && !sns.allowedTopicArns.includes(message.TopicArn))
      throw new ApiError('forbidden', `Topic ${message.TopicArn} is not allowed to deliver alerts here`);
    if (!seen.add(message.MessageId)) {
      res.json({ type: message.Type, duplicate: true });
      return;
    }
    if (message.Type === 'SubscriptionConfirmation') {
      if (!message.SubscribeURL)
        throw new ApiError('bad_request', 'SubscriptionConfirmation without SubscribeURL');
      await sns.confirmSubscription(message.SubscribeURL);
      res.json({ type: message.Type, confirmed: true });
      return;
    }
    if (message.Type === 'UnsubscribeConfirmation') {
      res.json({ type: message.Type });
      return;
    }
    let alarmJson: unknown;
    try {
      alarmJson = JSON.parse(message.Message);
    } catch {
      throw new ApiError('bad_request', 'The notification Message is not a CloudWatch alarm (not JSON)');
    }
    const alarm = alarmSchema.safeParse(alarmJson);
    if (!alarm.success)
      throw validationError(alarm.error.issues.map((i) => ({ ...i, path: ['Message', ...i.path] })));
    const { state, alert } = alarmToAlert(alarm.data);
    if (state === 'unknown') {
      res.json({
        type: message.Type,
        alarm: alarm.data.AlarmName,
        action: 'ignored',
        reason: 'INSUFFICIENT_DATA',
      });
      return;
    }
    const source = `cloudwatch:${alarm.data.AlarmName}`;
    const scope = scopeOf(alert);
    if (scope) {
      res.json({
        type: message.Type,
        alarm: alarm.data.AlarmName,
        ...(await answerScopedAlert(
          alert,
          state,
          source,
          scope,
          incidents,
          alarmScope,
          `${alarm.data.AlarmName}|${alarm.data.StateChangeTime ?? message.MessageId}`,
        )),
      });
      return;
    }
    const outcome = await ingestAlert(alert, state, source, incidents);
    res.json({ type: message.Type, alarm: alarm.data.AlarmName, ...outcome });
  }
  return router;
}
