import type { Principal } from '../auth/principal.js';
import type { OrgTree } from './orgTree.js';

/**
 * The scoping rule of Argus: a user reaches what belongs to their own org unit or to any unit
 * below it (a province user reaches everything, a county user only that county). Unknown org
 * units are out of everyone's scope.
 */
export function inScope(tree: OrgTree, principal: Principal, orgUnitId: string): boolean {
  return tree.contains(principal.user.orgUnitId, orgUnitId);
}

/** The org units a principal reaches, or null when that is every unit (the root's users). */
export function scopeIds(tree: OrgTree, principal: Principal): Set<string> | null {
  return tree.get(principal.user.orgUnitId)?.parentId === null ? null : tree.subtreeIds(principal.user.orgUnitId);
}
