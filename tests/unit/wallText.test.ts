import { beforeAll, describe, expect, it } from 'vitest';
import { ROLES, userCreate, type Role } from '@argus/shared';
import { ApiError } from '../../desktop/src/renderer/api/apiError.js';
import { validationMessageKey } from '../../desktop/src/renderer/api/formErrors.js';
import { describeApiError, describeWait, formErrorsOf, type Translate } from '../../desktop/src/renderer/components/apiErrorText.js';
import { splitWait, waitParts } from '../../desktop/src/renderer/format.js';
import { wallTranslators } from '../support/translators.js';
import { adminMayChange, rolesCombinationAllowed, roleSelectable } from '../../desktop/src/renderer/roleRules.js';
import { initialWallLayout, LEGACY_WALL_LAYOUT_KEY, restoreWallLayout, wallLayoutReducer, wallLayoutStorageKey } from '../../desktop/src/renderer/wallLayout.js';

let zh: Translate;
let english: Translate;

beforeAll(async () => {
  ({ zh, english } = await wallTranslators());
});

describe('waits', () => {
  it('splits seconds into hours, minutes and seconds, rounding up', () => {
    expect(splitWait(889)).toEqual({ hours: 0, minutes: 14, seconds: 49 });
    expect(splitWait(59.2)).toEqual({ hours: 0, minutes: 1, seconds: 0 });
    expect(splitWait(-3)).toEqual({ hours: 0, minutes: 0, seconds: 0 });
    expect(splitWait(3900)).toEqual({ hours: 1, minutes: 5, seconds: 0 });
    expect(waitParts(49).key).toBe('seconds');
    expect(waitParts(900).key).toBe('minutes');
    expect(waitParts(889).key).toBe('minutesSeconds');
    expect(waitParts(3900).key).toBe('hoursMinutes');
  });

  it('words them in both languages', () => {
    expect(describeWait(zh, 889)).toBe('14 分 49 秒');
    expect(describeWait(zh, 49)).toBe('49 秒');
    expect(describeWait(zh, 900)).toBe('15 分钟');
    expect(describeWait(english, 889)).toBe('14 min 49 s');
  });
});

describe('API errors in the UI language', () => {
  it('puts the sentence in the UI language first and the server detail after it', () => {
    const conflict = new ApiError('conflict', 409, 'org unit 370100 has children');
    expect(describeApiError(zh, conflict)).toBe('操作冲突 — org unit 370100 has children');
    expect(describeApiError(english, conflict)).toBe('Conflict: org unit 370100 has children');
    expect(describeApiError(zh, new ApiError('forbidden', 403, 'auditor accounts are not yours to change'))).toBe('无权执行此操作 — auditor accounts are not yours to change');
    // Codes that say all there is leave the server's words out.
    expect(describeApiError(zh, new ApiError('unauthenticated', 401, 'session expired'))).toBe('会话已失效，请重新登录');
    expect(describeApiError(zh, new ApiError('unreachable', 0, 'Failed to fetch'))).toBe('无法连接服务器');
    expect(describeApiError(zh, new ApiError('password-change-required', 403, 'set a new password first'))).toBe('请先修改密码，然后再继续操作');
  });

  it('says how long to wait after a rate limit, in minutes and seconds', () => {
    expect(describeApiError(zh, new ApiError('rate-limited', 429, 'too many', 889))).toBe('请求过于频繁，请 14 分 49 秒后再试');
    expect(describeApiError(zh, new ApiError('rate-limited', 429, 'too many', 30))).toBe('请求过于频繁，请 30 秒后再试');
    expect(describeApiError(zh, new ApiError('rate-limited', 429, 'too many', null))).toBe('请求过于频繁，请稍后再试');
    expect(describeApiError(english, new ApiError('rate-limited', 429, 'too many', 889))).toBe('Too many requests. Try again in 14 min 49 s');
    expect(zh('login.errors.rateLimited', { wait: describeWait(zh, 889) })).toBe('登录失败次数过多，请 14 分 49 秒后再试');
  });

  it('splits a bad request by field, and keeps any other as one line with its sentence', () => {
    expect(formErrorsOf(zh, new ApiError('bad-request', 400, 'name: must not be empty'))).toEqual({ fields: { name: ['must not be empty'] }, general: [] });
    expect(formErrorsOf(zh, new ApiError('bad-request', 400, 'unknown device d9'))).toEqual({ fields: {}, general: ['请求有误 — unknown device d9'] });
    expect(formErrorsOf(zh, new ApiError('not-found', 404, 'no user u9')).general).toEqual(['对象不存在（可能已被删除），请刷新 — no user u9']);
  });

  it('shows a refused password change under the field it concerns', () => {
    expect(formErrorsOf(zh, new ApiError('bad-request', 400, 'currentPassword: the current password is wrong'))).toEqual({ fields: { currentPassword: ['the current password is wrong'] }, general: [] });
    expect(zh(validationMessageKey('the current password is wrong')!)).toBe('当前密码不正确');
    expect(zh(validationMessageKey('must differ from the current password')!)).toBe('新密码不能与当前密码相同');
  });

  it('has both languages for the new validation messages', () => {
    for (const message of [
      'must not contain control or direction-override characters',
      'admin and auditor are separate duties: such an account holds that one role only',
      'the current password is wrong',
      'must differ from the current password',
    ]) {
      const key = validationMessageKey(message);
      expect(key, message).not.toBeNull();
      expect(zh(key!)).not.toBe(key);
      expect(english(key!)).not.toBe(key);
    }
  });
});

