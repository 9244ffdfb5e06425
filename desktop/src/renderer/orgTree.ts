import { ORG_LEVELS, type OrgLevel, type OrgUnit } from '@argus/shared';

/** One line of the org tree as a list shows it: the unit and how deep it sits below the list's root. */
export interface OrgTreeRow {
  unit: OrgUnit;
  /** 0 for a root (the user's own unit), 1 for its children, ... */
  depth: number;
  /** Ids of the unit's direct children in the list. */
  childIds: string[];
}

/**
 * The units depth first, each followed by its children (children ordered by id, which for
 * division codes is the official order). Roots are the units whose parent is not in the list
 * (for a user: their own unit), in the order given. Units on a cycle, which a well-formed tree
 * never has, are appended at depth 0 so that nothing disappears.
 */
export function flattenOrgTree(units: readonly OrgUnit[]): OrgTreeRow[] {
  const byId = new Map(units.map((u) => [u.id, u]));
  const children = new Map<string, OrgUnit[]>();
  for (const unit of units) {
    if (unit.parentId !== null && byId.has(unit.parentId) && unit.parentId !== unit.id) {
      const list = children.get(unit.parentId) ?? [];
      list.push(unit);
      children.set(unit.parentId, list);
    }
  }
  for (const list of children.values()) list.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

  const rows: OrgTreeRow[] = [];
  const seen = new Set<string>();
  const visit = (unit: OrgUnit, depth: number) => {
    if (seen.has(unit.id)) return;
    seen.add(unit.id);
    const kids = children.get(unit.id) ?? [];
    rows.push({ unit, depth, childIds: kids.map((k) => k.id) });
    for (const kid of kids) visit(kid, depth + 1);
  };
  for (const unit of units) if (unit.parentId === null || !byId.has(unit.parentId) || unit.parentId === unit.id) visit(unit, 0);
  for (const unit of units) visit(unit, 0);
  return rows;
}

/** Indentation for a unit's name where styling is not possible (a `<select>`'s options): non-breaking spaces. */
export function indentedName(name: string, depth: number): string {
  return `${'\u00a0\u00a0\u00a0\u00a0'.repeat(depth)}${name}`;
}

/** Options for an org-unit picker: the tree depth first, names indented by depth. */
export function orgUnitOptions(units: readonly OrgUnit[]): Array<{ id: string; label: string }> {
  return flattenOrgTree(units).map((row) => ({ id: row.unit.id, label: indentedName(row.unit.name, row.depth) }));
}

/** Unit names by id, to show a name where the API gives an id. */
export function orgUnitNames(units: readonly OrgUnit[]): Map<string, string> {
  return new Map(units.map((u) => [u.id, u.name]));
}

/** The levels a child of a `level` unit may have: those below it (none below a township). */
export function childLevels(level: OrgLevel): OrgLevel[] {
  return ORG_LEVELS.slice(ORG_LEVELS.indexOf(level) + 1);
}

/** Digits of a unit id at `level`: 6 for province, city and county (GB/T 2260), 9 for a township. */
export function orgIdLength(level: OrgLevel): 6 | 9 {
  return level === 'township' ? 9 : 6;
}

/**
 * The start of a new child's division code that the parent's code fixes (GB/T 2260: 2 digits
 * of province, 2 of city, 2 of county, then 3 of township): `37` under the province `370000`,
 * `3701` under the city `370100`, `370102` under the county `370102`.
 */
export function childIdPrefix(parent: OrgUnit): string {
  switch (parent.level) {
    case 'province':
      return parent.id.slice(0, 2);
    case 'city':
      return parent.id.slice(0, 4);
    case 'county':
      return parent.id.slice(0, 6);
    case 'township':
      return '';
  }
}
