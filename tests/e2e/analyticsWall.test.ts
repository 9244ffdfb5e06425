import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { parseSfuConfig, type CameraSummary, type ZonePoint } from '@argus/shared';
import { createLogger, startSfu, SYSTEM_ACTOR, type SfuHandle } from '@argus/sfu';
import { callApi, createTestUser, login, TEST_PASSWORD } from '../support/auth.js';
import { launchChromium } from '../support/browser.js';
import { ID10, startAnalyticsRig, type AnalyticsRig } from '../support/analyticsRig.js';
import { RENDERER_DIST, sharedData, TEST_OUTPUT } from '../support/paths.js';
import { waitForEvent, waitUntil } from '../support/waitFor.js';
import { expectAdvancingFrames } from '../support/wallPage.js';

/**
 * Analytics on the wall, in headless Chromium against a real SFU with its analytics worker: a
 * supervisor creates a supervised person and enrols photos of their face (人员管理 → 人脸登记),
 * marks a camera as a sign-in point and draws an intrusion zone in the rule editor (分析规则)
 * by clicking on the live video, sees the person's sign-in arrive (toast, 签到记录, snapshot
 * opened on demand and audited), handles the intrusion alarms the worker raises from the
 * pedestrian scene (告警联动: one big live tile with the zone, the snapshot, 确认; an
 * acknowledgement from another user closes the pop-up), and gets the wall back exactly as it
 * was. Open alerts found at load wait behind the badge. Without a worker, enrolment says 分析服务未运行.
 */
const OBAMA = (name: string) => sharedData(`faces/face_recognition/obama/${name}`);
/** The intrusion zone: a band across the path where the pedestrians walk (as in the integration test). */
const PATH_ZONE: ZonePoint[] = [
  [0.02, 0.55],
  [0.98, 0.55],
  [0.98, 0.8],
  [0.02, 0.8],
];

/** The wall's grid as the test compares it before and after the alarms. */
async function gridState(page: Page) {
  return page.evaluate(() => ({
    layout: document.querySelector('[data-testid^="layout-"][aria-pressed="true"]')?.getAttribute('data-testid'),
    tiles: [...document.querySelectorAll('.grid [data-testid^="tile-"][data-camera-id]')].map((tile) => [tile.getAttribute('data-testid'), tile.getAttribute('data-camera-id'), tile.classList.contains('tile--selected')]),
  }));
}

/** Wait until the tile with test id `testId` presents new frames. */
async function expectTilePlaying(page: Page, testId: string, timeoutMs: number) {
  await page.waitForSelector(`[data-testid="${testId}"][data-view="playing"]`, { timeout: timeoutMs });
  const frames = async () => Number(await page.getAttribute(`[data-testid="${testId}"] video`, 'data-frames'));
  const start = await frames();
  await page.waitForFunction(
    ([id, n]) => Number(document.querySelector(`[data-testid="${id}"] video`)?.getAttribute('data-frames')) >= n,
    [testId, start + 5] as const,
    { timeout: 20_000 },
  );
}

/** Click the picture of the rule editor's tile at picture fractions `point`. */
async function clickPicture(page: Page, point: ZonePoint) {
  const box = (await page.locator('[data-testid="rule-editor-tile"] .zone-overlay__svg').boundingBox())!;
  await page.mouse.click(box.x + point[0] * box.width, box.y + point[1] * box.height);
}