describe('layout buttons', () => {
  it('count tiles with plurals', () => {
    expect(english('layout.n', { count: 1 })).toBe('1 tile');
    expect(english('layout.n', { count: 4 })).toBe('4 tiles');
    expect(zh('layout.n', { count: 1 })).toBe('1 画面');
    expect(zh('layout.n', { count: 16 })).toBe('16 画面');
  });
});

describe('roles picker', () => {
  it('keeps admin and auditor accounts to that one role, as the server does', () => {
    const combos: Role[][] = [['admin'], ['auditor'], ['operator', 'supervisor'], ['admin', 'operator'], ['auditor', 'presenter'], ['admin', 'auditor']];
    for (const roles of combos) {
      expect(rolesCombinationAllowed(roles), roles.join('+')).toBe(userCreate.shape.roles.safeParse(roles).success);
    }
  });

  it('offers only the roles that keep the rule, and always lets a checked role go', () => {
    const offered = (current: Role[]) => ROLES.filter((r) => roleSelectable(r, current));
    expect(offered([])).toEqual([...ROLES]);
    expect(offered(['admin'])).toEqual(['admin']);
    expect(offered(['auditor'])).toEqual(['auditor']);
    expect(offered(['operator'])).toEqual(['operator', 'supervisor', 'presenter']);
    // An account stored with a combination from before the rule can still be put right.
    expect(offered(['admin', 'operator'])).toEqual(['admin', 'operator']);
  });

  it('leaves auditor accounts alone for administrators', () => {
    expect(adminMayChange({ roles: ['auditor'] })).toBe(false);
    expect(adminMayChange({ roles: ['operator'] })).toBe(true);
    expect(adminMayChange({ roles: ['admin'] })).toBe(true);
  });
});

describe('saved wall layout', () => {
  it('is kept per user', () => {
    expect(wallLayoutStorageKey('u1')).not.toBe(wallLayoutStorageKey('u2'));
    expect(wallLayoutStorageKey('u1')).not.toBe(LEGACY_WALL_LAYOUT_KEY);
  });

  it('restores layout and tiles, and ignores anything damaged', () => {
    let state = wallLayoutReducer(initialWallLayout(), { type: 'setLayout', layout: 9 });
    state = wallLayoutReducer(state, { type: 'assignCamera', cameraId: 'cam-1' });
    state = wallLayoutReducer(state, { type: 'toggleMaximise', index: 0 });
    const restored = restoreWallLayout(JSON.stringify(state));
    expect(restored).toEqual({ ...initialWallLayout(9), tiles: state.tiles });
    expect(restoreWallLayout(null)).toEqual(initialWallLayout());
    expect(restoreWallLayout('{broken')).toEqual(initialWallLayout());
    expect(restoreWallLayout(JSON.stringify({ layout: 5, tiles: state.tiles }))).toEqual(initialWallLayout());
    expect(restoreWallLayout(JSON.stringify({ layout: 4, tiles: [1, 2] }))).toEqual(initialWallLayout());
  });
});
