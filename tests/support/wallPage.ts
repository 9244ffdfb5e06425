import type { Page } from 'playwright-core';

/** Frames presented so far by tile `index` (the tile's requestVideoFrameCallback counter). */
export async function framesOf(page: Page, index: number): Promise<number> {
  return Number(await page.getAttribute(`[data-testid="tile-${index}"] video`, 'data-frames'));
}

/** Wait until tile `index` shows a playing picture whose frame counter keeps advancing. */
export async function expectAdvancingFrames(page: Page, index: number, timeoutMs: number): Promise<void> {
  await page.waitForSelector(`[data-testid="tile-${index}"][data-view="playing"]`, { timeout: timeoutMs });
  const start = await framesOf(page, index);
  try {
    await page.waitForFunction(
      ([i, n]) => Number(document.querySelector(`[data-testid="tile-${i}"] video`)?.getAttribute('data-frames')) >= n,
      [index, start + 10] as const,
      { timeout: 20_000 },
    );
  } catch {
    throw new Error(`tile ${index}: fewer than 10 new frames in 20 s (had ${start}, now ${await framesOf(page, index)}, view ${await page.getAttribute(`[data-testid="tile-${index}"]`, 'data-view')})`);
  }
}

/** Mean and spread of luma over the tile's current video frame (sampled on a 64×36 canvas). */
export async function lumaOf(page: Page, index: number): Promise<{ mean: number; max: number; width: number }> {
  return page.evaluate((i) => {
    const video = document.querySelector<HTMLVideoElement>(`[data-testid="tile-${i}"] video`)!;
    const canvas = document.createElement('canvas');
    canvas.width = 64;
    canvas.height = 36;
    const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
    ctx.drawImage(video, 0, 0, 64, 36);
    const { data } = ctx.getImageData(0, 0, 64, 36);
    let sum = 0;
    let max = 0;
    for (let p = 0; p < data.length; p += 4) {
      const y = 0.299 * data[p]! + 0.587 * data[p + 1]! + 0.114 * data[p + 2]!;
      sum += y;
      max = Math.max(max, y);
    }
    return { mean: sum / (data.length / 4), max, width: video.videoWidth };
  }, index);
}