describe('analytics on the wall', () => {
  let rig: AnalyticsRig;
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  let page: Page;
  let root: string;

  beforeAll(async () => {
    rig = await startAnalyticsRig(RENDERER_DIST);
    root = rig.root;
    await createTestUser(rig.sfu, 'wall-supervisor', ['supervisor']);
    await Promise.all(
      ['signin-cam', 'path-cam'].map((id) =>
        rig.sfu.cameras.get(id)!.summary.state === 'live' ? Promise.resolve() : waitForEvent<CameraSummary>(rig.sfu.cameras, 'change', (s) => s.id === id && s.state === 'live', 40_000, `${id} live`),
      ),
    );
    browser = await launchChromium();
    page = await browser.context.newPage();
    page.on('pageerror', (error) => console.error('page error:', error.message));
    await page.goto(rig.sfu.url);
    await page.fill('[data-testid="login-username"]', 'wall-supervisor');
    await page.fill('[data-testid="login-password"]', TEST_PASSWORD);
    await page.click('[data-testid="login-submit"]');
    await page.waitForSelector('[data-testid="wall-view"]');
    await mkdir(TEST_OUTPUT, { recursive: true });
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await rig?.close();
  });

  it('creates a supervised person and enrols face photos, each enrolled or refused with its reason', async () => {
    await page.click('[data-testid="view-persons"]');
    await page.waitForSelector('[data-testid="persons-page"]');
    await page.click('[data-testid="person-new"]');
    const form = '[data-testid="person-form"]';
    await page.fill(`${form} [data-testid="field-id"]`, 'p-e2e');
    await page.fill(`${form} [data-testid="field-name"]`, '奥某某');
    await page.fill(`${form} [data-testid="field-caseNumber"]`, 'SQJZ-2026-101');
    await page.fill(`${form} [data-testid="field-supervisionStart"]`, '2026-01-01');
    await page.fill(`${form} [data-testid="field-supervisionEnd"]`, '2027-12-31');
    await page.click(`${form} [data-testid="form-submit"]`);
    const row = '[data-testid="person-row-p-e2e"]';
    await page.waitForSelector(row);
    expect(await rig.sfu.store.persons.get('p-e2e')).toMatchObject({ name: '奥某某', orgUnitId: root, publicConsent: false });

    await page.click(`${row} [data-testid="row-faces"]`);
    await page.waitForSelector('[data-testid="faces-panel"]');
    // Six photos are one too many: refused before anything is sent.
    await page.setInputFiles('[data-testid="faces-file"]', [...['img29.jpg', 'img30.jpg', 'img31.jpg', 'img32.jpg', 'img33.jpg'].map(ID10), OBAMA('obama_small.jpg')]);
    expect(await page.textContent('[data-testid="faces-problem"]')).toContain('最多只能选择 5 张照片');
    expect(await page.isDisabled('[data-testid="faces-submit"]')).toBe(true);

    await page.setInputFiles('[data-testid="faces-file"]', [ID10('img29.jpg'), ID10('img30.jpg'), ID10('img32.jpg'), sharedData('faces/insightface/edge/no_face.png'), sharedData('faces/bbt/group/bbt1.jpg')]);
    await page.click('[data-testid="faces-submit"]');
    await page.waitForSelector('[data-testid="faces-outcomes"]', { timeout: 60_000 });
    const outcomes = await page.$$eval('[data-testid^="faces-outcome-"]', (items) => items.map((item) => [item.getAttribute('data-status'), item.getAttribute('data-reason'), item.textContent]));
    expect(outcomes.slice(0, 3).map(([status]) => status)).toEqual(['enrolled', 'enrolled', 'enrolled']);
    expect(outcomes[3]).toEqual(['rejected', 'no-face', expect.stringContaining('未检测到人脸')]);
    expect(outcomes[4]).toEqual(['rejected', 'several-faces', expect.stringContaining('检测到多张人脸')]);
    await page.waitForFunction(() => document.querySelectorAll('[data-testid^="face-row-"]').length === 3);
    await page.screenshot({ path: path.join(TEST_OUTPUT, 'persons-face-enrolment.png') });

    // Delete one template: the table and the store follow.
    const first = await page.getAttribute('[data-testid^="face-row-"]', 'data-testid');
    await page.click(`[data-testid="${first}"] [data-testid="face-delete"]`);
    await page.click(`[data-testid="${first}"] [data-testid="face-delete-confirm"]`);
    await page.waitForFunction(() => document.querySelectorAll('[data-testid^="face-row-"]').length === 2);
    expect(await rig.sfu.store.faceTemplates.listForPerson('p-e2e')).toHaveLength(2);
    const audited = await rig.sfu.store.audit.query({ action: 'faces.enrol', limit: 10, orgUnitIds: null });
    expect(audited.entries[0]).toMatchObject({ username: 'wall-supervisor' });
  }, 120_000);

  it('marks a sign-in point in the rule editor over the live video', async () => {
    await page.click('[data-testid="view-wall"]');
    await page.click('[data-testid="layout-4"]');
    await page.click('[data-testid="tile-0"]');
    await page.click('[data-testid="camera-signin-cam"]');
    await page.click('[data-testid="tile-1"]');
    await page.click('[data-testid="camera-path-cam"]');
    await expectAdvancingFrames(page, 0, 30_000);
    await expectAdvancingFrames(page, 1, 30_000);

    await page.click('[data-testid="tile-0"]');
    await page.click('[data-testid="tile-0"] [data-testid="tile-edit-rules"]');
    await page.waitForSelector('[data-testid="rule-editor"] [data-testid="rule-signin"]');
    // Toasts leave after a few seconds and the sign-in may come at once: record every toast shown.
    await page.evaluate(() => {
      const seen: string[] = ((window as unknown as { __toasts: string[] }).__toasts = []);
      new MutationObserver(() => {
        for (const toast of document.querySelectorAll('[data-testid="toast"]')) if (!seen.includes(toast.textContent ?? '')) seen.push(toast.textContent ?? '');
      }).observe(document.body, { childList: true, subtree: true, characterData: true });
    });
    await expectTilePlaying(page, 'rule-editor-tile', 30_000);
    await page.check('[data-testid="rule-signin"]');
    await page.click('[data-testid="rule-editor"] [data-testid="form-submit"]');
    await page.waitForSelector('[data-testid="rule-editor-saved"]');
    expect(await rig.sfu.store.channelAnalytics.get('signin-cam')).toMatchObject({ signIn: true, rules: [] });
    await page.click('[data-testid="rule-editor-close"]');
    await page.waitForSelector('[data-testid="rule-editor"]', { state: 'detached' });
  }, 90_000);

  it('shows the sign-in as a toast and in 签到记录, and loads its snapshot only when opened (audited)', async () => {
    const row = await page.waitForSelector('[data-testid^="signin-row-"]', { timeout: 120_000 });
    await page.waitForFunction(() => (window as unknown as { __toasts: string[] }).__toasts.length > 0);
    expect(await page.evaluate(() => (window as unknown as { __toasts: string[] }).__toasts)).toEqual(['奥某某 已在“签到点一”签到']);
    const id = (await row.getAttribute('data-testid'))!.replace('signin-row-', '');
    const text = await row.textContent();
    expect(text).toContain('奥某某');
    expect(text).toContain('签到点一');
    expect(text).toMatch(/\d\d:\d\d:\d\d/);
    expect(text).toMatch(/相似度 \d+%/);
    const snapshotReads = async () => (await rig.sfu.store.audit.query({ action: 'snapshot.read', targetType: 'sign-in', limit: 10, orgUnitIds: null })).entries.length;
    expect(await page.$(`[data-testid="signin-snapshot-${id}"]`)).toBeNull();
    expect(await snapshotReads()).toBe(0);
    await page.click(`[data-testid="signin-open-${id}"]`);
    await page.waitForSelector(`[data-testid="signin-snapshot-${id}"][data-loaded="true"]`);
    expect(await snapshotReads()).toBe(1);
    await page.screenshot({ path: path.join(TEST_OUTPUT, 'wall-sign-in.png') });
  }, 150_000);

  it('draws an intrusion zone by clicking on the video, refusing fewer than 3 points', async () => {
    await page.click('[data-testid="tile-1"]');
    await page.click('[data-testid="tile-1"] [data-testid="tile-edit-rules"]');
    await page.waitForSelector('[data-testid="rule-editor"] [data-testid="rule-add"]');
    await expectTilePlaying(page, 'rule-editor-tile', 30_000);
    await page.selectOption('[data-testid="rule-add-kind"]', 'intrusion');
    await page.click('[data-testid="rule-add"]');
    const rule = '[data-testid="rule-0"]';
    await page.fill(`${rule} [data-testid="rule-name"]`, '小路警戒区');
    await page.fill(`${rule} [data-testid="rule-cooldownS"]`, '8');
    // Drawing starts with the new rule: two clicks, then save: the zone is refused under the rule.
    expect(await page.getAttribute('[data-testid="zone-overlay"]', 'data-drawing')).toBe('true');
    await clickPicture(page, PATH_ZONE[0]!);
    await clickPicture(page, PATH_ZONE[1]!);
    await page.click('[data-testid="rule-editor"] [data-testid="form-submit"]');
    expect(await page.textContent('[data-testid="field-error-rules[0].zone"]')).toBe('区域至少需要 3 个点');
    expect((await rig.sfu.store.channelAnalytics.get('path-cam'))?.rules ?? []).toEqual([]);
    await clickPicture(page, PATH_ZONE[2]!);
    await clickPicture(page, PATH_ZONE[3]!);
    expect(await page.getAttribute(`${rule} [data-testid="rule-zone-count"]`, 'data-count')).toBe('4');
    await page.screenshot({ path: path.join(TEST_OUTPUT, 'rule-editor-zone.png') });
    await page.click('[data-testid="rule-editor"] [data-testid="form-submit"]');
    await page.waitForSelector('[data-testid="rule-editor-saved"]');
    const stored = (await rig.sfu.store.channelAnalytics.get('path-cam'))!;
    expect(stored.rules).toHaveLength(1);
    expect(stored.rules[0]).toMatchObject({ kind: 'intrusion', name: '小路警戒区', cooldownS: 8, enabled: true });
    // The clicks landed where they were aimed, as fractions of the picture (not of the letterboxed tile).
    stored.rules[0]!.zone.forEach(([x, y], i) => {
      expect(Math.abs(x - PATH_ZONE[i]![0]), `point ${i} x`).toBeLessThan(0.01);
      expect(Math.abs(y - PATH_ZONE[i]![1]), `point ${i} y`).toBeLessThan(0.01);
    });
    // An alarm may already cover the editor; it closes once the alarms are handled.
    await page.click('[data-testid="rule-editor-close"]', { timeout: 2000 }).catch(() => undefined);
  }, 90_000);

  it('pops an alarm up as one big live tile with the zone and the snapshot, and restores the wall after 确认', async () => {
    const popup = '[data-testid="alarm-popup"]';
    await page.waitForSelector(popup, { timeout: 150_000 });
    // The grid underneath as the operator left it (read from the DOM, which the pop-up leaves alone).
    const before = await gridState(page);
    expect(before.layout).toBe('layout-4');
    const alertId = Number(await page.getAttribute(popup, 'data-alert-id'));
    expect(await page.textContent('[data-testid="alarm-kind"]')).toBe('区域入侵');
    expect(await page.textContent('[data-testid="alarm-rule"]')).toBe('小路警戒区');
    expect(await page.textContent('[data-testid="alarm-camera"]')).toBe('校园小路');
    expect(await page.textContent('[data-testid="alarm-time"]')).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    await expectTilePlaying(page, 'alarm-tile', 30_000);
    expect(await page.getAttribute('[data-testid="alarm-tile"]', 'data-camera-id')).toBe('path-cam');
    const zone = await page.getAttribute(`[data-testid="alarm-tile"] [data-testid="zone-alert-${alertId}"]`, 'data-points');
    expect(zone!.split(' ')).toHaveLength(4);
    await page.waitForSelector('[data-testid="alarm-snapshot"][data-loaded="true"]');
    // The zone over the snapshot covers the picture exactly (not the wider column it sits in).
    const [picture, overlay] = await page.$eval('[data-testid="alarm-snapshot"]', (img) => {
      const box = (el: Element) => el.getBoundingClientRect();
      return [box(img), box(img.parentElement!.querySelector('[data-testid="zone-overlay"]')!)].map((r) => [r.left, r.top, r.width, r.height]);
    });
    overlay!.forEach((value, i) => expect(Math.abs(value - picture![i]!)).toBeLessThan(1.5));
    // The layout cannot change under the pop-up.
    expect(await page.isDisabled('[data-testid="layout-9"]')).toBe(true);
    await page.screenshot({ path: path.join(TEST_OUTPUT, 'alarm-popup.png') });

    await page.click('[data-testid="alarm-ack"]');
    await page.waitForFunction((id) => document.querySelector('[data-testid="alarm-popup"]')?.getAttribute('data-alert-id') !== String(id), alertId);
    expect(await rig.sfu.store.alerts.get(alertId)).toMatchObject({ acknowledgedBy: 'wall-supervisor' });

    // Another user acknowledges the alert on screen (the next one, raised after the cooldown): it closes here too.
    await page.waitForSelector(popup, { timeout: 120_000 });
    const next = Number(await page.getAttribute(popup, 'data-alert-id'));
    const operator = (await login(rig.sfu.url, rig.operator.username, rig.operator.password)).token;
    expect((await callApi(rig.sfu.url, 'POST', `/api/alerts/${next}/ack`, { token: operator })).status).toBe(200);
    await page.waitForFunction((id) => document.querySelector('[data-testid="alarm-popup"]')?.getAttribute('data-alert-id') !== String(id), next);

    // Rules off: no new alerts; the operator handles what is still queued.
    await callApi(rig.sfu.url, 'PUT', '/api/channels/path-cam/analytics', { token: operator, body: { signIn: false, rules: [] } });
    await waitUntil(() => !rig.sfu.analytics!.status().cameras.some((c) => c.channelId === 'path-cam'), 10_000, 'path-cam no longer analysed');
    while (await page.$(popup)) {
      await page.click('[data-testid="alarm-ack"]');
      await page.waitForTimeout(200);
    }
    await page.click('[data-testid="rule-editor-close"]', { timeout: 2000 }).catch(() => undefined);
    await page.waitForSelector('[data-testid="rule-editor"]', { state: 'detached' });
    expect(await gridState(page)).toEqual(before);
    expect(await page.isDisabled('[data-testid="layout-9"]')).toBe(false);
    await expectAdvancingFrames(page, 0, 30_000);
    await expectAdvancingFrames(page, 1, 30_000);
    const open = await callApi(rig.sfu.url, 'GET', '/api/alerts?open=true', { token: operator });
    expect(open.body.alerts).toEqual([]);
  }, 400_000);

  it('keeps alerts that were open at load behind the badge, and pops one up when opened', async () => {
    const rule = { id: 'gate', kind: 'loitering' as const, name: '门口徘徊', zone: PATH_ZONE };
    const channel = { channelId: 'path-cam', channelName: '校园小路', orgUnitId: root, at: Date.now(), snapshot: null };
    const older = await rig.sfu.store.alerts.record({ ...channel, rule, detail: { dwellS: 41 }, at: Date.now() - 60_000 });
    const newer = await rig.sfu.store.alerts.record({ ...channel, rule, detail: { dwellS: 33 } });
    await page.reload();
    await page.waitForSelector('[data-testid="wall-view"]');
    await page.waitForSelector('[data-testid="alarm-badge"][data-count="2"]');
    expect(await page.$('[data-testid="alarm-popup"]')).toBeNull();
    await page.click('[data-testid="alarm-badge"]');
    const rows = await page.$$eval('[data-testid^="alarm-list-row-"]', (items) => items.map((item) => item.getAttribute('data-testid')));
    expect(rows).toEqual([`alarm-list-row-${newer.id}`, `alarm-list-row-${older.id}`]);
    await page.click(`[data-testid="alarm-list-open-${older.id}"]`);
    await page.waitForSelector(`[data-testid="alarm-popup"][data-alert-id="${older.id}"]`);
    expect(await page.textContent('[data-testid="alarm-kind"]')).toBe('徘徊');
    expect(await page.textContent('[data-testid="alarm-detail"]')).toBe('停留 41 秒');
    // 稍后处理: back to the list, unacknowledged.
    await page.click('[data-testid="alarm-defer"]');
    await page.waitForSelector('[data-testid="alarm-popup"]', { state: 'detached' });
    await page.waitForSelector('[data-testid="alarm-badge"][data-count="2"]');
    for (const alert of [older, newer]) await rig.sfu.store.alerts.acknowledge(alert.id, SYSTEM_ACTOR);
  }, 60_000);

  it('switches the new pages to English', async () => {
    await page.selectOption('[data-testid="language"]', 'en');
    await page.click('[data-testid="view-persons"]');
    await page.click('[data-testid="person-row-p-e2e"] [data-testid="row-faces"]');
    expect(await page.textContent('[data-testid="faces-panel"] h3')).toBe('Face enrolment: 奥某某');
    expect(await page.textContent('[data-testid="view-persons"]')).toBe('Supervised persons');
    await page.click('[data-testid="view-wall"]');
    expect(await page.textContent('[data-testid="signin-feed"] h2')).toBe('Sign-ins');
    await page.selectOption('[data-testid="language"]', 'zh-CN');
  });
});

