import { randomBytes } from 'node:crypto';
import type { Role } from '@argus/shared';
import { hashPassword } from '../auth/passwords.js';
import type { SfuHandle } from '../server.js';
import { SYSTEM_ACTOR } from '../store/store.js';

/**
 * For the benchmark and tests: create a user (default: an operator at the root, who sees every
 * camera) with a random password and open a session for it. Returns the session token, to be
 * sent as the `argus_session` cookie or `auth.token` of a socket.
 */
export async function provisionSession(sfu: SfuHandle, username: string, roles: Role[] = ['operator'], orgUnitId?: string): Promise<{ token: string; password: string }> {
  const root = (await sfu.store.orgUnits.list()).find((u) => u.parentId === null);
  if (!root) throw new Error('the store has no org tree');
  const password = randomBytes(12).toString('base64url');
  await sfu.store.users.create({ username, displayName: username, orgUnitId: orgUnitId ?? root.id, roles, passwordHash: await hashPassword(password) }, SYSTEM_ACTOR);
  const { token } = await sfu.auth.login(username, password, '127.0.0.1');
  return { token, password };
}
