import { describe, expect, it } from 'vitest';
import { permissionsOf } from '@argus/shared';
import { noticeForRefusal, noticeForSessionEnd } from '../../desktop/src/renderer/sessionNotice.js';
import { availableViews, initialView } from '../../desktop/src/renderer/views.js';
import { initialWallLayout, wallLayoutReducer } from '../../desktop/src/renderer/wallLayout.js';

describe('views by permission', () => {
  it('opens the wall to operators, administration to admins, the audit log to auditors', () => {
    expect(availableViews(permissionsOf(['operator']))).toEqual(['wall']);
    expect(availableViews(permissionsOf(['admin']))).toEqual(['admin']);
    expect(availableViews(permissionsOf(['auditor']))).toEqual(['audit']);
    expect(availableViews(permissionsOf(['supervisor', 'admin', 'auditor']))).toEqual(['wall', 'persons', 'admin', 'audit']);
    expect(availableViews([])).toEqual([]);
  });

  it('starts in the remembered view if still allowed, else the first', () => {
    expect(initialView(['wall', 'audit'], 'audit')).toBe('audit');
    expect(initialView(['wall'], 'admin')).toBe('wall');
    expect(initialView(['admin'], null)).toBe('admin');
    expect(initialView([], 'wall')).toBeNull();
  });
});

describe('session end notices', () => {
  it('explains sessionEnded reasons and refused connections', () => {
    expect(noticeForSessionEnd('logout')).toBe('logout-elsewhere');
    expect(noticeForSessionEnd('expired')).toBe('expired');
    expect(noticeForSessionEnd('revoked')).toBe('revoked');
    expect(noticeForRefusal('unauthenticated')).toBe('expired');
    expect(noticeForRefusal('forbidden')).toBe('forbidden');
    expect(noticeForRefusal('server busy')).toBeNull();
  });
});

describe('a removed camera', () => {
  it('empties every tile that showed it and leaves the rest', () => {
    const state = { ...initialWallLayout(4), tiles: ['a', 'b', 'a', ...Array<null>(13).fill(null)] };
    const next = wallLayoutReducer(state, { type: 'removeCamera', cameraId: 'a' });
    expect(next.tiles.slice(0, 4)).toEqual([null, 'b', null, null]);
    expect(wallLayoutReducer(next, { type: 'removeCamera', cameraId: 'zz' })).toBe(next);
  });
});
