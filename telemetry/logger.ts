import pino, { type Logger as PinoLogger } from 'pino';
import type { LogLevel, LogMetadata, Logger } from '@temporalio/common';

/** Every process logs JSON lines to stdout; `MEDIC_LOG_LEVEL` picks how much (default info). */
export function createLogger(
  service: 'api' | 'worker' | 'cli',
  destination: pino.DestinationStream = pino.destination(1),
): PinoLogger {
  return pino(
    {
      level: (process.env.MEDIC_LOG_LEVEL ?? 'info').toLowerCase(),
      base: { service, pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
}

const INCIDENT_WORKFLOW_ID = /^incident-/;

/**
 * The fields every line about a workflow carries: its workflow id, and the incident id when the
 * workflow is an incident (an incident's id is its workflow id, decision 0002), so one filter on
 * `incidentId` finds the API's, the workflow's and every activity's lines for that incident.
 */
export function correlationFields(meta: LogMetadata | undefined): Record<string, unknown> {
  const workflowId = typeof meta?.workflowId === 'string' ? meta.workflowId : undefined;
  return {
    ...meta,
    ...(workflowId && INCIDENT_WORKFLOW_ID.test(workflowId) && meta?.incidentId === undefined
      ? { incidentId: workflowId }
      : {}),
  };
}

const LEVELS: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

/** The Temporal SDK's logger interface over pino: workflow, activity and core lines in one stream. */
export function temporalLogger(logger: PinoLogger): Logger {
  const write = (level: LogLevel, message: string, meta?: LogMetadata) => {
    logger[LEVELS[level]](correlationFields(meta), message);
  };
  return {
    log: write,
    trace: (message, meta) => write('TRACE', message, meta),
    debug: (message, meta) => write('DEBUG', message, meta),
    info: (message, meta) => write('INFO', message, meta),
    warn: (message, meta) => write('WARN', message, meta),
    error: (message, meta) => write('ERROR', message, meta),
  };
}