describe('face enrolment without an analytics worker', () => {
  let dir: string;
  let sfu: SfuHandle;
  let browser: Awaited<ReturnType<typeof launchChromium>>;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'argus-analytics-off-'));
    sfu = await startSfu(parseSfuConfig({ http: { host: '127.0.0.1', port: 0 }, mediasoup: { numWorkers: 1 }, store: { path: path.join(dir, 'argus.db') } }), {
      staticDir: RENDERER_DIST,
      log: createLogger('test-sfu'),
    });
    await createTestUser(sfu, 'off-supervisor', ['supervisor']);
    const root = (await sfu.store.orgUnits.list()).find((unit) => unit.parentId === null)!.id;
    await sfu.store.persons.create({ id: 'p-off', name: '李某某', caseNumber: 'SQJZ-2026-900', orgUnitId: root, supervisionStart: '2026-01-01', supervisionEnd: '2026-12-31', publicConsent: false }, SYSTEM_ACTOR);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await sfu?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('says plainly that the analytics service is not running', async () => {
    const page = await browser.context.newPage();
    await page.goto(sfu.url);
    await page.fill('[data-testid="login-username"]', 'off-supervisor');
    await page.fill('[data-testid="login-password"]', TEST_PASSWORD);
    await page.click('[data-testid="login-submit"]');
    await page.click('[data-testid="view-persons"]');
    await page.click('[data-testid="person-row-p-off"] [data-testid="row-faces"]');
    await page.setInputFiles('[data-testid="faces-file"]', [OBAMA('obama.jpg')]);
    await page.click('[data-testid="faces-submit"]');
    const message = await page.waitForSelector('[data-testid="faces-unavailable"]');
    expect(await message.textContent()).toContain('分析服务未运行');
    expect(await page.$('[data-testid="faces-outcomes"]')).toBeNull();
    await page.screenshot({ path: path.join(TEST_OUTPUT, 'persons-analytics-unavailable.png') });
    // The wall's badge says so too.
    await page.click('[data-testid="view-wall"]');
    await page.click('[data-testid="alarm-badge"]');
    expect(await page.textContent('[data-testid="alarm-service"]')).toBe('分析服务未启用');
  });
});
