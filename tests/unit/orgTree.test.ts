import { describe, expect, it } from 'vitest';
import type { OrgUnit } from '@argus/shared';
import { childIdPrefix, childLevels, flattenOrgTree, indentedName, orgIdLength, orgUnitNames, orgUnitOptions } from '../../desktop/src/renderer/orgTree.js';

const unit = (id: string, parentId: string | null, level: OrgUnit['level'], name: string): OrgUnit => ({ id, parentId, level, name });

/** A city subtree, as `GET /api/org-units` gives it to a city user: root first, the rest in no particular order. */
const CITY: OrgUnit[] = [
  unit('370100', '370000', 'city', '济南市'),
  unit('370112', '370100', 'county', '历城区'),
  unit('370102', '370100', 'county', '历下区'),
  unit('370102001', '370102', 'township', '解放路街道'),
  unit('370112002', '370112', 'township', '洪家楼街道'),
];

describe('org tree', () => {
  it('lists the subtree depth first, children by division code, with depths', () => {
    const rows = flattenOrgTree(CITY);
    expect(rows.map((r) => [r.unit.id, r.depth])).toEqual([
      ['370100', 0],
      ['370102', 1],
      ['370102001', 2],
      ['370112', 1],
      ['370112002', 2],
    ]);
    expect(rows[0]!.childIds).toEqual(['370102', '370112']);
    expect(rows[2]!.childIds).toEqual([]);
  });

  it('treats a unit whose parent is outside the list as a root, and loses nothing on a cycle', () => {
    const odd = [unit('a', 'b', 'county', 'A'), unit('b', 'a', 'county', 'B'), unit('c', null, 'province', 'C')];
    const rows = flattenOrgTree(odd);
    expect(rows.map((r) => r.unit.id).sort()).toEqual(['a', 'b', 'c']);
    expect(flattenOrgTree([])).toEqual([]);
  });

  it('indents picker options by depth with non-breaking spaces', () => {
    const options = orgUnitOptions(CITY);
    expect(options[0]).toEqual({ id: '370100', label: '济南市' });
    expect(options[2]).toEqual({ id: '370102001', label: indentedName('解放路街道', 2) });
    expect(indentedName('x', 2)).toBe('\u00a0'.repeat(8) + 'x');
    expect(orgUnitNames(CITY).get('370112')).toBe('历城区');
  });

  it('allows children only below the parent level, with 6- or 9-digit codes', () => {
    expect(childLevels('province')).toEqual(['city', 'county', 'township']);
    expect(childLevels('county')).toEqual(['township']);
    expect(childLevels('township')).toEqual([]);
    expect(orgIdLength('city')).toBe(6);
    expect(orgIdLength('township')).toBe(9);
  });

  it('prefills the part of a child code that the parent fixes', () => {
    expect(childIdPrefix(unit('370000', null, 'province', '山东省'))).toBe('37');
    expect(childIdPrefix(CITY[0]!)).toBe('3701');
    expect(childIdPrefix(CITY[2]!)).toBe('370102');
    expect(childIdPrefix(CITY[3]!)).toBe('');
  });
});
