import type { RequestHandler } from 'express';
import type { Logger } from 'pino';
import type { Principal } from '../domain/rbac';

const INCIDENT_PATH = /^\/api\/v1\/incidents\/([^/?]+)/;

/**
 * One JSON line per request once it is answered: route, status, time, who, and the incident it
 * concerns, so `incidentId` joins the API's lines with the worker's for the same incident.
 */
export function requestLog(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    const pathIncident = INCIDENT_PATH.exec(req.originalUrl)?.[1];
    res.on('finish', () => {
      const principal = res.locals.principal as Principal | undefined;
      const incidentId =
        (res.locals.incidentId as string | undefined) ??
        (pathIncident ? decodeURIComponent(pathIncident).slice(0, 200) : undefined);
      const line = {
        method: req.method,
        route: (req.route as { path?: string } | undefined)?.path
          ? `${req.baseUrl}${(req.route as { path: string }).path}`
          : req.path.slice(0, 200),
        status: res.statusCode,
        ms: Number(process.hrtime.bigint() - started) / 1e6,
        ...(principal ? { actor: principal.name, role: principal.role } : {}),
        ...(incidentId ? { incidentId, workflowId: incidentId } : {}),
      };
      if (res.statusCode >= 500) logger.error(line, 'request failed');
      else logger.info(line, 'request');
    });
    next();
  };
}
