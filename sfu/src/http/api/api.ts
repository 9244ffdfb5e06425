import { addAdminRoutes } from './adminRoutes.js';
import { addAnalyticsRoutes } from './analyticsRoutes.js';
import { addAuditRoutes } from './auditRoutes.js';
import { addAuthRoutes } from './authRoutes.js';
import { addPersonRoutes } from './personRoutes.js';
import { createApiRouteTable, type ApiDeps, type ApiRouteTable } from './apiRouter.js';

export type Api = Pick<ApiRouteTable, 'handle'>;

/** The HTTP API under `/api` (routes listed in shared/src/api.ts, API_ROUTES). */
export function createApi(deps: ApiDeps): Api {
  const table = createApiRouteTable(deps);
  addAuthRoutes(table, deps);
  addAdminRoutes(table, deps);
  addPersonRoutes(table, deps);
  addAnalyticsRoutes(table, deps);
  addAuditRoutes(table, deps);
  return table;
}
