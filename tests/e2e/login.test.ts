import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { CameraSummary } from '@argus/shared';
import { buildSeedPlan, seedStore, SEED_USERS } from '@argus/sfu';
import { callApi, login, TEST_PASSWORD } from '../support/auth.js';
import { launchChromium } from '../support/browser.js';
import { startCameraRig, type CameraRig, type RigCamera } from '../support/cameraRig.js';
import { RENDERER_DIST, TEST_OUTPUT } from '../support/paths.js';
import { waitForEvent } from '../support/waitFor.js';

/**
 * Logging in to the wall in headless Chromium against the seeded province: a county operator
 * sees only that county's cameras and plays one; a province operator sees all; the session
 * survives a reload and ends on logout; administrators and auditors land on their own pages.
 */
const IDS = ['demo-1', 'demo-2', 'demo-3'];
const CAMERAS: RigCamera[] = IDS.map((id) => ({ id, name: id, pattern: { video: 'h264', h264Profile: 'baseline', width: 320, height: 180, fps: 10 } }));
const { anchors } = buildSeedPlan({ demoCameraIds: IDS });
const PLACEMENT: Record<string, string> = { 'demo-1': anchors.county1Id, 'demo-2': anchors.county2Id, 'demo-3': anchors.city2County1Id };

async function logIn(page: Page, baseUrl: string, username: string, password = TEST_PASSWORD): Promise<void> {
  await page.goto(baseUrl);
  await page.fill('[data-testid="login-username"]', username);
  await page.fill('[data-testid="login-password"]', password);
  await page.click('[data-testid="login-submit"]');
}

/** The camera ids in the wall's camera list, once it shows `expectedCount` of them. */
async function listedCameras(page: Page, expectedCount: number): Promise<string[]> {
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid^="camera-"][data-state]').length === n, expectedCount, { timeout: 15_000 });
  return (await page.$$eval('[data-testid^="camera-"][data-state]', (nodes) => nodes.map((n) => n.getAttribute('data-testid')!.slice('camera-'.length)))).sort();
}

describe('login on the wall', () => {
  let rig: CameraRig;
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  let page: Page;

  beforeAll(async () => {
    rig = await startCameraRig(CAMERAS, { staticDir: RENDERER_DIST });
    await seedStore(rig.sfu.store, { cameras: IDS.map((id) => ({ id, url: rig.rtsp.url(id) })), password: TEST_PASSWORD, resetPasswords: true });
    await rig.sfu.catalog.refresh();
    const admin = await login(rig.sfu.url, SEED_USERS.admin);
    for (const [id, orgUnitId] of Object.entries(PLACEMENT)) {
      expect((await callApi(rig.sfu.url, 'PATCH', `/api/channels/${id}`, { token: admin.token, body: { orgUnitId } })).status).toBe(200);
    }
    const notLive = () => rig.sfu.cameras.list().filter((c) => c.state !== 'live').length;
    if (notLive() > 0) await waitForEvent<CameraSummary>(rig.sfu.cameras, 'change', () => notLive() === 0, 60_000, 'cameras live');
    browser = await launchChromium();
    page = await browser.context.newPage();
    page.on('pageerror', (error) => console.error('page error:', error.message));
    await mkdir(TEST_OUTPUT, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await rig?.close();
  });

  it('refuses a wrong password with a message and stays on the login page', async () => {
    await logIn(page, rig.sfu.url, SEED_USERS.county1Operator, 'not-the-password');
    await page.waitForSelector('[data-testid="login-error"]');
    expect(await page.getAttribute('[data-testid="login-error"]', 'data-code')).toBe('unauthenticated');
    expect(await page.isVisible('[data-testid="login-form"]')).toBe(true);
  });

  it('shows a county operator only that county\'s cameras, and plays one', async () => {
    await logIn(page, rig.sfu.url, SEED_USERS.county1Operator);
    expect(await listedCameras(page, 1)).toEqual(['demo-1']);
    await page.click('[data-testid="layout-1"]');
    await page.click('[data-testid="tile-0"]');
    await page.click('[data-testid="camera-demo-1"]');
    await page.waitForSelector('[data-testid="tile-0"][data-view="playing"]', { timeout: 30_000 });
    await page.screenshot({ path: path.join(TEST_OUTPUT, 'login-county-operator.png') });
    // The view is on record.
    const starts = await rig.sfu.store.audit.query({ action: 'view.start', targetId: 'demo-1', limit: 10, orgUnitIds: null });
    expect(starts.entries.some((row) => row.username === SEED_USERS.county1Operator)).toBe(true);
  });

  it('keeps the session over a reload and ends it on logout', async () => {
    await page.reload();
    expect(await listedCameras(page, 1)).toEqual(['demo-1']);
    await page.click('[data-testid="logout"]');
    await page.waitForSelector('[data-testid="login-form"]');
    await page.reload();
    await page.waitForSelector('[data-testid="login-form"]');
    const logouts = await rig.sfu.store.audit.query({ action: 'auth.logout', limit: 10, orgUnitIds: null });
    expect(logouts.entries.some((row) => row.username === SEED_USERS.county1Operator)).toBe(true);
  });

  it('shows a province operator every camera', async () => {
    await logIn(page, rig.sfu.url, SEED_USERS.provinceOperator);
    expect(await listedCameras(page, 3)).toEqual(['demo-1', 'demo-2', 'demo-3']);
    await page.screenshot({ path: path.join(TEST_OUTPUT, 'login-province-operator.png') });
    await page.click('[data-testid="logout"]');
    await page.waitForSelector('[data-testid="login-form"]');
  });

  it('takes an administrator to the admin pages and an auditor to the audit log', async () => {
    await logIn(page, rig.sfu.url, SEED_USERS.admin);
    await page.click('[data-testid="admin-tab-channels"]');
    await page.waitForSelector('[data-testid="channel-row-demo-1"]', { timeout: 15_000 });
    expect(await page.isVisible('[data-testid="layout-4"]')).toBe(false);
    await page.screenshot({ path: path.join(TEST_OUTPUT, 'admin-channels.png') });
    await page.click('[data-testid="logout"]');
    await page.waitForSelector('[data-testid="login-form"]');

    await logIn(page, rig.sfu.url, SEED_USERS.auditor);
    await page.waitForSelector('[data-testid="audit-table"]', { timeout: 15_000 });
    await page.waitForSelector('[data-testid^="audit-row-"]');
    const text = await page.textContent('[data-testid="audit-table"]');
    expect(text).toContain(SEED_USERS.county1Operator);
    expect(await page.getAttribute('[data-testid="audit-export"]', 'href')).toMatch(/\/api\/audit\.csv/);
    await page.screenshot({ path: path.join(TEST_OUTPUT, 'audit-log.png') });
  });
});
