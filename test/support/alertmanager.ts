/** One alert of an Alertmanager webhook: its labels, and optionally annotations. */
export interface AlertInput {
  labels: Record<string, string>;
  annotations?: Record<string, string>;
}

/**
 * An Alertmanager (version 4) webhook payload of firing alerts, as tests and the bench send it.
 * `groupKey` tells batches apart in the API's outcomes.
 */
export function alertmanagerPayload(alerts: AlertInput[], groupKey = 'g') {
  return {
    version: '4',
    groupKey,
    status: 'firing',
    receiver: 'medic',
    groupLabels: {},
    commonLabels: {},
    commonAnnotations: {},
    externalURL: 'http://127.0.0.1:9093',
    alerts: alerts.map((a) => ({
      status: 'firing',
      labels: a.labels,
      annotations: a.annotations ?? {},
      startsAt: new Date().toISOString(),
    })),
  };
}
