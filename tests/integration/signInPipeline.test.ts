import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  decodeImage,
  FaceEngine,
  FaceGallery,
  readVideoFrames,
  SignInPipeline,
  type Box,
  type FaceDescription,
  type FaceDetection,
  type RgbImage,
  type SignInEvent,
  type SignInPipelineOptions,
} from '@argus/analytics';
import { buildFaceVideo, makeVideoFolder } from '../support/faceVideos.js';
import { sharedData } from '../support/paths.js';

/** The config's defaults (shared/src/config.ts, `analytics`). */
const SETTINGS: SignInPipelineOptions = { matchThreshold: 0.62, signInFrames: 3, livenessThreshold: 0.5, minFaceWidthPx: 48 };
const ANALYSIS_FPS = 5;
/** How long each photo of a video is shown, s: 8 analysed frames. */
const SHOT_S = 1.6;

/**
 * The sign-in pipeline with the real stack (Human on tfjs-backend-wasm, ffmpeg) on videos made of
 * labelled photos (../shared/data/faces): four people enrolled with two photos each; the videos
 * show other photos, each for 1.6 s, alternately on the left and the right of a 640×360 picture
 * (so each photo is a new face track, as people passing a sign-in camera one after another).
 */
describe('sign-in pipeline on videos of real photos', () => {
  const ENROLLED: Record<string, string[]> = {
    id10: ['faces/deepface/deepface_id10/img29.jpg', 'faces/deepface/deepface_id10/img30.jpg'],
    jack: ['faces/deepface/deepface_Jack/img16.jpg', 'faces/deepface/deepface_Jack/img17.jpg'],
    angelina: ['faces/deepface/deepface_Angelina/img1.jpg', 'faces/deepface/deepface_Angelina/img10.jpg'],
    jennifer: ['faces/deepface/deepface_Jennifer/img12.jpg', 'faces/deepface/deepface_Jennifer/img3.jpg'],
  };
  const shots = (photos: string[]) => photos.map((photo, index) => ({ photo: sharedData(photo), seconds: SHOT_S, place: index % 2 === 0 ? ('left' as const) : ('right' as const) }));
  let engine: FaceEngine;
  const gallery = new FaceGallery(1024);
  let folder: Awaited<ReturnType<typeof makeVideoFolder>>;
  const videos = { enrolled: '', stranger: '', group: '' };

  beforeAll(async () => {
    folder = await makeVideoFolder();
    // ffmpeg builds the videos in child processes while the models load and the gallery fills.
    const built = Promise.all([
      buildFaceVideo(folder.file('enrolled.mp4'), shots(['faces/deepface/deepface_id10/img31.jpg', 'faces/deepface/deepface_id10/img32.jpg', 'faces/deepface/deepface_id10/img33.jpg'])),
      buildFaceVideo(folder.file('stranger.mp4'), shots(['faces/deepface/deepface_Elon/img18.jpg', 'faces/deepface/deepface_Elon/img19.jpg'])),
      // Five faces of 95-130 px, none cut by the picture's edge (so none flickers in and out).
      buildFaceVideo(folder.file('group.mp4'), [{ photo: sharedData('faces/bbt/group/bbt3.jpg'), seconds: 2 }]),
    ]);
    engine = await FaceEngine.create();
    for (const [personId, photos] of Object.entries(ENROLLED)) {
      for (const photo of photos) {
        const faces = await engine.describe(await decodeImage(sharedData(photo)));
        const largest = faces.sort((a, b) => b.box[2] * b.box[3] - a.box[2] * a.box[3])[0];
        if (!largest) throw new Error(`no face found in the enrolment photo ${photo}`);
        gallery.add(personId, largest.descriptor);
      }
    }
    [videos.enrolled, videos.stranger, videos.group] = await built;
  }, 120_000);

  afterAll(async () => {
    await folder?.remove();
  });

  /** Every frame of `file` at the analysis rate through a new pipeline; times are the video's pts. */
  async function play(file: string): Promise<{ events: SignInEvent[]; pipeline: SignInPipeline; width: number; height: number }> {
    const pipeline = new SignInPipeline(engine, gallery, SETTINGS);
    const events: SignInEvent[] = [];
    let width = 0;
    let height = 0;
    for await (const { image, ptsMs } of readVideoFrames(file, { fps: ANALYSIS_FPS })) {
      ({ width, height } = image);
      events.push(...(await pipeline.process(image, ptsMs)));
    }
    return { events, pipeline, width, height };
  }

  const inside = (box: Box, width: number, height: number) => box[0] >= 0 && box[1] >= 0 && box[0] + box[2] <= width && box[1] + box[3] <= height;

  it('signs the enrolled person in exactly once, though three photos of them pass', async () => {
    const { events, pipeline, width, height } = await play(videos.enrolled);
    const signIns = events.filter((event) => event.kind === 'signIn');
    expect(signIns).toHaveLength(1);
    const [signIn] = signIns;
    if (signIn?.kind !== 'signIn') throw new Error('unreachable');
    expect(signIn.personId).toBe('id10');
    expect(signIn.similarity).toBeGreaterThanOrEqual(SETTINGS.matchThreshold);
    expect(signIn.live).toBeGreaterThanOrEqual(SETTINGS.livenessThreshold);
    expect(signIn.real).toBeGreaterThanOrEqual(0);
    expect(signIn.real).toBeLessThanOrEqual(1);
    // The first photo's track: described on its first frame, signed in on its third (pts 0, 200, 400 ms).
    expect(signIn.atMs).toBe(((SETTINGS.signInFrames - 1) * 1000) / ANALYSIS_FPS);
    expect(inside(signIn.box, width, height)).toBe(true);
    expect(signIn.snapshot.width).toBeGreaterThanOrEqual(signIn.box[2]);
    expect(signIn.snapshot.data).toHaveLength(signIn.snapshot.width * signIn.snapshot.height * 3);
    // Every photo matched (no unknown face), each on its own track, each described once.
    expect(events.filter((event) => event.kind === 'unknownFace')).toHaveLength(0);
    const stats = pipeline.stats;
    expect(stats.frames).toBe(Math.round(3 * SHOT_S * ANALYSIS_FPS));
    expect(stats.tracksCreated).toBe(3);
    expect(stats.descriptorsComputed).toBe(3);
  });

  it('signs in nobody from a video of a person who is not enrolled, and reports the face as unknown', async () => {
    const { events, pipeline } = await play(videos.stranger);
    expect(events.filter((event) => event.kind === 'signIn')).toHaveLength(0);
    const unknown = events.filter((event) => event.kind === 'unknownFace');
    expect(unknown.length).toBeGreaterThanOrEqual(1);
    // Once per track at most.
    expect(new Set(unknown.map((event) => event.trackId)).size).toBe(unknown.length);
    expect(unknown.length).toBeLessThanOrEqual(pipeline.stats.tracksCreated);
    for (const event of unknown) expect(event.snapshot.width * event.snapshot.height).toBeGreaterThan(0);
  });

  it('follows each face of a group photo on its own track and describes it once, not on every frame', async () => {
    const { events, pipeline } = await play(videos.group);
    const stats = pipeline.stats;
    expect(stats.frames).toBe(2 * ANALYSIS_FPS);
    expect(stats.tracksCreated).toBeGreaterThanOrEqual(3);
    expect(stats.activeTracks).toBe(stats.tracksCreated); // still pictures: no track lost or split
    expect(stats.facesDetected).toBe(stats.frames * stats.tracksCreated);
    // Per frame it would be one description per face and frame; per track, one per face.
    expect(stats.descriptorsComputed).toBe(stats.tracksCreated);
    expect(stats.descriptorsComputed * 5).toBeLessThan(stats.facesDetected);
    // Nobody in it is enrolled: each described face is reported once as unknown.
    expect(events.filter((event) => event.kind === 'signIn')).toHaveLength(0);
    expect(events.filter((event) => event.kind === 'unknownFace')).toHaveLength(stats.tracksCreated);
  });
});

