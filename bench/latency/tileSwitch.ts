import type { Page } from 'playwright-core';
import type { LatencyProbe, SwitchReading } from './pageProbe.js';
import { pollUntil } from './poll.js';
import { showInTile0, waitTile0Playing } from './wall.js';

/** A camera of the switch test. */
export interface SwitchCamera {
  id: string;
  /** Its frames' barcode tag. */
  tag: number;
}

/** How to run the tile-switch test. */
export interface SwitchOptions {
  /** The two cameras switched between; tile 0 must be playing `cameras[0]` at the start. */
  cameras: [SwitchCamera, SwitchCamera];
  /** Switches to attempt. */
  switches: number;
  /** Stop (with the samples so far) at this wall-clock time, ms since the epoch. */
  deadline: number;
  /**
   * Longest random dwell before each switch, ms (use the GOP duration): the click then lands at
   * a uniformly random phase of the new camera's keyframe interval instead of a fixed one.
   */
  maxDwellMs: number;
  /** A switch whose first frame has not shown after this long counts as failed, ms. */
  switchTimeoutMs: number;
  /**
   * How long to wait for tile 0 to play the current camera before a switch, ms (not measured;
   * covers a camera that the SFU is re-ingesting after a stall). Default 30 000.
   */
  settleTimeoutMs?: number;
  /** Shortest dwell before each switch (lets the previous stream settle), ms. Default 200. */
  minDwellMs?: number;
}

/** One switch that showed its first frame. */
export interface SwitchSample {
  from: string;
  to: string;
  /** Click to the frame callback of the first frame carrying the new camera's barcode, ms. */
  firstFrameMs: number;
  /** Click to the frame callback of the new stream's first frame whatever its content, ms. */
  firstNewStreamFrameMs: number | null;
  /** Frames of the new stream shown before the first one with the new camera's barcode. */
  framesBeforeTagged: number;
}

export interface SwitchResult {
  samples: SwitchSample[];
  attempted: number;
  /** Switches whose first frame did not show within the switch timeout. */
  failed: number;
  /** Whether the deadline stopped the loop before `switches` were attempted. */
  hitDeadline: boolean;
  /** Why the loop stopped early, if it did for any reason but the deadline. */
  error?: string;
}

/**
 * First-frame time after a tile switch, `switches` times, alternating A → B → A …: wait until
 * tile 0 plays the current camera, dwell a random time, select tile 0, click the other camera
 * and measure in the page from the click event to the first presented frame of the other camera.
 */
export async function measureTileSwitches(page: Page, probe: LatencyProbe, options: SwitchOptions): Promise<SwitchResult> {
  const { cameras, switchTimeoutMs, maxDwellMs, minDwellMs = 200, settleTimeoutMs = 30_000 } = options;
  const result: SwitchResult = { samples: [], attempted: 0, failed: 0, hitDeadline: false };
  let current = 0;
  for (let i = 0; i < options.switches; i++) {
    if (Date.now() >= options.deadline) {
      result.hitDeadline = true;
      break;
    }
    const from = cameras[current]!;
    const to = cameras[1 - current]!;
    // Precondition: tile 0 plays `from` and its frames are decoding.
    try {
      await waitTile0Playing(page, from.id, settleTimeoutMs);
      await pollUntil(async () => ((await probe.lastTag()) === from.tag ? true : undefined), settleTimeoutMs, `frames of ${from.id}`);
    } catch (error) {
      result.error = `switch ${i + 1}: tile 0 not playing ${from.id}: ${(error as Error).message}`;
      break;
    }
    // Deliberate random dwell (not synchronisation): decorrelates the click from the GOP phase.
    await new Promise((resolve) => setTimeout(resolve, minDwellMs + Math.random() * maxDwellMs));

    result.attempted++;
    await probe.armSwitch(to.tag);
    await showInTile0(page, to.id);
    current = 1 - current;
    let reading: SwitchReading;
    try {
      reading = await pollUntil(
        async () => {
          const r = await probe.readSwitch();
          return r && r.firstTaggedFrameAt !== null ? r : undefined;
        },
        switchTimeoutMs,
        `first frame of ${to.id}`,
      );
    } catch {
      result.failed++;
      continue;
    }
    result.samples.push({
      from: from.id,
      to: to.id,
      firstFrameMs: reading.firstTaggedFrameAt! - reading.clickedAt,
      firstNewStreamFrameMs: reading.firstNewStreamFrameAt === null ? null : reading.firstNewStreamFrameAt - reading.clickedAt,
      framesBeforeTagged: reading.framesBeforeTagged,
    });
  }
  return result;
}
