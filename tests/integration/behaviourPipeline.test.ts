import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BehaviourRule, BehaviourRuleKind, ZonePoint } from '@argus/shared';
import {
  BehaviourPipeline,
  cosine,
  decodeImage,
  FaceEngine,
  PersonDetector,
  readVideoFrames,
  type BehaviourEvent,
  type Box,
  type PersonObservation,
  type RgbImage,
  type VideoFrameOptions,
} from '@argus/analytics';
import { sharedData } from '../support/paths.js';

/**
 * Behaviour alerts with the real models (Human's centernet and movenet-lightning on
 * tfjs-backend-wasm) on real clips from ../shared/data/video, decoded by ffmpeg at 2.5-5 pictures
 * a second with the clips' own pts as times:
 * - a woman falling in a living room raises a fall alert;
 * - people walking to a table and back for 36 s raise none (and a loitering rule shows they
 *   were seen);
 * - pedestrians crossing a band drawn across a campus path raise intrusion alerts; a crowding rule
 *   fires at the largest number of people seen at once in a big zone, not at one more.
 * And a FaceEngine and the person detector work side by side in one process, as in the worker.
 */
const WHOLE: ZonePoint[] = [[0, 0], [1, 0], [1, 1], [0, 1]];

function rule(id: string, kind: BehaviourRuleKind, zone: ZonePoint[], extra: Partial<BehaviourRule> = {}): BehaviourRule {
  return { id, kind, name: id, zone, enabled: true, cooldownS: 0, ...extra };
}

/** Bottom centre of a box as fractions of the picture (as documented for zones), computed here independently. */
const feet = (box: Box, image: { width: number; height: number }) => [(box[0] + box[2] / 2) / image.width, (box[1] + box[3] - 0.5) / image.height] as const;

interface Run {
  events: BehaviourEvent[];
  frames: Array<{ atMs: number; width: number; height: number; people: readonly PersonObservation[]; events: BehaviourEvent[] }>;
}

/** Feed a clip to a pipeline, frame by frame, with times from the clip (pts + start). */
async function run(pipeline: BehaviourPipeline, file: string, options: VideoFrameOptions): Promise<Run> {
  const out: Run = { events: [], frames: [] };
  for await (const { image, ptsMs } of readVideoFrames(file, { maxWidth: 640, ...options })) {
    const atMs = ptsMs + (options.startS ?? 0) * 1000;
    const events = await pipeline.process(image, atMs);
    out.events.push(...events);
    out.frames.push({ atMs, width: image.width, height: image.height, people: pipeline.lastPeople, events });
  }
  return out;
}

