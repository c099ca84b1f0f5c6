import type { ActivityOptions } from '@temporalio/workflow';

/** Errors a retry cannot fix: the activities throw these as non-retryable failures. */
export const NON_RETRYABLE = [
  'InstanceNotFound',
  'InstanceTerminated',
  'InstanceNotRunning',
  'NoLaunchTemplate',
];

/** Actions that change the cloud: long, heartbeating, a few patient retries. */
export const REMEDIATION_OPTIONS: ActivityOptions = {
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '30 seconds',
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '30 seconds',
    maximumAttempts: 5,
    nonRetryableErrorTypes: NON_RETRYABLE,
  },
};

/** Reads (diagnosis, health checks, policy): short, retried more. */
export const OBSERVATION_OPTIONS: ActivityOptions = {
  startToCloseTimeout: '30 seconds',
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '20 seconds',
    maximumAttempts: 10,
    nonRetryableErrorTypes: NON_RETRYABLE,
  },
};

/**
 * Notifications are best effort: the activity reports failures instead of throwing them, and a
 * short timeout keeps a hanging receiver from holding anything up.
 */
export const NOTIFICATION_OPTIONS: ActivityOptions = {
  startToCloseTimeout: '15 seconds',
  retry: { maximumAttempts: 2 },
};

/** The coding agent: a type check and the infra tests run inside, so minutes, with heartbeats. */
export const CODING_OPTIONS: ActivityOptions = {
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '5 seconds', maximumAttempts: 3 },
};
