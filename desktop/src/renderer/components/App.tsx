import { useEffect, useMemo, useReducer, useState } from 'react';
import type { CameraSummary } from '@argus/shared';
import { WallClient } from '../wallClient.js';
import { gridColumns, initialWallLayout, isTileVisible, LAYOUTS, wallLayoutReducer, type WallLayoutState } from '../wallLayout.js';
import { CameraList } from './CameraList.js';
import { Tile } from './Tile.js';
import { Toolbar } from './Toolbar.js';

const LAYOUT_STORAGE_KEY = 'argus.wallLayout';

function restoreLayout(): WallLayoutState {
  try {
    const saved = JSON.parse(window.localStorage.getItem(LAYOUT_STORAGE_KEY) ?? 'null') as WallLayoutState | null;
    if (
      saved &&
      LAYOUTS.includes(saved.layout) &&
      Array.isArray(saved.tiles) &&
      saved.tiles.length === 16 &&
      saved.tiles.every((t) => t === null || typeof t === 'string')
    ) {
      return { ...initialWallLayout(saved.layout), tiles: saved.tiles };
    }
  } catch {
    /* a damaged saved layout is ignored */
  }
  return initialWallLayout();
}

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

/** The wall: toolbar, camera list and the grid of tiles. The layout survives a reload. */
export function App() {
  const client = useMemo(() => new WallClient(), []);
  const [session, setSession] = useState(0);
  const [connected, setConnected] = useState(false);
  const [cameras, setCameras] = useState<Map<string, CameraSummary>>(new Map());
  const [layout, dispatch] = useReducer(wallLayoutReducer, undefined, restoreLayout);
  const pageVisible = usePageVisible();

  useEffect(() => {
    const offSession = client.on('session', (s) => {
      setConnected(true);
      setSession(s);
      client
        .listCameras()
        .then((list) => setCameras(new Map(list.map((c) => [c.id, c]))))
        .catch(() => undefined /* retried on the next session */);
    });
    // Without the server nothing is known to be live: show every camera as lost until it answers again.
    const offDisconnected = client.on('disconnected', () => {
      setConnected(false);
      setCameras((previous) => new Map([...previous].map(([id, c]) => [id, { ...c, state: 'lost' as const, videoProducerId: null, audioProducerId: null }])));
    });
    const offState = client.on('cameraState', (camera) => setCameras((previous) => new Map(previous).set(camera.id, camera)));
    return () => {
      offSession();
      offDisconnected();
      offState();
    };
  }, [client]);

  useEffect(() => {
    window.localStorage.setItem(LAYOUT_STORAGE_KEY, JSON.stringify(layout));
  }, [layout]);

  const columns = layout.maximised !== null ? 1 : gridColumns(layout.layout);
  return (
    <div className="wall">
      <Toolbar layout={layout.layout} onLayout={(size) => dispatch({ type: 'setLayout', layout: size })} connected={connected} />
      <div className="wall__body">
        <CameraList cameras={[...cameras.values()]} onPick={(cameraId) => dispatch({ type: 'assignCamera', cameraId })} />
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
                  visible={onScreen && pageVisible}
                  selected={layout.selected === index}
                  onSelect={() => dispatch({ type: 'selectTile', index })}
                  onToggleMaximise={() => dispatch({ type: 'toggleMaximise', index })}
                />
              </div>
            );
          })}
        </main>
      </div>
    </div>
  );
}
