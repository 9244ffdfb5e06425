import type { SfuConfig } from '@argus/shared';
import type { AnalyticsService } from '../../analytics/analyticsService.js';
import type { IncomingMessage, ServerResponse } from 'node:http';
import createRouter, { type HTTPMethod } from 'find-my-way';
import { parse as parseCookie, serialize as serializeCookie } from 'cookie';
import type { z } from 'zod';
import { SESSION_COOKIE, type Permission } from '@argus/shared';
import type { AuthService } from '../../auth/authService.js';
import { can, type Principal } from '../../auth/principal.js';
import type { Catalog } from '../../catalog/catalog.js';
import type { Logger } from '../../log.js';
import { isOriginAllowed } from '../../security/originPolicy.js';
import type { Store } from '../../store/store.js';
import { ApiError, toApiError } from './apiError.js';
import { readJsonBody } from './requestBody.js';

/** What API handlers may use. */
export interface ApiDeps {
  store: Store;
  auth: AuthService;
  catalog: Catalog;
  allowedOrigins: readonly string[];
  /** Mark the session cookie Secure (HTTPS deployments). */
  secureCookie: boolean;
  log: Logger;
  /** The analytics workers (enrolment, sign-ins, alerts), or null when analytics is off. */
  analytics: AnalyticsService | null;
  /** The analytics settings (enrolment limits, time zone of the sign-in day). */
  analyticsConfig: SfuConfig['analytics'];
}

export interface RouteContext<Body, Query> {
  req: IncomingMessage;
  res: ServerResponse;
  params: Record<string, string | undefined>;
  body: Body;
  query: Query;
  /** The caller; non-null on every route that requires a session. */
  principal: Principal;
  address: string;
}

/** A handler's answer: a JSON body (200), or an explicit status, or {@link HANDLED} when it wrote the response itself. */
export type RouteResult = unknown;
export const HANDLED = Symbol('handled');
export const created = (body: unknown) => ({ [STATUS]: 201, body });
export const noContent = () => ({ [STATUS]: 204, body: null });
const STATUS = Symbol('status');

interface RouteOptions<B extends z.ZodType | undefined, Q extends z.ZodType | undefined> {
  /** Routes are for logged-in users unless `public` is set. */
  public?: boolean;
  /** Open to a user who must still change their password (me, password, logout); every other route refuses them. */
  beforePasswordChange?: boolean;
  permission?: Permission;
  body?: B;
  /** Largest body accepted, bytes (default 64 KiB; enrolment photos need more). */
  maxBodyBytes?: number;
  query?: Q;
}
type Infer<T> = T extends z.ZodType ? z.infer<T> : undefined;

export type ApiRouteTable = ReturnType<typeof createApiRouteTable>;

/**
 * A route table over find-my-way: each route declares whether it needs a session, which
 * permission, and the zod schemas of its body and query; the table checks all of that before
 * the handler runs, and turns what handlers throw into JSON errors.
 */