/**
 * The pipeline's decisions with a scripted detector and describer: which frame signs in, the
 * liveness gate, small faces, gaps, and the repeat window.
 */
describe('sign-in decisions (scripted faces)', () => {
  const PICTURE: RgbImage = { width: 640, height: 360, data: new Uint8Array(640 * 360 * 3) };
  /** A face at `x` of `width` px; its region encodes who it is for the scripted describer. */
  const face = (x: number, width = 100, score = 0.9): FaceDetection => ({ box: [x, 100, width, width], score, region: [x, 100, width, width] });
  const descriptor = (index: number) => {
    const vector = new Float32Array(1024);
    vector[index] = 1;
    return vector;
  };

  /** Faces per frame in order; people by the x of their box: x < 300 is "ann" (enrolled), else a stranger. */
  function scripted(frames: FaceDetection[][], live = 0.9) {
    let frame = 0;
    const described: Box[] = [];
    const engine = {
      detect: async (): Promise<FaceDetection[]> => frames[frame++] ?? [],
      describeFace: async (_image: RgbImage, region: Box): Promise<FaceDescription | null> => {
        described.push(region);
        return { descriptor: descriptor(region[0] < 300 ? 0 : 1), real: 0.6, live };
      },
    };
    const gallery = new FaceGallery(1024);
    gallery.add('ann', descriptor(0));
    return { engine, gallery, described };
  }

  async function run(frames: FaceDetection[][], options: Partial<SignInPipelineOptions> = {}, live?: number, stepMs = 200) {
    const { engine, gallery, described } = scripted(frames, live);
    const pipeline = new SignInPipeline(engine, gallery, { ...SETTINGS, ...options });
    const events: SignInEvent[] = [];
    for (let i = 0; i < frames.length; i++) events.push(...(await pipeline.process(PICTURE, i * stepMs)));
    return { events, pipeline, described };
  }

  it('signs in on the signInFrames-th consecutive frame, once, with that frame time', async () => {
    const { events, pipeline, described } = await run(Array.from({ length: 6 }, () => [face(100)]));
    expect(events.map((event) => [event.kind, event.atMs])).toEqual([['signIn', 400]]);
    expect(described).toHaveLength(1);
    expect(pipeline.stats).toMatchObject({ frames: 6, facesDetected: 6, tracksCreated: 1, descriptorsComputed: 1, activeTracks: 1 });
  });

  it('does not sign in a face below the liveness threshold', async () => {
    const { events, pipeline } = await run(Array.from({ length: 5 }, () => [face(100)]), {}, 0.3);
    expect(events).toHaveLength(0);
    expect(pipeline.stats.livenessRejections).toBe(1);
  });

  it('tracks a small face without describing it until it is wide enough, and again only when clearly better', async () => {
    // A stranger (an unknown face stays open to a better view; a signed-in one is settled).
    const widths = [30, 40, 60, 64, 66, 90, 95];
    const { described, pipeline } = await run(widths.map((width) => [face(400, width)]));
    // 60 px: the first description; 66 px is not 1.3× better than it; 90 px is.
    expect(described.map((region) => region[2])).toEqual([60, 90]);
    expect(pipeline.stats.tracksCreated).toBe(1);
  });

  it('restarts the count after a frame without the face, and reports a stranger once', async () => {
    const frames = [[face(100), face(400)], [face(100), face(400)], [face(400)], [face(100), face(400)], [face(100)], [face(100)]];
    const { events } = await run(frames, { signInFrames: 3 });
    // ann: seen on frames 0, 1, missed on 2, seen on 3, 4, 5: signs in on frame 5. The stranger: unknown on frame 2.
    expect(events.map((event) => [event.kind, event.atMs])).toEqual([
      ['unknownFace', 400],
      ['signIn', 1000],
    ]);
  });

  it('does not sign the same person in again from a new track within the repeat window', async () => {
    const present = Array.from({ length: 4 }, () => [face(100)]);
    const away = Array.from({ length: 4 }, (): FaceDetection[] => []);
    // 1 s per frame. Signed in at 2 s; back on a new track at 8 s (inside a 60 s window: no
    // sign-in), and again at 68 s (outside it: signs in on its third frame, 70 s).
    const frames = [...present, ...away, ...present, ...Array.from({ length: 56 }, (): FaceDetection[] => []), ...present];
    const { events, pipeline } = await run(frames, { repeatSignInMs: 60_000 }, 0.9, 1000);
    expect(events.map((event) => [event.kind, event.atMs])).toEqual([
      ['signIn', 2000],
      ['signIn', 70_000],
    ]);
    expect(pipeline.stats.tracksCreated).toBe(3);
  });
});
