import type { Permission } from '../domain/rbac';

/**
 * The permission every API route needs: one table that the app, the OpenAPI document and the
 * route × role test all read, so a route cannot be served without a check.
 */
export const ROUTE_PERMISSIONS = {
  'GET /api/v1/openapi.json': 'read',
  'GET /api/v1/incidents': 'read',
  'POST /api/v1/incidents': 'operate',
  'GET /api/v1/incidents/:id': 'read',
  'GET /api/v1/incidents/:id/evidence': 'read',
  'GET /api/v1/stream/incidents': 'read',
  'GET /api/v1/stream/incidents/:id': 'read',
  'GET /api/v1/stats': 'read',
  'GET /api/v1/models': 'read',
  'GET /api/v1/monitors': 'read',
  'GET /api/v1/monitors/:fleet/detectors/:instanceId': 'read',
  'GET /api/v1/me': 'read',
  'GET /api/v1/catalogue': 'read',
  'POST /api/v1/incidents/:id/decision': 'decide',
  'POST /api/v1/incidents/decisions': 'decide',
  'POST /api/v1/incidents/:id/lift': 'decide',
  'POST /api/v1/incidents/:id/feedback': 'answer',
  'POST /api/v1/incidents/:id/detection': 'answer',
  'GET /api/v1/incidents/:id/detection': 'read',
  'POST /api/v1/chat': 'read',
  'GET /api/v1/autonomy': 'read',
  'GET /api/v1/tasks': 'read',
  'POST /api/v1/tasks': 'admin',
  'GET /api/v1/tasks/:name': 'read',
  'POST /api/v1/tasks/:name/runs': 'operate',
  'GET /api/v1/task-runs/:id': 'read',
  'POST /api/v1/task-runs/:id/decision': 'decide',
  'GET /api/v1/feedback/agents': 'read',
  'GET /api/v1/audit': 'read',
  'GET /api/v1/tokens': 'admin',
  'POST /api/v1/tokens': 'admin',
  'DELETE /api/v1/tokens/:id': 'admin',
  'GET /api/v1/maintenance': 'read',
  'POST /api/v1/maintenance': 'operate',
  'DELETE /api/v1/maintenance/:id': 'operate',
  'POST /api/v1/alerts/alertmanager': 'alerts',
  'POST /api/v1/alerts/cloudwatch': 'alerts',
  'GET /metrics': 'read',
} as const satisfies Record<string, Permission>;

export type RouteKey = keyof typeof ROUTE_PERMISSIONS;
