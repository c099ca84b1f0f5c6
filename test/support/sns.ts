import { execFileSync } from 'node:child_process';
import { createSign, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringToSign, type SnsMessage } from '../../api/sns';

export const SNS_TOPIC = 'arn:aws:sns:us-east-1:123456789012:medic-web-alerts';
export const SNS_CERT_URL = 'https://sns.us-east-1.amazonaws.com/SimpleNotificationService-local-test.pem';

/** A real X.509 signing certificate, made locally with openssl: the verifier sees what SNS would serve. */
export function localSigningCertificate(): { key: string; certificate: string } {
  const dir = mkdtempSync(join(tmpdir(), 'medic-sns-'));
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=sns.amazonaws.com',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
    ],
    { stdio: 'ignore' },
  );
  return {
    key: readFileSync(join(dir, 'key.pem'), 'utf8'),
    certificate: readFileSync(join(dir, 'cert.pem'), 'utf8'),
  };
}

/** The message signed with `key` as SNS signs it (signature version 1: SHA1, 2: SHA256). */
export function signedSns(
  key: string,
  fields: Omit<SnsMessage, 'Signature' | 'SignatureVersion' | 'SigningCertURL'>,
  version: '1' | '2' = '1',
): SnsMessage {
  const message = {
    ...fields,
    SignatureVersion: version,
    SigningCertURL: SNS_CERT_URL,
    Signature: '',
  } as SnsMessage;
  const signer = createSign(version === '2' ? 'RSA-SHA256' : 'RSA-SHA1');
  signer.update(stringToSign(message), 'utf8');
  return { ...message, Signature: signer.sign(key, 'base64') };
}

export interface AlarmChange {
  name: string;
  description: string;
  metric: string;
  namespace: string;
  dimensions: { name: string; value: string }[];
  state: 'ALARM' | 'OK' | 'INSUFFICIENT_DATA';
  /** When the alarm changed state: the same change redelivered keeps it. */
  stateChangeTime?: string;
  /** The alarm's condition, as its Trigger carries it. */
  threshold?: { comparison: string; value: number };
}

/** A CloudWatch alarm's state change as SNS delivers it to an HTTPS subscription, signed. */
export function alarmNotificationSigned(
  key: string,
  alarm: AlarmChange,
  overrides: Partial<SnsMessage> = {},
): SnsMessage {
  return signedSns(key, {
    Type: 'Notification',
    MessageId: randomUUID(),
    TopicArn: SNS_TOPIC,
    Subject: `ALARM: "${alarm.name}" in US East (N. Virginia)`,
    Message: JSON.stringify({
      AlarmName: alarm.name,
      AlarmDescription: alarm.description,
      NewStateValue: alarm.state,
      NewStateReason: 'Threshold Crossed: 1 datapoint [1.0] was >= the threshold (1.0).',
      StateChangeTime: alarm.stateChangeTime ?? new Date().toISOString(),
      Region: 'US East (N. Virginia)',
      Trigger: {
        MetricName: alarm.metric,
        Namespace: alarm.namespace,
        Dimensions: alarm.dimensions,
        ...(alarm.threshold
          ? { ComparisonOperator: alarm.threshold.comparison, Threshold: alarm.threshold.value }
          : {}),
      },
    }),
    Timestamp: new Date().toISOString(),
    ...overrides,
  });
}
