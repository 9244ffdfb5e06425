import type { Role } from '@argus/shared';

/**
 * Roles that are a duty of their own (三员分立, shared/src/api.ts `roles`): an account holding
 * one of them holds that one role only.
 */
export const EXCLUSIVE_ROLES: readonly Role[] = ['admin', 'auditor'];

/** Whether `roles` keeps the rule: an admin or auditor account holds no other role. */
export function rolesCombinationAllowed(roles: readonly Role[]): boolean {
  const distinct = new Set(roles);
  return !(EXCLUSIVE_ROLES.some((r) => distinct.has(r)) && distinct.size > 1);
}

/**
 * Whether the role picker offers `role` while `current` is checked: a checked role can always
 * be unchecked; an unchecked one only when adding it keeps the rule (so an exclusive role
 * locks every other box, and any business role locks the exclusive ones).
 */
export function roleSelectable(role: Role, current: readonly Role[]): boolean {
  if (current.includes(role)) return true;
  return rolesCombinationAllowed([...current, role]);
}

/**
 * Whether an administrator may change or delete `user`'s account: the server refuses PATCH
 * and DELETE of auditor accounts to administrators (they answer to someone else).
 */
export function adminMayChange(user: { roles: readonly Role[] }): boolean {
  return !user.roles.includes('auditor');
}
