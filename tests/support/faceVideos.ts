/**
 * Test videos made of still photos, for the face pipelines: each shot shows one photo (scaled to
 * fit a part of the picture, the rest black) or nothing for a while, and the shots play one after
 * another. ffmpeg (libx264, as cameras send) writes them into a temporary folder; the photos come
 * from the shared test data and never enter the repository.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Where in the picture a photo goes: all of it, or a half (left, centre, right) of its width. */
export type ShotPlace = 'full' | 'left' | 'centre' | 'right';

/** One shot of a test video. */
export interface VideoShot {
  /** The photo shown (any picture ffmpeg reads); null for a black picture (nobody in view). */
  photo: string | null;
  /** How long the shot lasts, s. */
  seconds: number;
  /** Where the photo is placed, scaled down or up to fit that area with its aspect kept (default 'full'). */
  place?: ShotPlace;
}

export interface FaceVideoOptions {
  /** Picture width, px (even; default 640). */
  width?: number;
  /** Picture height, px (even; default 360). */
  height?: number;
  /** Frames a second written (default 25). */
  fps?: number;
}

/** The area of a `width` × `height` picture for `place`: x, y, width, height in px (even). */
export function shotArea(place: ShotPlace, width: number, height: number): [number, number, number, number] {
  const half = Math.floor(width / 4) * 2;
  switch (place) {
    case 'full':
      return [0, 0, width, height];
    case 'left':
      return [0, 0, half, height];
    case 'centre':
      return [Math.floor(width / 4 / 2) * 2, 0, half, height];
    case 'right':
      return [width - half, 0, half, height];
  }
}

/**
 * Write `shots` as one H.264 video (MP4, a keyframe every second) to `file`.
 * @returns `file`
 * @throws Error when ffmpeg fails (a photo it cannot read), with its stderr
 */
export async function buildFaceVideo(file: string, shots: readonly VideoShot[], options: FaceVideoOptions = {}): Promise<string> {
  const width = options.width ?? 640;
  const height = options.height ?? 360;
  const fps = options.fps ?? 25;
  if (shots.length === 0) throw new Error('a test video needs at least one shot');
  const inputs: string[] = [];
  const chains: string[] = [];
  shots.forEach((shot, index) => {
    const seconds = String(shot.seconds);
    if (shot.photo === null) {
      inputs.push('-f', 'lavfi', '-t', seconds, '-i', `color=c=black:s=${width}x${height}:r=${fps}`);
      chains.push(`[${index}:v]setsar=1,format=yuv420p[v${index}]`);
      return;
    }
    const [x, y, w, h] = shotArea(shot.place ?? 'full', width, height);
    inputs.push('-loop', '1', '-framerate', String(fps), '-t', seconds, '-i', shot.photo);
    chains.push(
      `[${index}:v]scale=${w}:${h}:force_original_aspect_ratio=decrease:force_divisible_by=2,` +
        `pad=${width}:${height}:${x}+(${w}-iw)/2:${y}+(${h}-ih)/2:black,setsar=1,fps=${fps},format=yuv420p[v${index}]`,
    );
  });
  const graph = `${chains.join(';')};${shots.map((_, index) => `[v${index}]`).join('')}concat=n=${shots.length}:v=1:a=0[out]`;
  const args = ['-v', 'error', '-nostdin', '-y', ...inputs, '-filter_complex', graph, '-map', '[out]', '-c:v', 'libx264', '-preset', 'ultrafast', '-g', String(fps), '-pix_fmt', 'yuv420p', file];
  try {
    await run('ffmpeg', args, { maxBuffer: 4 * 1024 * 1024 });
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? '';
    throw new Error(`ffmpeg could not build ${file}: ${stderr.trim() || (error as Error).message}`);
  }
  return file;
}

/** A temporary folder for test videos; `remove()` deletes it with everything in it. */
export async function makeVideoFolder(): Promise<{ dir: string; file(name: string): string; remove(): Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'argus-face-videos-'));
  return { dir, file: (name) => path.join(dir, name), remove: () => rm(dir, { recursive: true, force: true }) };
}
