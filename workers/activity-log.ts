import type { Context } from '@temporalio/activity';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';

/** Activities that run every few seconds for every fleet; logging them at info would drown the rest. */
const CHATTY = new Set(['scanFleet', 'checkHealth', 'loadIncidentPolicy', 'publishLifecycleEvent']);

/**
 * One info line per activity an incident runs (what, how long, how it ended), through the
 * activity's own logger, so the line carries the workflow id, run id and activity type, and the
 * worker's JSON logger adds the incident id.
 */
export const activityLog: ActivityInterceptorsFactory = (ctx: Context) => ({
  inbound: {
    async execute(input, next) {
      const { activityType, attempt } = ctx.info;
      const started = Date.now();
      const level = CHATTY.has(activityType) ? 'debug' : 'info';
      try {
        const result = await next(input);
        ctx.log[level]('activity done', { attempt, ms: Date.now() - started });
        return result;
      } catch (err) {
        ctx.log.warn('activity failed', { attempt, ms: Date.now() - started, error: (err as Error).message });
        throw err;
      }
    },
  },
});
