import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createApp } from '../../api/app';
import { IncidentService } from '../../api/incident-service';
import type { SnsMessage } from '../../api/sns';
import { incidentWorkflowId } from '../../domain/ids';
import { startLocalTemporal, workflowExists } from '../support/env';
import {
  alarmNotificationSigned,
  localSigningCertificate,
  signedSns,
  SNS_CERT_URL,
  SNS_TOPIC,
} from '../support/sns';

const TOKEN = 'medic_sns_test_token_0123456789abcdefgh';
const TOPIC = SNS_TOPIC;

const signing = localSigningCertificate();
let env: TestWorkflowEnvironment;
let server: Server;
let base: string;
const certificateFetches: string[] = [];
const confirmed: string[] = [];

beforeAll(async () => {
  env = await startLocalTemporal();
  const app = createApp({
    incidents: new IncidentService(env.client, 'http://127.0.0.1:8233'),
    adminToken: TOKEN,
    health: { temporal: async () => true, aws: async () => true },
    sns: {
      certificates: async (url) => {
        certificateFetches.push(url);
        return signing.certificate;
      },
      confirmSubscription: async (url) => {
        confirmed.push(url);
      },
      allowedTopicArns: [TOPIC],
      maxAgeMs: 60 * 60_000,
    },
  });
  server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/alerts/cloudwatch`;
}, 120_000);

afterAll(async () => {
  server?.close();
  await env?.teardown();
});

function signed(
  fields: Omit<SnsMessage, 'Signature' | 'SignatureVersion' | 'SigningCertURL'>,
  version: '1' | '2' = '1',
): SnsMessage {
  return signedSns(signing.key, fields, version);
}

function alarmNotification(
  resourceId: string,
  state: 'ALARM' | 'OK' | 'INSUFFICIENT_DATA',
  overrides: Partial<SnsMessage> = {},
) {
  return alarmNotificationSigned(
    signing.key,
    {
      name: 'web-status-check',
      description: 'medic_kind=status-check-failed medic_mode=manual severity=critical',
      metric: 'StatusCheckFailed',
      namespace: 'AWS/EC2',
      dimensions: [{ name: 'InstanceId', value: resourceId }],
      state,
    },
    overrides,
  );
}

async function post(body: unknown, auth = `Bearer ${TOKEN}`) {
  const res = await fetch(base, {
    method: 'POST',
    headers: {
      'content-type': 'text/plain; charset=UTF-8',
      authorization: auth,
      'x-amz-sns-message-type': 'Notification',
    },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const resource = () => `i-${randomUUID().replace(/-/g, '').slice(0, 17)}`;
const exists = (id: string) => workflowExists(env.client, id);

describe('POST /api/v1/alerts/cloudwatch (SNS)', () => {
  test('a subscription confirmation with a valid signature is confirmed through its SubscribeURL', async () => {
    const subscribeUrl =
      'https://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn=x&Token=abc';
    const res = await post(
      signed({
        Type: 'SubscriptionConfirmation',
        MessageId: randomUUID(),
        TopicArn: TOPIC,
        Message: 'You have chosen to subscribe…',
        Timestamp: new Date().toISOString(),
        SubscribeURL: subscribeUrl,
        Token: 'abc',
      }),
    );
    expect(res).toEqual({ status: 200, body: { type: 'SubscriptionConfirmation', confirmed: true } });
    expect(confirmed).toContain(subscribeUrl);
  });

  test.each(['1', '2'] as const)(
    'a signed ALARM (signature version %s) opens an incident with the mode and severity the alarm names',
    async (version) => {
      const id = resource();
      const message = alarmNotification(id, 'ALARM');
      const res = await post(
        version === '1' ? message : alarmNotification(id, 'ALARM', {}) && signedAgain(message, version),
      );
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        action: 'opened',
        incidentId: incidentWorkflowId(id, 'status-check-failed'),
      });
      const [input] =
        (await env.client.workflow.getHandle(String(res.body.incidentId)).fetchHistory()).events?.[0]
          ?.workflowExecutionStartedEventAttributes?.input?.payloads ?? [];
      const request = JSON.parse(Buffer.from(input?.data ?? []).toString()) as Record<string, unknown>;
      expect(request).toMatchObject({
        resourceId: id,
        kind: 'status-check-failed',
        mode: 'manual',
        severity: 'critical',
      });
      expect(certificateFetches.every((u) => u === SNS_CERT_URL)).toBe(true);
    },
  );

  test('a redelivered message (same MessageId) is answered but does not act again', async () => {
    const id = resource();
    const message = alarmNotification(id, 'ALARM');
    expect((await post(message)).body.action).toBe('opened');
    expect(await post(message)).toEqual({ status: 200, body: { type: 'Notification', duplicate: true } });
  });

  test('the OK state is recorded on the open incident', async () => {
    const id = resource();
    await post(alarmNotification(id, 'ALARM'));
    expect((await post(alarmNotification(id, 'OK'))).body).toMatchObject({ action: 'resolved-recorded' });
    expect((await post(alarmNotification(id, 'INSUFFICIENT_DATA'))).body).toMatchObject({
      action: 'ignored',
    });
  });

  describe('forged, replayed or unauthorised deliveries: refused and nothing started', () => {
    const refused = async (mutate: (m: SnsMessage, id: string) => unknown, status: number, auth?: string) => {
      const id = resource();
      const res = await post(mutate(alarmNotification(id, 'ALARM'), id), auth);
      expect(res.status).toBe(status);
      expect(await exists(incidentWorkflowId(id, 'status-check-failed'))).toBe(false);
      return res.body;
    };

    test('a message changed after signing → 401', async () => {
      const body = await refused(
        (m) => ({ ...m, Message: m.Message.replace('medic_mode=manual', 'medic_mode=auto') }),
        401,
      );
      expect(JSON.stringify(body)).toContain('signature does not match');
    });
    test('a signature made with another key → 401', async () => {
      const other = localSigningCertificate();
      await refused((m) => ({ ...m, Signature: signedSns(other.key, m).Signature }), 401);
    });
    test('a signing certificate that is not on an SNS host → 401', async () => {
      await refused((m) => ({ ...m, SigningCertURL: 'https://evil.example.com/cert.pem' }), 401);
    });
    test('an old message replayed → 401', async () => {
      const id = resource();
      const old = alarmNotification(id, 'ALARM', {
        Timestamp: new Date(Date.now() - 2 * 3600_000).toISOString(),
      });
      expect((await post(old)).status).toBe(401);
      expect(await exists(incidentWorkflowId(id, 'status-check-failed'))).toBe(false);
    });
    test('a valid signature from a topic that is not allowed → 403', async () => {
      const id = resource();
      expect(
        (await post(alarmNotification(id, 'ALARM', { TopicArn: 'arn:aws:sns:us-east-1:999999999999:other' })))
          .status,
      ).toBe(403);
      expect(await exists(incidentWorkflowId(id, 'status-check-failed'))).toBe(false);
    });
    test('no credentials → 401; the token as a Basic password (SNS endpoint URL) is accepted', async () => {
      await refused((m) => m, 401, '');
      const id = resource();
      const basic = `Basic ${Buffer.from(`medic:${TOKEN}`).toString('base64')}`;
      expect((await post(alarmNotification(id, 'ALARM'), basic)).body.action).toBe('opened');
    });
    test('a body that is not an SNS message → 400 naming the fields', async () => {
      const res = await post('{"hello":"world"}');
      expect(res.status).toBe(400);
      expect(JSON.stringify(res.body)).toContain('MessageId');
    });
  });
});

function signedAgain(message: SnsMessage, version: '1' | '2'): SnsMessage {
  return signed(
    {
      Type: message.Type,
      MessageId: message.MessageId,
      TopicArn: message.TopicArn,
      Subject: message.Subject,
      Message: message.Message,
      Timestamp: message.Timestamp,
    },
    version,
  );
}
