import { loginRequest, passwordChange, type LoginResponse, type MeResponse } from '@argus/shared';
import type { Principal } from '../../auth/principal.js';
import { noContent, sessionCookie, type ApiDeps, type ApiRouteTable } from './apiRouter.js';

const me = (principal: Principal): MeResponse => ({ user: principal.user, expiresAt: principal.expiresAt, permissions: principal.permissions, mustChangePassword: principal.user.mustChangePassword });

/** `POST /api/auth/login`, `POST /api/auth/logout`, `GET /api/auth/me`, `POST /api/auth/password`. */
export function addAuthRoutes(api: ApiRouteTable, deps: ApiDeps): void {
  api.route('POST', '/api/auth/login', { public: true, body: loginRequest }, async ({ req, body, res, address }) => {
    const { token, principal } = await deps.auth.login(body.username, body.password, address);
    res.setHeader('set-cookie', sessionCookie(token, principal.expiresAt, deps.secureCookie));
    // Browsers (which send Origin on every POST) keep the token in the HttpOnly cookie only, out of reach of page scripts.
    const answer: LoginResponse = { token: req.headers.origin === undefined ? token : null, ...me(principal) };
    return answer;
  });

  api.route('POST', '/api/auth/password', { beforePasswordChange: true, body: passwordChange }, async ({ principal, body }) => {
    await deps.auth.changePassword(principal, body.currentPassword, body.newPassword);
    return noContent();
  });

  api.route('POST', '/api/auth/logout', { beforePasswordChange: true }, async ({ principal, res }) => {
    await deps.auth.logout(principal);
    res.setHeader('set-cookie', sessionCookie(null, 0, deps.secureCookie));
    return noContent();
  });

  api.route('GET', '/api/auth/me', { beforePasswordChange: true }, async ({ principal }) => me(principal));
}