export function createApiRouteTable(deps: ApiDeps) {
  const router = createRouter({ ignoreTrailingSlash: true, maxParamLength: 128 });

  function route<B extends z.ZodType | undefined = undefined, Q extends z.ZodType | undefined = undefined>(
    method: HTTPMethod,
    path: string,
    options: RouteOptions<B, Q>,
    handler: (ctx: RouteContext<Infer<B>, Infer<Q>>) => Promise<RouteResult>,
  ): void {
    router.on(method, path, (req, res, params) => {
      void run(req, res, params as Record<string, string | undefined>, options, handler as (ctx: RouteContext<unknown, unknown>) => Promise<RouteResult>);
    });
  }

  async function run(
    req: IncomingMessage,
    res: ServerResponse,
    params: Record<string, string | undefined>,
    options: RouteOptions<z.ZodType | undefined, z.ZodType | undefined>,
    handler: (ctx: RouteContext<unknown, unknown>) => Promise<RouteResult>,
  ): Promise<void> {
    const address = req.socket.remoteAddress ?? 'unknown';
    try {
      if (req.method !== 'GET' && req.method !== 'HEAD' && !isOriginAllowed(req.headers.origin, req.headers.host, deps.allowedOrigins)) {
        throw new ApiError('forbidden', 'requests from this origin are not allowed');
      }
      let principal: Principal | null = null;
      if (!options.public) {
        principal = await deps.auth.authenticate(sessionToken(req), address);
        if (principal.user.mustChangePassword && !options.beforePasswordChange) {
          throw new ApiError('password-change-required', 'set a new password first (POST /api/auth/password)');
        }
        if (options.permission && !can(principal, options.permission)) {
          // Someone trying what their role does not allow is worth an auditor's look.
          await deps.store.audit.append({
            at: Date.now(),
            userId: principal.user.id,
            username: principal.user.username,
            action: 'access.denied',
            targetType: 'api',
            targetId: `${req.method} ${(req.url ?? '').split('?')[0]!.slice(0, 200)}`,
            orgUnitId: principal.user.orgUnitId,
            address,
            outcome: 'denied',
            detail: { needs: options.permission },
          });
          throw new ApiError('forbidden', `needs the ${options.permission} permission`);
        }
      }
      const url = new URL(req.url ?? '/', 'http://localhost');
      const query = options.query ? options.query.parse(Object.fromEntries(url.searchParams)) : undefined;
      const body = options.body ? options.body.parse(await readJsonBody(req, options.maxBodyBytes)) : undefined;
      const result = await handler({ req, res, params, body, query, principal: principal as Principal, address });
      if (result === HANDLED) return;
      const status = (result as Record<symbol, number> | null)?.[STATUS];
      if (status !== undefined) {
        sendJson(res, status, (result as { body: unknown }).body);
      } else {
        sendJson(res, 200, result);
      }
    } catch (error) {
      const apiError = toApiError(error);
      if (!apiError) deps.log.error('API request failed', { method: req.method ?? '?', path: (req.url ?? '').split('?')[0]!, error: error as Error });
      else if (apiError.status >= 400 && apiError.code !== 'unauthenticated') deps.log.info('API request refused', { method: req.method ?? '?', path: (req.url ?? '').split('?')[0]!, code: apiError.code, message: apiError.message });
      const answer = apiError ?? new ApiError('internal', 'internal error');
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (answer.retryAfterSeconds !== undefined) res.setHeader('retry-after', String(answer.retryAfterSeconds));
      sendJson(res, answer.status, { error: { code: answer.code, message: answer.message } });
    }
  }

  return {
    route,
    /** Handle `req` if it is an API route; false when no route matches (the caller answers 404). */
    handle(req: IncomingMessage, res: ServerResponse): boolean {
      const path = (req.url ?? '/').split('?')[0]!;
      if (!path.startsWith('/api/')) return false;
      const found = router.find(req.method as HTTPMethod, path);
      if (!found) {
        const allowed = (['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const).filter((method) => router.find(method, path));
        if (allowed.length > 0) res.setHeader('allow', allowed.join(', '));
        sendJson(res, allowed.length > 0 ? 405 : 404, { error: { code: allowed.length > 0 ? 'bad-request' : 'not-found', message: allowed.length > 0 ? `${req.method} is not allowed here` : 'no such API route' } });
        return true;
      }
      (found.handler as (req: IncomingMessage, res: ServerResponse, params: unknown, store: unknown, search: unknown) => void)(req, res, found.params, found.store, found.searchParams);
      return true;
    },
  };
}

/** The session token of a request: `Authorization: Bearer`, else the session cookie. */
export function sessionToken(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  if (header?.startsWith('Bearer ')) return header.slice('Bearer '.length).trim();
  return cookieToken(req.headers.cookie);
}

/** The session token in a `Cookie` header. */
export function cookieToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  try {
    return parseCookie(header)[SESSION_COOKIE] || undefined;
  } catch {
    return undefined;
  }
}

/** `Set-Cookie` value for the session token (HttpOnly, SameSite=Strict); `token` null clears it. */
export function sessionCookie(token: string | null, expiresAt: number, secure: boolean): string {
  return serializeCookie(SESSION_COOKIE, token ?? '', {
    httpOnly: true,
    sameSite: 'strict',
    secure,
    path: '/',
    ...(token === null ? { maxAge: 0 } : { expires: new Date(expiresAt) }),
  });
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  if (status === 204) {
    res.writeHead(204, { 'cache-control': 'no-store' }).end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
