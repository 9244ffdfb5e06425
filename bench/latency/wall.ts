import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { CHROMIUM_PATH, HEADLESS_CHROMIUM_FLAGS } from '@argus/sfu';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { installLatencyProbe, type LatencyProbe } from './pageProbe.js';

/** The wall open in a headless Chromium with a fresh profile, and the latency probe installed. */
export interface Wall {
  context: BrowserContext;
  page: Page;
  probe: LatencyProbe;
  /** Close Chromium and delete its profile. */
  close(): Promise<void>;
}

/**
 * Launch Chromium on a fresh profile (a new temporary user data dir, so no saved layout),
 * install the probe and open the wall at `url`, showing one tile (layout 1).
 * @param sessionToken a session token of an operator who sees the cameras (sent as the session cookie).
 * @param timeoutMs for page load and each UI step, ms.
 */
export async function openWall(url: string, sessionToken: string, timeoutMs = 15_000): Promise<Wall> {
  const userDataDir = await mkdtemp(path.join(os.tmpdir(), 'argus-bench-chromium-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: [...HEADLESS_CHROMIUM_FLAGS],
      viewport: { width: 1280, height: 720 },
      // The benchmark's own clean-up handles signals (and removes the profile afterwards).
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
    });
  } catch (error) {
    await rm(userDataDir, { recursive: true, force: true });
    throw error;
  }
  const wall: Wall = {
    context,
    page: context.pages()[0] ?? (await context.newPage()),
    probe: undefined as unknown as LatencyProbe,
    async close() {
      try {
        await context.close();
      } finally {
        await rm(userDataDir, { recursive: true, force: true });
      }
    },
  };
  try {
    wall.page.setDefaultTimeout(timeoutMs);
    wall.probe = await installLatencyProbe(wall.page);
    // Logged in as the bench's operator: the session cookie the login page would have set.
    await context.addCookies([{ name: 'argus_session', value: sessionToken, url, httpOnly: true, sameSite: 'Strict' }]);
    await wall.page.goto(url, { timeout: timeoutMs });
    await wall.page.click('[data-testid="layout-1"]');
    await wall.page.waitForSelector('[data-testid="tile-0"] video', { state: 'attached' });
    if (!(await wall.probe.attach('[data-testid="tile-0"] video'))) throw new Error('tile-0 has no <video>');
  } catch (error) {
    await wall.close();
    throw error;
  }
  return wall;
}

/** Wait until the camera list shows `cameraId` live. */
export async function waitCameraListed(page: Page, cameraId: string, timeoutMs: number): Promise<void> {
  await page.waitForSelector(`[data-testid="camera-${cameraId}"][data-state="live"]`, { timeout: timeoutMs });
}

/** Select tile 0 and click camera `cameraId`, which puts it there. */
export async function showInTile0(page: Page, cameraId: string): Promise<void> {
  await page.click('[data-testid="tile-0"]');
  await page.click(`[data-testid="camera-${cameraId}"]`);
}

/** Wait until tile 0 is playing `cameraId`. */
export async function waitTile0Playing(page: Page, cameraId: string, timeoutMs: number): Promise<void> {
  await page.waitForSelector(`[data-testid="tile-0"][data-view="playing"][data-camera-id="${cameraId}"]`, { timeout: timeoutMs });
}
