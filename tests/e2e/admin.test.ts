import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { parseSfuConfig } from '@argus/shared';
import { buildSeedPlan, createLogger, openSqliteStore, seedStore, SEED_USERS, startSfu, type SfuHandle } from '@argus/sfu';
import { callApi, TEST_PASSWORD } from '../support/auth.js';
import { launchChromium } from '../support/browser.js';
import { RENDERER_DIST, TEST_OUTPUT } from '../support/paths.js';

/**
 * The admin pages in headless Chromium against a real server and the seeded province: an
 * administrator creates, renames and deletes through the forms, sees the server's refusal of a
 * delete that is still in use, and what they create works (the user logs in, the channel is
 * ingested). The audit log holds every change.
 */
const { anchors } = buildSeedPlan({ demoCameraIds: [] });

describe('admin pages', () => {
  let dir: string;
  let sfu: SfuHandle;
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  let page: Page;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'argus-admin-ui-'));
    const file = path.join(dir, 'argus.db');
    const store = openSqliteStore(file);
    await seedStore(store, { cameras: [], password: TEST_PASSWORD });
    await store.close();
    sfu = await startSfu(parseSfuConfig({ http: { host: '127.0.0.1', port: 0 }, mediasoup: { numWorkers: 1 }, store: { path: file } }), {
      staticDir: RENDERER_DIST,
      log: createLogger('test-sfu'),
    });
    browser = await launchChromium();
    page = await browser.context.newPage();
    page.on('pageerror', (error) => console.error('page error:', error.message));
    await page.goto(sfu.url);
    await page.fill('[data-testid="login-username"]', SEED_USERS.admin);
    await page.fill('[data-testid="login-password"]', TEST_PASSWORD);
    await page.click('[data-testid="login-submit"]');
    await page.waitForSelector('[data-testid="admin-page"]');
    await mkdir(TEST_OUTPUT, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await sfu?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('adds, renames and deletes an org unit, and explains a refused delete', async () => {
    await page.click('[data-testid="admin-tab-org-units"]');
    const county = `[data-testid="org-unit-row-${anchors.county1Id}"]`;
    await page.click(`${county} [data-testid="row-add-child"]`);
    const form = '[data-testid="org-unit-form"]';
    await page.fill(`${form} [data-testid="field-id"]`, `${anchors.county1Id}901`);
    await page.fill(`${form} [data-testid="field-name"]`, '测试街道司法所');
    await page.click(`${form} [data-testid="form-submit"]`);
    const row = `[data-testid="org-unit-row-${anchors.county1Id}901"]`;
    await page.waitForSelector(row);
    expect(await page.textContent(row)).toContain('测试街道司法所');

    await page.click(`${row} [data-testid="row-rename"]`);
    await page.fill(`${form} [data-testid="field-name"]`, '改名街道司法所');
    await page.click(`${form} [data-testid="form-submit"]`);
    await page.waitForFunction((selector) => document.querySelector(selector)?.textContent?.includes('改名街道司法所'), row);

    // The county still has townships, users and centres: the server refuses and the page says why.
    await page.click(`${county} [data-testid="row-delete"]`);
    await page.click(`${county} [data-testid="row-delete-confirm"]`);
    await page.waitForSelector('[data-testid="admin-error"]');
    expect(await page.isVisible(county)).toBe(true);

    await page.click(`${row} [data-testid="row-delete"]`);
    await page.click(`${row} [data-testid="row-delete-confirm"]`);
    await page.waitForSelector(row, { state: 'detached' });
    expect(await sfu.store.orgUnits.get(`${anchors.county1Id}901`)).toBeNull();
  });

  it('creates a device and an RTSP channel whose password is write-only, and ingest starts', async () => {
    await page.click('[data-testid="admin-tab-devices"]');
    await page.click('[data-testid="device-new"]');
    const deviceForm = '[data-testid="device-form"]';
    await page.fill(`${deviceForm} [data-testid="field-id"]`, 'ui-dev');
    await page.fill(`${deviceForm} [data-testid="field-name"]`, '大厅摄像机');
    await page.selectOption(`${deviceForm} [data-testid="field-kind"]`, 'venue-camera');
    await page.selectOption(`${deviceForm} [data-testid="field-orgUnitId"]`, anchors.county1Id);
    await page.click(`${deviceForm} [data-testid="form-submit"]`);
    await page.waitForSelector('[data-testid="device-row-ui-dev"]');

    await page.click('[data-testid="admin-tab-channels"]');
    await page.click('[data-testid="channel-new"]');
    const channelForm = '[data-testid="channel-form"]';
    await page.fill(`${channelForm} [data-testid="field-id"]`, 'ui-ch');
    await page.selectOption(`${channelForm} [data-testid="field-deviceId"]`, 'ui-dev');
    await page.fill(`${channelForm} [data-testid="field-name"]`, '大厅');
    await page.selectOption(`${channelForm} [data-testid="field-sourceType"]`, 'rtsp');
    await page.fill(`${channelForm} [data-testid="field-url"]`, 'rtsp://127.0.0.1:9/hall');
    await page.fill(`${channelForm} [data-testid="field-username"]`, 'viewer');
    await page.fill(`${channelForm} [data-testid="field-password"]`, 'rtsp-secret');
    await page.click(`${channelForm} [data-testid="form-submit"]`);
    const row = '[data-testid="channel-row-ui-ch"]';
    await page.waitForSelector(row);
    expect(await page.getAttribute(`${row} [data-testid="has-password"]`, 'data-value')).toBe('true');
    expect(await page.content()).not.toContain('rtsp-secret');
    expect(sfu.cameras.get('ui-ch')?.summary).toMatchObject({ name: '大厅', orgUnitId: anchors.county1Id });
    expect((await sfu.store.channels.rtspSecret('ui-ch'))?.password).toBe('rtsp-secret');
    await page.screenshot({ path: path.join(TEST_OUTPUT, 'admin-channel-created.png') });
  });

  it('creates a GB/T 28181 device with a write-only SIP password and its media transport', async () => {
    await page.click('[data-testid="admin-tab-devices"]');
    await page.click('[data-testid="device-new"]');
    const form = '[data-testid="device-form"]';
    await page.fill(`${form} [data-testid="field-id"]`, 'ui-nvr');
    await page.fill(`${form} [data-testid="field-name"]`, '看守所 NVR');
    await page.selectOption(`${form} [data-testid="field-kind"]`, 'gb28181');
    await page.selectOption(`${form} [data-testid="field-orgUnitId"]`, anchors.county1Id);
    await page.fill(`${form} [data-testid="field-gbDeviceId"]`, '99010200001180000077');
    await page.fill(`${form} [data-testid="field-sipPassword"]`, 'sip-secret-77');
    await page.selectOption(`${form} [data-testid="field-gbStreamMode"]`, 'tcp-passive');
    await page.click(`${form} [data-testid="form-submit"]`);
    const row = '[data-testid="device-row-ui-nvr"]';
    await page.waitForSelector(row);
    expect(await page.getAttribute(`${row} [data-testid="device-online"]`, 'data-value')).toBe('false');
    expect(await page.content()).not.toContain('sip-secret-77');
    expect(await sfu.store.devices.get('ui-nvr')).toMatchObject({ kind: 'gb28181', gbDeviceId: '99010200001180000077', hasSipPassword: true, gbStreamMode: 'tcp-passive' });
    expect(await sfu.store.devices.sipSecret('ui-nvr')).toBe('sip-secret-77');
    // Editing without typing a password keeps it.
    await page.click(`${row} [data-testid="row-edit"]`);
    await page.selectOption(`${form} [data-testid="field-gbStreamMode"]`, '');
    await page.click(`${form} [data-testid="form-submit"]`);
    await page.waitForSelector(form, { state: 'detached' });
    expect(await sfu.store.devices.get('ui-nvr')).toMatchObject({ gbStreamMode: null, hasSipPassword: true });
    expect(await sfu.store.devices.sipSecret('ui-nvr')).toBe('sip-secret-77');
  });

  it('creates a user who can log in, shows a validation error from the form, and disables the user', async () => {
    await page.click('[data-testid="admin-tab-users"]');
    await page.click('[data-testid="user-new"]');
    const form = '[data-testid="user-form"]';
    await page.fill(`${form} [data-testid="field-username"]`, 'ui-op');
    await page.fill(`${form} [data-testid="field-displayName"]`, '界面值班员');
    await page.selectOption(`${form} [data-testid="field-orgUnitId"]`, anchors.county1Id);
    await page.check(`${form} [data-testid="field-role-operator"]`);
    await page.fill(`${form} [data-testid="field-password"]`, 'short');
    await page.click(`${form} [data-testid="form-submit"]`);
    await page.waitForSelector(`${form} [data-testid="field-error-password"]`);
    await page.fill(`${form} [data-testid="field-password"]`, 'long-enough-password');
    await page.click(`${form} [data-testid="form-submit"]`);
    await page.waitForSelector('[data-testid^="user-row-"]:has-text("ui-op")');
    const loggedIn = await callApi(sfu.url, 'POST', '/api/auth/login', { body: { username: 'ui-op', password: 'long-enough-password' } });
    expect(loggedIn.status).toBe(200);
    expect(loggedIn.body.user).toMatchObject({ orgUnitId: anchors.county1Id, roles: ['operator'], mustChangePassword: true });

    // The new user, in a second browser page: must set their own password before the wall.
    const fresh = await launchChromium();
    try {
      const p2 = await fresh.context.newPage();
      await p2.goto(sfu.url);
      await p2.fill('[data-testid="login-username"]', 'ui-op');
      await p2.fill('[data-testid="login-password"]', 'long-enough-password');
      await p2.click('[data-testid="login-submit"]');
      await p2.waitForSelector('[data-testid="password-required-page"]');
      await p2.screenshot({ path: path.join(TEST_OUTPUT, 'password-required.png') });
      await p2.fill('[data-testid="field-currentPassword"]', 'long-enough-password');
      await p2.fill('[data-testid="field-newPassword"]', 'my-own-password-1');
      await p2.fill('[data-testid="field-newPasswordAgain"]', 'my-own-password-1');
      await p2.click('[data-testid="password-change-form"] [data-testid="form-submit"]');
      await p2.waitForSelector('[data-testid="layout-4"]');
    } finally {
      await fresh.close();
    }

    const row = '[data-testid^="user-row-"]:has-text("ui-op")';
    await page.click(`${row} [data-testid="row-toggle-disabled"]`);
    await page.click(`${row} [data-testid="row-toggle-disabled-confirm"]`);
    await page.waitForFunction(async (token) => (await fetch('/api/auth/me', { headers: { authorization: `Bearer ${token}` } })).status === 401, loggedIn.body.token);
    expect((await callApi(sfu.url, 'POST', '/api/auth/login', { body: { username: 'ui-op', password: 'my-own-password-1' } })).status).toBe(401);
  });

  it('recorded every change in the audit log, by the administrator', async () => {
    const changes = (await sfu.store.audit.query({ userId: (await sfu.store.users.findForLogin(SEED_USERS.admin))!.user.id, limit: 100, orgUnitIds: null })).entries;
    const seen = new Set(changes.map((e) => `${e.action} ${e.targetType}`));
    for (const expected of ['admin.create org-unit', 'admin.update org-unit', 'admin.delete org-unit', 'admin.create device', 'admin.create channel', 'admin.create user', 'admin.update user']) {
      expect(seen, expected).toContain(expected);
    }
    expect(JSON.stringify(changes)).not.toContain('rtsp-secret');
    expect(JSON.stringify(changes)).not.toContain('long-enough-password');
  });
});
