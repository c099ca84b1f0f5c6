import { cachedCertificates, isSnsUrl, RecentIds, stringToSign, type SnsMessage } from '../../api/sns';
import { alarmToAlert } from '../../domain/cloudwatch-alarm';

describe('SNS message checks', () => {
  test('the string to sign follows the documented field order and leaves out a missing Subject', () => {
    const message = {
      Type: 'Notification',
      MessageId: 'm-1',
      TopicArn: 'arn:t',
      Message: 'hello',
      Timestamp: '2026-11-25T00:00:00.000Z',
      SignatureVersion: '1',
      Signature: 'x',
      SigningCertURL: 'https://sns.us-east-1.amazonaws.com/c.pem',
    } as SnsMessage;
    expect(stringToSign(message)).toBe(
      'Message\nhello\nMessageId\nm-1\nTimestamp\n2026-11-25T00:00:00.000Z\nTopicArn\narn:t\nType\nNotification\n',
    );
    expect(stringToSign({ ...message, Subject: 's' })).toContain('MessageId\nm-1\nSubject\ns\nTimestamp');
  });

  test('only https URLs on SNS hosts are trusted', () => {
    expect(isSnsUrl('https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-abc.pem')).toBe(true);
    expect(isSnsUrl('https://sns.cn-north-1.amazonaws.com.cn/x.pem')).toBe(true);
    for (const bad of [
      'http://sns.us-east-1.amazonaws.com/x.pem',
      'https://sns.us-east-1.amazonaws.com.evil.com/x.pem',
      'https://evil.com/sns.us-east-1.amazonaws.com/x.pem',
      'https://sns.us-east-1.amazonaws.com:8443/x.pem',
      'not a url',
    ])
      expect(isSnsUrl(bad)).toBe(false);
  });

  test('a certificate is fetched once per URL; a failed fetch is tried again', async () => {
    let calls = 0;
    let fail = true;
    const certificates = cachedCertificates(async () => {
      calls++;
      if (fail) throw new Error('down');
      return 'PEM';
    });
    await expect(certificates('u')).rejects.toThrow('down');
    fail = false;
    expect(await certificates('u')).toBe('PEM');
    expect(await certificates('u')).toBe('PEM');
    expect(calls).toBe(2);
  });

  test('recent message ids are remembered within a bounded memory', () => {
    const ids = new RecentIds(2);
    expect(ids.add('a')).toBe(true);
    expect(ids.add('a')).toBe(false);
    ids.add('b');
    ids.add('c');
    expect(ids.add('a')).toBe(true);
  });
});

describe('CloudWatch alarm → alert labels', () => {
  test('the resource comes from the dimensions and the description may name kind, mode and severity', () => {
    const { state, alert } = alarmToAlert({
      AlarmName: 'web-cpu',
      AlarmDescription: 'medic_kind=cpu-high medic_mode=manual severity=high',
      NewStateValue: 'ALARM',
      Trigger: {
        MetricName: 'CPUUtilization',
        Dimensions: [{ name: 'InstanceId', value: 'i-0123456789abcdef0' }],
      },
    });
    expect(state).toBe('firing');
    expect(alert.labels).toMatchObject({
      alertname: 'HighCPU',
      resource_id: 'i-0123456789abcdef0',
      medic_kind: 'cpu-high',
      medic_mode: 'manual',
      severity: 'high',
    });
    expect(alarmToAlert({ AlarmName: 'x', NewStateValue: 'OK' }).state).toBe('resolved');
    expect(alarmToAlert({ AlarmName: 'x', NewStateValue: 'INSUFFICIENT_DATA' }).state).toBe('unknown');
  });
});
