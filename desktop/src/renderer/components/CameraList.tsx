import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { CameraSummary } from '@argus/shared';
import { groupCamerasByOrgUnit } from '../cameraGroups.js';

/**
 * The camera list, grouped under the name of the org unit that owns each camera (units in
 * org-tree order when `unitOrder` is known): click a camera to put it into the selected tile.
 */
export function CameraList({ cameras, unitOrder, onPick }: { cameras: CameraSummary[]; unitOrder: readonly string[]; onPick: (cameraId: string) => void }) {
  const { t } = useTranslation();
  const groups = useMemo(() => groupCamerasByOrgUnit(cameras, unitOrder), [cameras, unitOrder]);
  return (
    <aside className="camera-list">
      <h2>{t('cameras.title')}</h2>
      <p className="camera-list__hint">{t('cameras.hint')}</p>
      {cameras.length === 0 && <p className="camera-list__empty">{t('cameras.empty')}</p>}
      {groups.map((group) => (
        <section key={group.orgUnitId} className="camera-list__group" data-testid={`camera-group-${group.orgUnitId}`}>
          <h3 className="camera-list__unit">{group.orgUnitName}</h3>
          <ul>
            {group.cameras.map((camera) => (
              <li key={camera.id}>
                <button type="button" data-testid={`camera-${camera.id}`} data-state={camera.state} onClick={() => onPick(camera.id)} title={camera.lastError ?? ''}>
                  <span className={`dot dot--${camera.state}`} />
                  <span className="camera-list__name">{camera.name}</span>
                  <span className="camera-list__state">{t(`state.${camera.state}`)}</span>
                </button>
              </li>
            ))}
          </ul>
        </section>
      ))}
    </aside>
  );
}
