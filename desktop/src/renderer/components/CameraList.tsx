import { useTranslation } from 'react-i18next';
import type { CameraSummary } from '@argus/shared';

/** The camera list: click a camera to put it into the selected tile. */
export function CameraList({ cameras, onPick }: { cameras: CameraSummary[]; onPick: (cameraId: string) => void }) {
  const { t } = useTranslation();
  return (
    <aside className="camera-list">
      <h2>{t('cameras.title')}</h2>
      <p className="camera-list__hint">{t('cameras.hint')}</p>
      {cameras.length === 0 && <p className="camera-list__empty">{t('cameras.empty')}</p>}
      <ul>
        {cameras.map((camera) => (
          <li key={camera.id}>
            <button type="button" data-testid={`camera-${camera.id}`} data-state={camera.state} onClick={() => onPick(camera.id)} title={camera.lastError ?? ''}>
              <span className={`dot dot--${camera.state}`} />
              <span className="camera-list__name">{camera.name}</span>
              <span className="camera-list__state">{t(`state.${camera.state}`)}</span>
            </button>
          </li>
        ))}
      </ul>
    </aside>
  );
}
