import { useEffect, useReducer, useRef, useState, type Dispatch } from 'react';
import type { CameraSummary } from '@argus/shared';
import { noticeForRefusal, noticeForSessionEnd, type LoginNotice } from './sessionNotice.js';
import { WallClient } from './wallClient.js';
import { LEGACY_WALL_LAYOUT_KEY, restoreWallLayout, wallLayoutReducer, wallLayoutStorageKey, type WallLayoutAction, type WallLayoutState } from './wallLayout.js';

/** The wall `userId` saved last on this computer (a fresh one for a user new here). */
function restoreLayout(userId: string): WallLayoutState {
  try {
    window.localStorage.removeItem(LEGACY_WALL_LAYOUT_KEY);
    return restoreWallLayout(window.localStorage.getItem(wallLayoutStorageKey(userId)));
  } catch {
    return restoreWallLayout(null);
  }
}

/** What the wall shows and does; `client` is null for users who may not watch video (no socket is opened for them). */
export interface WallModel {
  client: WallClient | null;
  connected: boolean;
  /** Signalling session; increments on every (re)connect. */
  session: number;
  cameras: Map<string, CameraSummary>;
  layout: WallLayoutState;
  dispatch: Dispatch<WallLayoutAction>;
  /** Connect again after the SFU closed the connection without ending the session. */
  reconnect: () => void;
}

export interface WallCallbacks {
  /** The session ended or the SFU refused it: back to the login page with this notice. */
  onEnded: (notice: LoginNotice) => void;
  /** The SFU refused the connection because the user must set a new password first. */
  onPasswordChangeRequired: () => void;
  /**
   * The SFU closed the connection without `sessionEnded` (socket.io does not reconnect by
   * itself then): check the session, and `reconnect()` if it is still valid.
   */
  onServerDisconnect: () => void;
}

/**
 * The wall's state for one login: the signalling connection (only when `enabled`, i.e. the
 * user has `wall.view`), the cameras the user may see, and the tile layout (kept across
 * reloads, per user: `userId` names whose).
 */
export function useWall(enabled: boolean, userId: string, callbacks: WallCallbacks): WallModel {
  const [client] = useState(() => (enabled ? new WallClient() : null));
  const [connected, setConnected] = useState(false);
  const [session, setSession] = useState(0);
  const [cameras, setCameras] = useState<Map<string, CameraSummary>>(new Map());
  const [layout, dispatch] = useReducer(wallLayoutReducer, userId, restoreLayout);
  const callbacksRef = useRef(callbacks);
  /** Whether the connection is wanted (between mount and unmount): a late `reconnect()` must not reopen a closed wall. */
  const wanted = useRef(false);
  useEffect(() => {
    callbacksRef.current = callbacks;
  });

  useEffect(() => {
    if (!client) return;
    let ended = false;
    const offs = [
      client.on('session', (s) => {
        setConnected(true);
        setSession(s);
        client
          .listCameras()
          .then((list) => setCameras(new Map(list.map((c) => [c.id, c]))))
          .catch(() => undefined /* retried on the next session */);
      }),
      // Without the server nothing is known to be live: show every camera as lost until it answers again.
      client.on('disconnected', (reason) => {
        setConnected(false);
        setCameras((previous) => new Map([...previous].map(([id, c]) => [id, { ...c, state: 'lost' as const, videoProducerId: null, audioProducerId: null }])));
        if (reason === 'io server disconnect' && !ended) callbacksRef.current.onServerDisconnect();
      }),
      client.on('cameraState', (camera) => setCameras((previous) => new Map(previous).set(camera.id, camera))),
      client.on('cameraRemoved', (cameraId) => {
        setCameras((previous) => {
          if (!previous.has(cameraId)) return previous;
          const next = new Map(previous);
          next.delete(cameraId);
          return next;
        });
        dispatch({ type: 'removeCamera', cameraId });
      }),
      client.on('sessionEnded', (reason) => {
        ended = true;
        callbacksRef.current.onEnded(noticeForSessionEnd(reason));
      }),
      client.on('refused', (message) => {
        if (message === 'password-change-required') {
          ended = true;
          callbacksRef.current.onPasswordChangeRequired();
          return;
        }
        const notice = noticeForRefusal(message);
        if (notice) {
          ended = true;
          callbacksRef.current.onEnded(notice);
        }
      }),
    ];
    wanted.current = true;
    client.open();
    return () => {
      wanted.current = false;
      for (const off of offs) off();
      client.close();
    };
  }, [client]);

  useEffect(() => {
    try {
      window.localStorage.setItem(wallLayoutStorageKey(userId), JSON.stringify(layout));
    } catch {
      /* storage full or denied: the wall works, it just starts afresh next time */
    }
  }, [layout, userId]);

  const reconnect = () => {
    if (wanted.current) client?.open();
  };
  return { client, connected, session, cameras, layout, dispatch, reconnect };
}