describe('behaviour pipeline on real video', () => {
  let faces: FaceEngine;
  let detector: PersonDetector;
  const timings: string[] = [];

  beforeAll(async () => {
    // The worker's order: the face engine first, the person detector when a camera has rules.
    faces = await FaceEngine.create();
    detector = await PersonDetector.create();
  }, 120_000);

  afterAll(() => {
    if (timings.length > 0) console.log(`behaviour pipeline timings (wall clock, ms per call):\n${timings.join('\n')}`);
  });

  const perCall = (label: string, pipeline: BehaviourPipeline) => {
    const s = pipeline.stats;
    timings.push(`  ${label}: ${s.framesAnalysed} frames, detect ${(s.detectMs / s.framesAnalysed).toFixed(0)} ms/frame, pose ${s.poses ? (s.poseMs / s.poses).toFixed(0) : '-'} ms/person (${s.poses} poses)`);
  };

  it('shares the process with a FaceEngine: each gives the same answers before and after the other runs', async () => {
    const photo = await decodeImage(sharedData('faces/bbt/group/bbt1.jpg'));
    let street: RgbImage | undefined;
    for await (const { image } of readVideoFrames(sharedData('video/pedestrians_vtest_480x360.mp4'), { fps: 1, durationS: 1 })) street = image;
    const facesBefore = await faces.describe(photo);
    const peopleBefore = await detector.detectPeople(street!);
    const poseBefore = await detector.estimatePose(street!, peopleBefore[0]!.box);
    const facesAfter = await faces.describe(photo);
    const peopleAfter = await detector.detectPeople(street!);
    const poseAfter = await detector.estimatePose(street!, peopleBefore[0]!.box);

    expect(facesBefore.length).toBeGreaterThanOrEqual(3);
    expect(facesAfter.map((f) => f.box)).toEqual(facesBefore.map((f) => f.box));
    facesAfter.forEach((face, i) => expect(cosine(face.descriptor, facesBefore[i]!.descriptor)).toBeGreaterThan(0.9999));
    // The face engine's own Human never runs the person models, and the other way round.
    expect(peopleBefore.filter((p) => p.score >= 0.3).length).toBeGreaterThanOrEqual(4);
    expect(peopleAfter).toEqual(peopleBefore);
    expect(poseBefore?.keypoints.length).toBeGreaterThanOrEqual(5);
    expect(poseAfter).toEqual(poseBefore);
  }, 60_000);

  it('raises a fall alert when the woman in the living-room clip falls', async () => {
    const pipeline = new BehaviourPipeline(detector, [rule('fall', 'fall', WHOLE, { cooldownS: 30 })]); // holdS: the default 2 s
    const { events, frames } = await run(pipeline, sharedData('video/derived/fall_livingroom_annotated.mp4'), { fps: 5 });
    perCall('fall clip 480x270 @5 fps', pipeline);
    expect(frames).toHaveLength(30);
    // Standing for the first second: seen, upright.
    expect(frames.slice(0, 5).every((f) => f.people.length === 1 && f.people[0]!.posture?.state === 'upright')).toBe(true);
    // She is on the floor from ~3 s; the alert comes once she has lain there 2 s.
    expect(events).toHaveLength(1);
    const [fall] = events;
    expect(fall).toMatchObject({ ruleId: 'fall', kind: 'fall' });
    expect(fall!.atMs).toBeGreaterThanOrEqual(4500);
    expect(fall!.detail.lyingS).toBeGreaterThanOrEqual(2);
    expect(fall!.boxes).toHaveLength(1);
    const [x, y, w, h] = fall!.boxes[0]!;
    expect(w).toBeGreaterThanOrEqual(h * 0.9); // lying: about as wide as tall or wider (seen head-first)
    expect(y).toBeGreaterThan(270 / 3); // the box's top far below where her head was (~20 px)
    expect(x + w / 2).toBeGreaterThan(150);
    expect([fall!.snapshot.width, fall!.snapshot.height]).toEqual([480, 270]);
  }, 180_000);

  it('raises no fall alert while people walk to a table and back', async () => {
    const pipeline = new BehaviourPipeline(detector, [
      rule('fall', 'fall', WHOLE),
      rule('loiter', 'loitering', WHOLE, { dwellS: 10 }),
    ]);
    // 40-76 s: one person leaves to the right, one walks in from the bottom, stands at the table
    // for ~17 s and leaves, another walks in.
    const { events, frames } = await run(pipeline, sharedData('video/people_one_by_one_walking.mp4'), { fps: 2.5, startS: 40, durationS: 36 });
    perCall('walking clip 640x360 @2.5 fps', pipeline);
    expect(frames).toHaveLength(90);
    expect(events.filter((e) => e.kind === 'fall')).toEqual([]);
    // Not for want of looking: people were seen and posed on most frames, and the one who
    // stood at the table for more than 10 s raised a loitering alert.
    expect(pipeline.stats.people).toBeGreaterThanOrEqual(50);
    expect(pipeline.stats.poses).toBeGreaterThanOrEqual(50);
    expect(events.filter((e) => e.kind === 'loitering')).toHaveLength(1);
  }, 180_000);

  it('raises intrusion alerts for people crossing a band across the path, and crowding at the count seen but not above', async () => {
    // A band across the path, slanted with it (fractions of the 480x360 picture).
    const band: ZonePoint[] = [[0.45, 0.2], [0.6, 0.2], [0.62, 0.85], [0.47, 0.85]];
    // Crowding: the right 60% of the picture, where the path is (the cones and stones at the left
    // edge that centernet takes for people stay out).
    const big: ZonePoint[] = [[0.4, 0.1], [1, 0.1], [1, 0.9], [0.4, 0.9]];
    const crowdRules = Array.from({ length: 19 }, (_, i) => rule(`crowd${i + 2}`, 'crowding', big, { minPeople: i + 2 }));
    const pipeline = new BehaviourPipeline(detector, [rule('band', 'intrusion', band), rule('bandCooled', 'intrusion', band, { cooldownS: 5 }), ...crowdRules]);
    const { events, frames } = await run(pipeline, sharedData('video/pedestrians_vtest_480x360.mp4'), { fps: 4, durationS: 15 });
    perCall('pedestrians 480x360 @4 fps', pipeline);
    expect(frames).toHaveLength(60);

    // Intrusion: several people, one alert each, all standing in the band when raised.
    const band0 = events.filter((e) => e.ruleId === 'band');
    expect(band0.length).toBeGreaterThanOrEqual(4);
    const ids = band0.flatMap((e) => e.detail.trackIds as number[]);
    expect(new Set(ids).size).toBe(ids.length);
    for (const event of band0) {
      for (const box of event.boxes) {
        const [fx, fy] = feet(box, event.snapshot);
        expect(fx).toBeGreaterThan(0.44);
        expect(fx).toBeLessThan(0.63);
        expect(fy).toBeGreaterThan(0.2);
        expect(fy).toBeLessThan(0.85);
      }
    }
    // The same band with a 5 s cooldown: fewer alerts, at least 5 s apart.
    const cooled = events.filter((e) => e.ruleId === 'bandCooled');
    expect(cooled.length).toBeGreaterThanOrEqual(2);
    expect(cooled.length).toBeLessThan(band0.length);
    cooled.slice(1).forEach((e, i) => expect(e.atMs - cooled[i]!.atMs).toBeGreaterThanOrEqual(5000));

    // Crowding: count the people in the big zone on every frame, independently of the rules.
    const inBig = (people: readonly PersonObservation[], image: { width: number; height: number }) =>
      people.filter((p) => {
        const [fx, fy] = feet(p.box, image);
        return fx > 0.4 && fx < 1 && fy > 0.1 && fy < 0.9;
      }).length;
    const counts = frames.map((f) => inBig(f.people, f));
    const most = Math.max(...counts);
    timings.push(`  pedestrians: ${band0.length} intrusion alerts (${cooled.length} with a 5 s cooldown), at most ${most} people in the crowd zone at once`);
    expect(most).toBeGreaterThanOrEqual(4);
    expect(most).toBeLessThanOrEqual(19);
    const crowdAt = (n: number) => events.filter((e) => e.ruleId === `crowd${n}`);
    expect(crowdAt(most).length).toBeGreaterThanOrEqual(1);
    expect(crowdAt(most + 1)).toEqual([]);
    // Every crowding alert reports the count of its frame, at least the rule's minimum.
    for (const frame of frames) {
      for (const event of frame.events.filter((e) => e.kind === 'crowding')) {
        expect(event.detail.people).toBe(inBig(frame.people, frame));
        expect(event.detail.people).toBeGreaterThanOrEqual(Number(event.ruleId.slice('crowd'.length)));
      }
    }
    // And the first alert of crowd{most} came on the first frame with that many people.
    expect(crowdAt(most)[0]!.atMs).toBe(frames[counts.indexOf(most)]!.atMs);
  }, 180_000);
});
