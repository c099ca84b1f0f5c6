import { randomBytes } from 'node:crypto';
import type { RequestHandler, Router } from 'express';
import type { MaintenanceStore } from '../activities/maintenance-store';
import {
  coveringWindow,
  isActiveAt,
  windowTimes,
  type MaintenanceWindow,
} from '../domain/maintenance-window';
import type { RouteKey } from './route-permissions';
import { ApiError } from './errors';
import { parse, principalOf, route } from './route-helpers';
import { maintenanceIdSchema, maintenanceRequestSchema } from './schemas';

/**
 * Whether an alert's instance is under planned work now: by its id, or, when a window names a fleet,
 * by the fleet its tags put it in (read only then).
 */
export function maintenanceGate(
  store: Pick<MaintenanceStore, 'current'>,
  fleetOf: (instanceId: string) => Promise<string | undefined>,
  now: () => Date = () => new Date(),
): (resourceId: string) => Promise<MaintenanceWindow | undefined> {
  return async (resourceId) => {
    const at = now();
    const active = (await store.current(at)).filter((w) => isActiveAt(w, at.getTime()));
    if (active.length === 0) return undefined;
    const byId = coveringWindow(active, { resourceId }, at.getTime());
    if (byId || !active.some((w) => w.fleet !== undefined)) return byId;
    return coveringWindow(active, { resourceId, fleet: await fleetOf(resourceId) }, at.getTime());
  };
}

/** Records a new window from a request (the route's, or chat's), as `by`. */
export async function startMaintenance(
  store: Pick<MaintenanceStore, 'put'>,
  request: {
    instances: string[];
    fleet?: string | undefined;
    startsAt?: string | undefined;
    durationMinutes: number;
    reason: string;
  },
  by: string,
  at: Date,
): Promise<MaintenanceWindow> {
  const window: MaintenanceWindow = {
    id: `mw-${randomBytes(6).toString('hex')}`,
    resources: request.instances,
    ...(request.fleet ? { fleet: request.fleet } : {}),
    ...windowTimes(request, at.getTime()),
    reason: request.reason,
    createdBy: by,
    createdAt: at.toISOString(),
  };
  await store.put(window);
  return window;
}

/** `POST|GET /maintenance`, `DELETE /maintenance/:id`: planned work, announced, listed and ended early. */
export function maintenanceRoutes(
  api: Router,
  guard: (key: RouteKey, auditAction?: string) => RequestHandler[],
  store: MaintenanceStore,
  now: () => Date = () => new Date(),
): void {
  api.post(
    '/maintenance',
    ...guard('POST /api/v1/maintenance', 'maintenance.start'),
    route(async (req, res) => {
      const request = parse(maintenanceRequestSchema, req.body);
      const window = await startMaintenance(store, request, principalOf(res).name, now());
      res.locals.auditDetail = { id: window.id, instances: window.resources, fleet: window.fleet };
      res.status(201).json(window);
    }),
  );
  api.get(
    '/maintenance',
    ...guard('GET /api/v1/maintenance'),
    route(async (_req, res) => {
      const at = now();
      const windows = await store.current(at);
      res.json({ windows: windows.map((w) => ({ ...w, active: isActiveAt(w, at.getTime()) })) });
    }),
  );
  api.delete(
    '/maintenance/:id',
    ...guard('DELETE /api/v1/maintenance/:id', 'maintenance.end'),
    route(async (req, res) => {
      const id = parse(maintenanceIdSchema, req.params.id);
      res.locals.auditDetail = { id };
      const ended = await store.end(id, principalOf(res).name, now());
      if (!ended) throw new ApiError('not_found', `No current maintenance window ${id}`);
      res.json(ended);
    }),
  );
}
