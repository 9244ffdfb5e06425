import { describe, expect, it } from 'vitest';
import { gridColumns, initialWallLayout, isTileVisible, wallLayoutReducer, type WallLayoutAction, type WallLayoutState } from '../../desktop/src/renderer/wallLayout.js';
import { tileStatsBetween } from '../../desktop/src/renderer/consumerStats.js';

const run = (state: WallLayoutState, ...actions: WallLayoutAction[]) => actions.reduce(wallLayoutReducer, state);

describe('wall layout', () => {
  it('has square grids of 1, 4, 9 and 16 tiles', () => {
    expect([1, 4, 9, 16].map((n) => gridColumns(n as 1 | 4 | 9 | 16))).toEqual([1, 2, 3, 4]);
  });

  it('puts a clicked camera into the selected tile and moves the selection on, wrapping', () => {
    const state = run(initialWallLayout(4), { type: 'assignCamera', cameraId: 'a' }, { type: 'assignCamera', cameraId: 'b' });
    expect(state.tiles.slice(0, 4)).toEqual(['a', 'b', null, null]);
    expect(state.selected).toBe(2);
    const wrapped = run(state, { type: 'assignCamera', cameraId: 'c' }, { type: 'assignCamera', cameraId: 'd' });
    expect(wrapped.selected).toBe(0);
    expect(run(wrapped, { type: 'selectTile', index: 3 }, { type: 'assignCamera', cameraId: 'e' }).tiles[3]).toBe('e');
  });

  it('maximises on double-click and restores on the second', () => {
    const max = run(initialWallLayout(9), { type: 'toggleMaximise', index: 5 });
    expect(max.maximised).toBe(5);
    expect([...Array(16).keys()].filter((i) => isTileVisible(max, i))).toEqual([5]);
    const back = run(max, { type: 'toggleMaximise', index: 5 });
    expect(back.maximised).toBeNull();
    expect([...Array(16).keys()].filter((i) => isTileVisible(back, i))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('hides (but keeps) tiles outside a smaller layout, and ignores clicks on hidden tiles', () => {
    const filled = run(initialWallLayout(16), ...['a', 'b', 'c', 'd', 'e', 'f'].map((cameraId) => ({ type: 'assignCamera' as const, cameraId })));
    const small = run(filled, { type: 'setLayout', layout: 4 });
    expect(isTileVisible(small, 5)).toBe(false);
    expect(small.tiles[5]).toBe('f');
    expect(run(small, { type: 'selectTile', index: 9 }).selected).toBe(small.selected);
    expect(run(small, { type: 'toggleMaximise', index: 9 }).maximised).toBeNull();
    expect(run(small, { type: 'setLayout', layout: 16 }).tiles[5]).toBe('f');
  });
});

describe('tile stats', () => {
  it('computes fps and kbit/s between two inbound-rtp readings', () => {
    const a = { timestamp: 1000, bytesReceived: 0, framesDecoded: 0, frameWidth: 640, frameHeight: 360 };
    const b = { timestamp: 3000, bytesReceived: 500_000, framesDecoded: 50, frameWidth: 640, frameHeight: 360 };
    expect(tileStatsBetween(a, b)).toEqual({ width: 640, height: 360, fps: 25, kbps: 2000 });
    expect(tileStatsBetween(b, a)).toBeNull();
    expect(tileStatsBetween(a, a)).toBeNull();
  });
});
