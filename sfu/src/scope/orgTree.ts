import type { OrgUnit } from '@argus/shared';

/**
 * The org tree in memory, for scoping: a user sees what lies in their org unit's subtree.
 * Built from the store's org units (parents before children or in any order) and rebuilt
 * whenever they change. Lookups are O(depth) (depth ≤ 4: province, city, county, township).
 */
export class OrgTree {
  private readonly units = new Map<string, OrgUnit>();
  private readonly children = new Map<string, string[]>();

  constructor(units: readonly OrgUnit[]) {
    for (const unit of units) this.units.set(unit.id, unit);
    for (const unit of units) {
      if (unit.parentId === null) continue;
      const siblings = this.children.get(unit.parentId) ?? [];
      siblings.push(unit.id);
      this.children.set(unit.parentId, siblings);
    }
  }

  get(id: string): OrgUnit | undefined {
    return this.units.get(id);
  }

  /** The unit's display name, or its id when unknown. */
  name(id: string): string {
    return this.units.get(id)?.name ?? id;
  }

  /** `id` and its ancestors up to the root, nearest first; empty for an unknown id. */
  ancestry(id: string): string[] {
    const out: string[] = [];
    let unit = this.units.get(id);
    // The guard stops a corrupt cycle from looping forever.
    while (unit && out.length <= this.units.size) {
      out.push(unit.id);
      unit = unit.parentId === null ? undefined : this.units.get(unit.parentId);
    }
    return out;
  }

  /** Whether `id` is `rootId` or lies below it. Unknown ids are in nobody's subtree. */
  contains(rootId: string, id: string): boolean {
    return this.ancestry(id).includes(rootId);
  }

  /** `rootId` and every unit below it, parents before children; empty for an unknown root. */
  subtree(rootId: string): OrgUnit[] {
    const root = this.units.get(rootId);
    if (!root) return [];
    const out: OrgUnit[] = [];
    const queue = [root];
    while (queue.length > 0) {
      const unit = queue.shift()!;
      out.push(unit);
      for (const childId of this.children.get(unit.id) ?? []) queue.push(this.units.get(childId)!);
    }
    return out;
  }

  /** The ids of {@link subtree}. */
  subtreeIds(rootId: string): Set<string> {
    return new Set(this.subtree(rootId).map((u) => u.id));
  }

  /** The root's id, or null on an empty tree. */
  rootId(): string | null {
    for (const unit of this.units.values()) if (unit.parentId === null) return unit.id;
    return null;
  }
}
