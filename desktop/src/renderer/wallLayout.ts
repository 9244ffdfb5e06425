/**
 * The wall's tile arrangement as plain data and a pure reducer (no React, no media), so the
 * rules are unit-tested: layouts of 1, 4, 9 and 16 tiles; click a camera to put it in the
 * selected tile; double-click a tile to maximise it and again to go back.
 */
export const LAYOUTS = [1, 4, 9, 16] as const;
export type LayoutSize = (typeof LAYOUTS)[number];
export const MAX_TILES = 16;

export interface WallLayoutState {
  layout: LayoutSize;
  /** Camera id shown in each of the 16 tile slots (slots beyond `layout` keep theirs, paused). */
  tiles: Array<string | null>;
  /** Slot that the next camera click fills. */
  selected: number;
  /** Slot shown alone, or null. */
  maximised: number | null;
}

export type WallLayoutAction =
  | { type: 'setLayout'; layout: LayoutSize }
  | { type: 'selectTile'; index: number }
  | { type: 'assignCamera'; cameraId: string }
  | { type: 'clearTile'; index: number }
  /** A camera went away (deleted, or moved out of the user's org subtree): every tile showing it becomes empty. */
  | { type: 'removeCamera'; cameraId: string }
  | { type: 'toggleMaximise'; index: number };

export function initialWallLayout(layout: LayoutSize = 4): WallLayoutState {
  return { layout, tiles: Array.from({ length: MAX_TILES }, () => null), selected: 0, maximised: null };
}

/** Columns of the square grid for a layout (1, 2, 3, 4). */
export function gridColumns(layout: LayoutSize): number {
  return Math.sqrt(layout);
}

/** Whether slot `index` is on screen: inside the layout and not hidden by a maximised tile. */
export function isTileVisible(state: WallLayoutState, index: number): boolean {
  if (state.maximised !== null) return index === state.maximised;
  return index < state.layout;
}

export function wallLayoutReducer(state: WallLayoutState, action: WallLayoutAction): WallLayoutState {
  switch (action.type) {
    case 'setLayout':
      return { ...state, layout: action.layout, maximised: null, selected: state.selected < action.layout ? state.selected : 0 };
    case 'selectTile':
      if (!isTileVisible(state, action.index)) return state;
      return { ...state, selected: action.index };
    case 'assignCamera': {
      const tiles = state.tiles.slice();
      tiles[state.selected] = action.cameraId;
      // Move the selection on so that clicking cameras one after another fills the wall.
      const visibleCount = state.maximised !== null ? 1 : state.layout;
      const next = state.maximised !== null ? state.selected : (state.selected + 1) % visibleCount;
      return { ...state, tiles, selected: next };
    }
    case 'clearTile': {
      const tiles = state.tiles.slice();
      tiles[action.index] = null;
      return { ...state, tiles };
    }
    case 'removeCamera': {
      if (!state.tiles.includes(action.cameraId)) return state;
      return { ...state, tiles: state.tiles.map((t) => (t === action.cameraId ? null : t)) };
    }
    case 'toggleMaximise':
      if (state.maximised === action.index) return { ...state, maximised: null };
      if (!isTileVisible(state, action.index)) return state;
      return { ...state, maximised: action.index, selected: action.index };
  }
}

/**
 * The localStorage key of a user's saved wall: one per user id, so the next user on the same
 * computer does not start watching the previous user's cameras.
 */
export function wallLayoutStorageKey(userId: string): string {
  return `argus.wallLayout.${userId}`;
}

/** The key of the layout saved before layouts were per user; whose it was is unknown, so it is dropped. */
export const LEGACY_WALL_LAYOUT_KEY = 'argus.wallLayout';

/**
 * A saved wall (`JSON.stringify` of a {@link WallLayoutState}) as the state to start with:
 * its layout and tiles (selection and maximised tile start afresh); the default wall for
 * nothing saved and for anything damaged.
 */
export function restoreWallLayout(saved: string | null): WallLayoutState {
  try {
    const value = JSON.parse(saved ?? 'null') as Partial<WallLayoutState> | null;
    if (
      value &&
      typeof value === 'object' &&
      LAYOUTS.includes(value.layout as LayoutSize) &&
      Array.isArray(value.tiles) &&
      value.tiles.length === MAX_TILES &&
      value.tiles.every((t) => t === null || typeof t === 'string')
    ) {
      return { ...initialWallLayout(value.layout), tiles: value.tiles };
    }
  } catch {
    /* a damaged saved layout is ignored */
  }
  return initialWallLayout();
}
