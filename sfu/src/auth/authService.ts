import { randomBytes, randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { SfuConfig, User } from '@argus/shared';
import type { Logger } from '../log.js';
import type { Store } from '../store/store.js';
import { LoginLimiter } from './loginLimiter.js';
import { hashPassword, verifyPassword } from './passwords.js';
import { principalOf, type Principal } from './principal.js';
import { SessionTokens, TokenError } from './sessionTokens.js';

/**
 * Why authentication failed:
 * - `invalid-credentials`: unknown username, wrong password or disabled user (one answer for all three);
 * - `rate-limited`: too many failures for this username or address; `retryAfterMs` says how long to wait;
 * - `unauthenticated`: no token, or a token that is invalid, expired, or of an ended session;
 * - `bad-password`: a password change gave a wrong current password or an unchanged one.
 */
export class AuthError extends Error {
  override readonly name = 'AuthError';
  constructor(
    readonly code: 'invalid-credentials' | 'rate-limited' | 'unauthenticated' | 'bad-password',
    message: string,
    readonly retryAfterMs = 0,
  ) {
    super(message);
  }
}

export type SessionEndReason = 'logout' | 'expired' | 'revoked';

export interface AuthEvents {
  /** A session ended before its expiry (logout or revoked); its sockets must be disconnected. */
  sessionEnded: [sessionId: string, reason: SessionEndReason];
}

export interface LoginResult {
  token: string;
  principal: Principal;
}

const SECRET_SETTING = 'auth.tokenSecret';

/**
 * Login, logout and token checks. Every login and failed login is audited and logged; failed
 * logins are rate-limited per username and per address (see {@link LoginLimiter}).
 */
export class AuthService extends EventEmitter<AuthEvents> {
  private constructor(
    private readonly store: Store,
    private readonly tokens: SessionTokens,
    private readonly limiter: LoginLimiter,
    private readonly config: SfuConfig['auth'],
    private readonly log: Logger,
  ) {
    super();
  }

  /** Uses `config.tokenSecret`, else the secret kept in the store (generated on first start). */
  static async create(store: Store, config: SfuConfig['auth'], log: Logger): Promise<AuthService> {
    let secret = config.tokenSecret ?? (await store.server.getSetting(SECRET_SETTING));
    if (!secret) {
      secret = randomBytes(48).toString('base64url');
      await store.server.setSetting(SECRET_SETTING, secret);
      log.info('generated a new token secret and kept it in the store');
    }
    const limiter = new LoginLimiter({ maxFailuresPerUser: config.maxFailuresPerUser, maxFailuresPerAddress: config.maxFailuresPerAddress, windowMs: config.lockoutMs });
    return new AuthService(store, new SessionTokens(secret), limiter, config, log);
  }

  /**
   * Check a username and password and open a session.
   * @throws AuthError `rate-limited` (checked before the password) or `invalid-credentials`.
   */
  async login(username: string, password: string, address: string): Promise<LoginResult> {
    const now = Date.now();
    const typed = username.slice(0, 64);
    const fail = async (reason: string, outcome: 'failed' | 'denied', userId: string | null, orgUnitId: string | null) => {
      await this.store.audit.append({ at: now, userId, username: typed, action: 'auth.login-failed', targetType: 'user', targetId: userId, orgUnitId, address, outcome, detail: { reason } });
      this.log.warn('login failed', { username: typed, address, reason });
    };

    const waitMs = await this.limiter.retryAfterMs(typed, address);
    if (waitMs > 0) {
      await fail('rate-limited', 'denied', null, null);
      throw new AuthError('rate-limited', `too many failed logins; try again in ${Math.ceil(waitMs / 1000)} s`, waitMs);
    }
    const found = await this.store.users.findForLogin(typed);
    const passwordOk = await verifyPassword(found?.passwordHash ?? null, password);
    if (!found || !passwordOk || found.user.disabled) {
      if (!found || !passwordOk) await this.limiter.recordFailure(typed, address);
      await fail(!found ? 'unknown-user' : !passwordOk ? 'wrong-password' : 'disabled', 'failed', found?.user.id ?? null, found?.user.orgUnitId ?? null);
      throw new AuthError('invalid-credentials', 'wrong username or password');
    }
    await this.limiter.recordSuccess(typed, address);

    const user = found.user;
    const sessionId = randomUUID();
    const expiresAt = now + this.config.sessionTtlMs;
    await this.store.sessions.create({ id: sessionId, userId: user.id, createdAt: now, expiresAt, address });
    await this.store.users.recordLogin(user.id, now);
    await this.store.audit.append({ at: now, userId: user.id, username: user.username, action: 'auth.login', targetType: 'session', targetId: sessionId, orgUnitId: user.orgUnitId, address, detail: { expiresAt } });
    this.log.info('login', { username: user.username, address });
    const token = await this.tokens.sign({ sub: user.id, sid: sessionId, expiresAt });
    return { token, principal: principalOf({ ...user, lastLoginAt: now }, sessionId, expiresAt, address) };
  }

  /**
   * The principal of a token: valid signature, unexpired, session open, user present and enabled.
   * @throws AuthError `unauthenticated` with the reason.
   */
  async authenticate(token: string | undefined, address: string): Promise<Principal> {
    if (!token) throw new AuthError('unauthenticated', 'not logged in');
    let claims;
    try {
      claims = await this.tokens.verify(token);
    } catch (error) {
      throw new AuthError('unauthenticated', error instanceof TokenError ? error.message : 'invalid token');
    }
    const session = await this.store.sessions.get(claims.sid);
    const now = Date.now();
    if (!session || session.userId !== claims.sub) throw new AuthError('unauthenticated', 'unknown session');
    if (session.revokedAt !== null) throw new AuthError('unauthenticated', 'session ended');
    if (session.expiresAt <= now) throw new AuthError('unauthenticated', 'session expired');
    const user: User | null = await this.store.users.get(session.userId);
    if (!user || user.disabled) throw new AuthError('unauthenticated', 'user disabled or removed');
    return principalOf(user, session.id, session.expiresAt, address);
  }

  /** End the caller's session (audited); its sockets are told `logout` and disconnected. */
  async logout(principal: Principal): Promise<void> {
    const now = Date.now();
    await this.store.sessions.revoke(principal.sessionId, now);
    await this.store.audit.append({
      at: now,
      userId: principal.user.id,
      username: principal.user.username,
      action: 'auth.logout',
      targetType: 'session',
      targetId: principal.sessionId,
      orgUnitId: principal.user.orgUnitId,
      address: principal.address,
    });
    this.log.info('logout', { username: principal.user.username });
    this.emit('sessionEnded', principal.sessionId, 'logout');
  }

  /**
   * A user changes their own password: the current one must be right (a wrong one counts as a
   * failed login for the rate limit), the new one is stored, `mustChangePassword` is cleared and
   * every other session of the user ends. Audited as `auth.password-change`.
   * @throws AuthError `bad-password` (wrong current password, or the same password again) or `rate-limited`.
   */
  async changePassword(principal: Principal, currentPassword: string, newPassword: string): Promise<void> {
    const { user, address } = principal;
    const waitMs = await this.limiter.retryAfterMs(user.username, address);
    if (waitMs > 0) throw new AuthError('rate-limited', `too many failed attempts; try again in ${Math.ceil(waitMs / 1000)} s`, waitMs);
    const found = await this.store.users.findForLogin(user.username);
    if (!found || !(await verifyPassword(found.passwordHash, currentPassword))) {
      await this.limiter.recordFailure(user.username, address);
      await this.store.audit.append({ at: Date.now(), userId: user.id, username: user.username, action: 'auth.login-failed', targetType: 'user', targetId: user.id, orgUnitId: user.orgUnitId, address, outcome: 'failed', detail: { reason: 'wrong-password', during: 'password-change' } });
      throw new AuthError('bad-password', 'currentPassword: the current password is wrong');
    }
    if (currentPassword === newPassword) throw new AuthError('bad-password', 'newPassword: must differ from the current password');
    await this.store.users.changeOwnPassword(user.id, await hashPassword(newPassword), { userId: user.id, username: user.username, address });
    const ended = await this.store.sessions.revokeAllForUser(user.id, Date.now(), principal.sessionId);
    for (const sessionId of ended) this.emit('sessionEnded', sessionId, 'revoked');
    this.log.info('password changed', { username: user.username });
  }

  /** End every session of a user (new password, roles or org unit, disabled, deleted). */
  async revokeUser(userId: string): Promise<void> {
    const ended = await this.store.sessions.revokeAllForUser(userId, Date.now());
    for (const sessionId of ended) this.emit('sessionEnded', sessionId, 'revoked');
  }
}
