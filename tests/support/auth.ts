import { io, type Socket } from 'socket.io-client';
import type { LoginResponse, Role } from '@argus/shared';
import { hashPassword, SYSTEM_ACTOR, type SfuHandle } from '@argus/sfu';

/** The password every test user gets. */
export const TEST_PASSWORD = 'test-password-123';

/** Create a user directly in the SFU's store (at `orgUnitId`, default the root). */
export async function createTestUser(sfu: SfuHandle, username: string, roles: Role[] = ['operator'], orgUnitId?: string): Promise<void> {
  const root = (await sfu.store.orgUnits.list()).find((u) => u.parentId === null)!;
  await sfu.store.users.create({ username, displayName: username, orgUnitId: orgUnitId ?? root.id, roles, passwordHash: await hashPassword(TEST_PASSWORD) }, SYSTEM_ACTOR);
}

/** Raw HTTP call of the API: status, parsed JSON body (or text), headers. */
export async function callApi(baseUrl: string, method: string, path: string, options: { token?: string; body?: unknown; headers?: Record<string, string> } = {}) {
  const response = await fetch(new URL(path, baseUrl), {
    method,
    headers: {
      ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...options.headers,
    },
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
  });
  const text = await response.text();
  let body: any = text;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    /* not JSON (CSV) */
  }
  return { status: response.status, body, headers: response.headers };
}

/** Log in over the API as a non-browser client (no Origin header), which gets the token in the body. @throws Error when the login is refused. */
export async function login(baseUrl: string, username: string, password = TEST_PASSWORD): Promise<LoginResponse & { token: string }> {
  const answer = await callApi(baseUrl, 'POST', '/api/auth/login', { body: { username, password } });
  if (answer.status !== 200 || typeof answer.body.token !== 'string') throw new Error(`login of ${username} failed: ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body as LoginResponse & { token: string };
}

/** A signalling connection authenticated with `token`; resolves once connected, rejects with the connect_error message. */
export async function connectWall(baseUrl: string, token: string): Promise<Socket> {
  const socket = io(baseUrl, { transports: ['websocket'], auth: { token }, reconnection: false });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', (error) => {
      socket.close();
      reject(error);
    });
  });
  return socket;
}
