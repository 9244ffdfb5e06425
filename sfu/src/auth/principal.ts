import { permissionsOf, type Permission, type User } from '@argus/shared';

/** Who is calling: an authenticated user in an open session. Built fresh from the store on each request and each socket connection. */
export interface Principal {
  user: User;
  sessionId: string;
  /** Epoch ms when the session ends. */
  expiresAt: number;
  permissions: Permission[];
  /** Client address (IP) of this request or connection. */
  address: string;
}

export function principalOf(user: User, sessionId: string, expiresAt: number, address: string): Principal {
  return { user, sessionId, expiresAt, permissions: permissionsOf(user.roles), address };
}

export function can(principal: Principal, permission: Permission): boolean {
  return principal.permissions.includes(permission);
}

/** The principal as an audit actor. */
export function actorOf(principal: Principal): { userId: string; username: string; address: string } {
  return { userId: principal.user.id, username: principal.user.username, address: principal.address };
}
