import { describe, expect, it } from 'vitest';
import type { CameraSummary } from '@argus/shared';
import { groupCamerasByOrgUnit } from '../../desktop/src/renderer/cameraGroups.js';

const camera = (id: string, orgUnitId: string, orgUnitName: string): CameraSummary => ({
  id,
  name: id,
  orgUnitId,
  orgUnitName,
  state: 'live',
  videoProducerId: null,
  audioProducerId: null,
  sourceCodec: null,
  videoPath: null,
  ptz: false,
  lastError: null,
  since: 0,
});

describe('camera list groups', () => {
  const cameras = [camera('a', '370112', '历城区'), camera('b', '370102', '历下区'), camera('c', '370112', '历城区'), camera('d', '370100', '济南市')];

  it('groups by org unit in org-tree order, keeping the cameras’ order inside a group', () => {
    const groups = groupCamerasByOrgUnit(cameras, ['370100', '370102', '370112']);
    expect(groups.map((g) => [g.orgUnitName, g.cameras.map((c) => c.id)])).toEqual([
      ['济南市', ['d']],
      ['历下区', ['b']],
      ['历城区', ['a', 'c']],
    ]);
  });

  it('puts units outside the known order last, by name (pinyin order in zh-CN)', () => {
    const groups = groupCamerasByOrgUnit(cameras, ['370112']);
    expect(groups.map((g) => g.orgUnitName)).toEqual(['历城区', '济南市', '历下区']);
    expect(groupCamerasByOrgUnit([])).toEqual([]);
  });
});
