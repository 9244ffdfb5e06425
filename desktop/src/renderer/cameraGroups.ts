import type { CameraSummary } from '@argus/shared';

/** The cameras of one org unit, for the wall's camera list. */
export interface CameraGroup {
  orgUnitId: string;
  orgUnitName: string;
  cameras: CameraSummary[];
}

/**
 * Cameras grouped by the org unit that owns them. Groups follow `unitOrder` (e.g. the org
 * tree depth first, so a city comes before its counties); units not in it come after, by
 * name. Inside a group, cameras keep the order they were given in.
 */
export function groupCamerasByOrgUnit(cameras: Iterable<CameraSummary>, unitOrder: readonly string[] = []): CameraGroup[] {
  const groups = new Map<string, CameraGroup>();
  for (const camera of cameras) {
    let group = groups.get(camera.orgUnitId);
    if (!group) {
      group = { orgUnitId: camera.orgUnitId, orgUnitName: camera.orgUnitName, cameras: [] };
      groups.set(camera.orgUnitId, group);
    }
    group.cameras.push(camera);
  }
  const rank = new Map(unitOrder.map((id, index) => [id, index]));
  return [...groups.values()].sort((a, b) => {
    const ra = rank.get(a.orgUnitId);
    const rb = rank.get(b.orgUnitId);
    if (ra !== undefined && rb !== undefined) return ra - rb;
    if (ra !== undefined) return -1;
    if (rb !== undefined) return 1;
    return a.orgUnitName.localeCompare(b.orgUnitName, 'zh-CN') || a.orgUnitId.localeCompare(b.orgUnitId);
  });
}
