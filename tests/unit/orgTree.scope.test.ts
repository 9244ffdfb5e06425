import { describe, expect, it } from 'vitest';
import type { OrgUnit } from '@argus/shared';
import { OrgTree } from '@argus/sfu';

/** The scoping tree: a user reaches their own unit and everything below it, nothing else. */
const UNITS: OrgUnit[] = [
  { id: '990102', parentId: '990100', level: 'county', name: '乙县' },
  { id: '990000', parentId: null, level: 'province', name: '省' },
  { id: '990100', parentId: '990000', level: 'city', name: '甲市' },
  { id: '990101', parentId: '990100', level: 'county', name: '甲县' },
  { id: '990200', parentId: '990000', level: 'city', name: '丙市' },
  { id: '990101001', parentId: '990101', level: 'township', name: '甲镇司法所' },
];

describe('OrgTree', () => {
  const tree = new OrgTree(UNITS);

  it('knows the ancestry of a unit, nearest first, whatever the input order', () => {
    expect(tree.ancestry('990101001')).toEqual(['990101001', '990101', '990100', '990000']);
    expect(tree.ancestry('nope')).toEqual([]);
    expect(tree.rootId()).toBe('990000');
  });

  it('contains a unit in its own subtree and its ancestors\' subtrees only', () => {
    expect(tree.contains('990000', '990101001')).toBe(true);
    expect(tree.contains('990100', '990102')).toBe(true);
    expect(tree.contains('990101', '990101')).toBe(true);
    expect(tree.contains('990101', '990102')).toBe(false);
    expect(tree.contains('990101', '990100')).toBe(false);
    expect(tree.contains('990200', '990101')).toBe(false);
    expect(tree.contains('990000', 'unknown')).toBe(false);
    expect(tree.contains('unknown', '990000')).toBe(false);
  });

  it('lists a subtree parents first', () => {
    expect(tree.subtree('990100').map((u) => u.id)).toEqual(['990100', '990102', '990101', '990101001']);
    expect([...tree.subtreeIds('990200')]).toEqual(['990200']);
    expect(tree.subtree('nope')).toEqual([]);
  });

  it('does not loop on a corrupt cycle', () => {
    const cyclic = new OrgTree([
      { id: '1', parentId: '2', level: 'city', name: 'a' },
      { id: '2', parentId: '1', level: 'city', name: 'b' },
    ]);
    expect(cyclic.contains('9', '1')).toBe(false);
  });
});
