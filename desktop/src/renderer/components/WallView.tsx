import { useEffect, useMemo, useState } from 'react';
import type { WallModel } from '../useWall.js';
import { gridColumns, isTileVisible } from '../wallLayout.js';
import { CameraList } from './CameraList.js';
import { Tile } from './Tile.js';

/** Whether the page is shown (a minimised window or background tab pauses every tile). */
function usePageVisible(): boolean {
  const [visible, setVisible] = useState(document.visibilityState === 'visible');
  useEffect(() => {
    const onChange = () => setVisible(document.visibilityState === 'visible');
    document.addEventListener('visibilitychange', onChange);
    return () => document.removeEventListener('visibilitychange', onChange);
  }, []);
  return visible;
}

/**
 * The video wall: camera list and the grid of tiles. It stays mounted while another view is
 * shown (`active` false), so tiles keep their cameras; their consumers are paused meanwhile.
 */
export function WallView({ wall, client, active, unitOrder }: { wall: WallModel; client: NonNullable<WallModel['client']>; active: boolean; unitOrder: readonly string[] }) {
  const pageVisible = usePageVisible();
  const { layout, dispatch, cameras, session } = wall;
  const cameraList = useMemo(() => [...cameras.values()], [cameras]);
  const columns = layout.maximised !== null ? 1 : gridColumns(layout.layout);
  return (
    <div className="wall__body" style={active ? undefined : { display: 'none' }} data-testid="wall-view">
      <CameraList cameras={cameraList} unitOrder={unitOrder} onPick={(cameraId) => dispatch({ type: 'assignCamera', cameraId })} />
      <main className="grid" style={{ gridTemplateColumns: `repeat(${columns}, 1fr)`, gridTemplateRows: `repeat(${columns}, 1fr)` }}>
        {layout.tiles.map((cameraId, index) => {
          const onScreen = isTileVisible(layout, index);
          return (
            <div key={index} className="grid__cell" style={{ display: onScreen ? 'block' : 'none' }}>
              <Tile
                client={client}
                session={session}
                index={index}
                camera={cameraId ? (cameras.get(cameraId) ?? null) : null}
                visible={onScreen && pageVisible && active}
                selected={layout.selected === index}
                onSelect={() => dispatch({ type: 'selectTile', index })}
                onToggleMaximise={() => dispatch({ type: 'toggleMaximise', index })}
              />
            </div>
          );
        })}
      </main>
    </div>
  );
}
