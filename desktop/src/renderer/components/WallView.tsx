import { useEffect, useMemo, useState } from 'react';
import type { WallModel } from '../useWall.js';
import { gridColumns, isTileVisible } from '../wallLayout.js';
import { RuleEditor } from './analytics/RuleEditor.js';
import { SignInFeedPanel } from './analytics/SignInFeedPanel.js';
import type { SignInFeedModel } from './analytics/useSignInFeed.js';
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
 * The video wall: camera list, the grid of tiles and, for users with `signins.read`, the
 * sign-in feed (`signIns`). It stays mounted while another view is shown (`active` false) or
 * an alarm pop-up covers it (`covered`), so tiles keep their cameras; their consumers are
 * paused meanwhile. Users with `analytics.configure` (`canConfigureAnalytics`) get 分析规则 on
 * the selected tile, which opens the camera's rule editor over the wall (the grid paused
 * underneath).
 */
export function WallView({
  wall,
  client,
  active,
  covered = false,
  unitOrder,
  signIns = null,
  canConfigureAnalytics = false,
}: {
  wall: WallModel;
  client: NonNullable<WallModel['client']>;
  active: boolean;
  covered?: boolean;
  unitOrder: readonly string[];
  signIns?: SignInFeedModel | null;
  canConfigureAnalytics?: boolean;
}) {
  const pageVisible = usePageVisible();
  const { layout, dispatch, cameras, session } = wall;
  const cameraList = useMemo(() => [...cameras.values()], [cameras]);
  const [editing, setEditing] = useState<string | null>(null);
  const editedCamera = editing !== null ? (cameras.get(editing) ?? null) : null;
  const columns = layout.maximised !== null ? 1 : gridColumns(layout.layout);
  const gridShown = active && pageVisible && !covered && editedCamera === null;
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
                visible={onScreen && gridShown}
                selected={layout.selected === index}
                onSelect={() => dispatch({ type: 'selectTile', index })}
                onToggleMaximise={() => dispatch({ type: 'toggleMaximise', index })}
                onEditRules={canConfigureAnalytics && cameraId ? () => setEditing(cameraId) : undefined}
              />
            </div>
          );
        })}
      </main>
      {signIns && <SignInFeedPanel model={signIns} />}
      {editedCamera && <RuleEditor key={editedCamera.id} camera={editedCamera} client={client} session={session} visible={active && pageVisible && !covered} onClose={() => setEditing(null)} />}
    </div>
  );
}
