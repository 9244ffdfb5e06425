import { describe, expect, it } from 'vitest';
import type { BehaviourRule, BehaviourRuleKind, ZonePoint } from '@argus/shared';
import {
  BehaviourPipeline,
  BehaviourRules,
  footPoint,
  isInZone,
  pointInPolygon,
  PostureTracker,
  torsoTiltDeg,
  type Box,
  type Keypoint,
  type PersonDetection,
  type PersonFinder,
  type Pose,
  type RgbImage,
  type RuleFrame,
  type TrackedPerson,
} from '@argus/analytics';

/**
 * The behaviour rules as pure logic, on hand-made tracks in a 100 x 100 px picture: zones,
 * posture, intrusion, loitering, fall and crowding, cooldowns and rule changes; and the pipeline
 * around them with a scripted detector instead of the models.
 */
const W = 100;
const H = 100;
const LEFT_HALF: ZonePoint[] = [[0, 0], [0.5, 0], [0.5, 1], [0, 1]];
const WHOLE: ZonePoint[] = [[0, 0], [1, 0], [1, 1], [0, 1]];

function rule(kind: BehaviourRuleKind, zone: ZonePoint[], extra: Partial<BehaviourRule> = {}): BehaviourRule {
  return { id: extra.id ?? kind, kind, name: kind, zone, enabled: true, cooldownS: 0, ...extra };
}

/** A standing person 10 px wide and 30 px tall whose feet are at (footX, footY) px. */
function standing(trackId: number, footX: number, footY = 60, pose?: Pose): TrackedPerson {
  return { trackId, box: [footX - 5, footY - 30, 10, 30], pose };
}

const frame = (atMs: number, ...people: TrackedPerson[]): RuleFrame => ({ atMs, width: W, height: H, people });

function torso(shoulder: [number, number], hip: [number, number], score = 0.9): Pose {
  const kp = (part: Keypoint['part'], [x, y]: [number, number]): Keypoint => ({ part, x, y, score });
  return { keypoints: [kp('leftShoulder', shoulder), kp('rightShoulder', shoulder), kp('leftHip', hip), kp('rightHip', hip)] };
}
const UPRIGHT = torso([50, 40], [50, 55]);
const HORIZONTAL = torso([35, 80], [50, 81]);

describe('zones', () => {
  it('tests points against convex and concave polygons', () => {
    const l: [number, number][] = [[0, 0], [2, 0], [2, 1], [1, 1], [1, 2], [0, 2]]; // an L
    expect(pointInPolygon(0.5, 0.5, l)).toBe(true);
    expect(pointInPolygon(1.5, 0.5, l)).toBe(true);
    expect(pointInPolygon(0.5, 1.5, l)).toBe(true);
    expect(pointInPolygon(1.5, 1.5, l)).toBe(false); // the notch
    expect(pointInPolygon(3, 0.5, l)).toBe(false);
    expect(pointInPolygon(0.25, 0.25, [[0, 0], [1, 0], [0, 1]])).toBe(true);
    expect(pointInPolygon(0.75, 0.75, [[0, 0], [1, 0], [0, 1]])).toBe(false);
  });

  it('places a person by the bottom centre of their box, normalised by the picture size', () => {
    expect(footPoint([10, 20, 20, 40], 100, 200)).toEqual([0.2, 59.5 / 200]);
    // Head inside the left half, feet outside: not in the zone.
    const topRightToBottomLeft: ZonePoint[] = [[0, 0], [0.5, 0], [0.5, 0.5], [0, 0.5]];
    expect(isInZone([10, 20, 10, 60], topRightToBottomLeft, W, H)).toBe(false);
    expect(isInZone([10, 10, 10, 30], topRightToBottomLeft, W, H)).toBe(true);
    // A person cut off by the bottom edge still stands in a zone drawn over the whole picture.
    expect(isInZone([40, 60, 20, 40], WHOLE, W, H)).toBe(true);
  });
});

describe('posture', () => {
  it('measures the torso tilt from straight up: 0 upright, 90 level, 180 head-down', () => {
    expect(torsoTiltDeg(torso([50, 10], [50, 40]))).toBeCloseTo(0, 5);
    expect(torsoTiltDeg(torso([20, 50], [50, 50]))).toBeCloseTo(90, 5);
    expect(torsoTiltDeg(torso([50, 60], [50, 30]))).toBeCloseTo(180, 5);
    expect(torsoTiltDeg(torso([40, 40], [50, 50]))).toBeCloseTo(45, 5);
    // Keypoints below the confidence floor do not count; without a hip there is no torso.
    expect(torsoTiltDeg(torso([20, 50], [50, 50], 0.1))).toBeNull();
    expect(torsoTiltDeg({ keypoints: [{ part: 'leftShoulder', x: 1, y: 1, score: 1 }] })).toBeNull();
  });

  it('reads a collapse from the box: the top drops fast while the feet stay, then the box is wider than tall', () => {
    const p = new PostureTracker();
    expect(p.observe(0, [40, 20, 12, 40]).state).toBe('upright');
    expect(p.observe(500, [36, 32, 22, 28]).state).toBe('unknown'); // going down: not yet wider than tall
    const down = p.observe(1000, [30, 46, 30, 14]); // top 20 → 46 (65% of 40 px) in 1 s, feet at 60 throughout
    expect(down).toEqual({ state: 'lying', cue: 'box', tiltDeg: null });
    expect(p.observe(2000, [30, 47, 30, 13]).state).toBe('lying');
    expect(p.lyingForMs).toBe(1000);
    expect(p.lyingSinceMs).toBe(1000);
    // Standing up ends the spell.
    expect(p.observe(3000, [40, 20, 12, 40]).state).toBe('upright');
    expect(p.lyingForMs).toBeNull();
    expect(p.down).toBe(false);
  });

  it('does not read a collapse into sitting down slowly or walking towards the camera', () => {
    const sitting = new PostureTracker();
    // The top drops by half the height, but over 6 s: never more than 40% within 2 s.
    for (let t = 0; t <= 6000; t += 500) sitting.observe(t, [40, 20 + (t / 6000) * 20, 12 + (t / 6000) * 10, 40 - (t / 6000) * 20]);
    expect(sitting.observe(6500, [38, 41, 22, 19]).state).toBe('unknown');
    const walker = new PostureTracker();
    // Top and bottom move down together (closer to an elevated camera) until the bottom of the
    // picture cuts the box, shorter and shorter, wider than tall: no collapse, so not lying.
    for (let t = 0; t <= 1000; t += 250) walker.observe(t, [40, 20 + t / 25, 12, 40], null, H);
    expect(walker.observe(1250, [38, 75, 20, 25], null, H).state).toBe('unknown');
    expect(walker.observe(1500, [38, 85, 20, 15], null, H).state).toBe('unknown');
    expect(walker.down).toBe(false);
  });

  it('takes a torso nearer horizontal than vertical, or head-down, as lying', () => {
    const p = new PostureTracker();
    expect(p.observe(0, [30, 70, 30, 15], HORIZONTAL)).toMatchObject({ state: 'lying', cue: 'pose' });
    expect(p.observe(500, [40, 50, 20, 40], torso([50, 80], [52, 60]))).toMatchObject({ state: 'lying', cue: 'pose' });
    expect(p.observe(1000, [40, 20, 12, 40], UPRIGHT).state).toBe('upright');
  });
});

describe('behaviour rules', () => {
  it('raises one intrusion per entry, once the track is confirmed, and none while it stays', () => {
    const rules = new BehaviourRules([rule('intrusion', LEFT_HALF)]);
    expect(rules.update(frame(0, standing(1, 80)))).toEqual([]);
    expect(rules.update(frame(200, standing(1, 60)))).toEqual([]);
    const [alert, ...more] = rules.update(frame(400, standing(1, 40)));
    expect(more).toEqual([]);
    expect(alert).toMatchObject({ ruleId: 'intrusion', kind: 'intrusion', atMs: 400, trackIds: [1], boxes: [[35, 30, 10, 30]], detail: { trackIds: [1] } });
    expect(rules.update(frame(600, standing(1, 30)))).toEqual([]);
    // Out for more than the 1 s grace, then back in: a new entry.
    expect(rules.update(frame(800, standing(1, 70)))).toEqual([]);
    expect(rules.update(frame(2000, standing(1, 70)))).toEqual([]);
    expect(rules.update(frame(2200, standing(1, 40)))).toHaveLength(1);
    // Jitter across the edge within the grace is the same stay.
    expect(rules.update(frame(2400, standing(1, 52)))).toEqual([]);
    expect(rules.update(frame(2600, standing(1, 48)))).toEqual([]);
  });

  it('counts a person first seen inside as an entry, but not before they are seen twice', () => {
    const rules = new BehaviourRules([rule('intrusion', LEFT_HALF)]);
    expect(rules.update(frame(0, standing(7, 20)))).toEqual([]);
    expect(rules.update(frame(200, standing(7, 21)))).toMatchObject([{ trackIds: [7] }]);
    const single = new BehaviourRules([rule('intrusion', LEFT_HALF)], { confirmFrames: 1 });
    expect(single.update(frame(0, standing(7, 20)))).toHaveLength(1);
  });

  it('holds entries during the cooldown and raises them when it ends if the person is still inside', () => {
    const rules = new BehaviourRules([rule('intrusion', LEFT_HALF, { cooldownS: 10 })], { confirmFrames: 1 });
    expect(rules.update(frame(0, standing(1, 20)))).toHaveLength(1);
    // Two more enter during the cooldown; one leaves before it ends.
    expect(rules.update(frame(2000, standing(1, 20), standing(2, 30), standing(3, 40)))).toEqual([]);
    expect(rules.update(frame(5000, standing(2, 30), standing(3, 80)))).toEqual([]);
    expect(rules.update(frame(9000, standing(2, 30), standing(3, 80)))).toEqual([]);
    const [late] = rules.update(frame(10_000, standing(2, 30), standing(3, 80)));
    expect(late).toMatchObject({ atMs: 10_000, trackIds: [2] });
    // People entering on the same frame share one alert.
    const both = new BehaviourRules([rule('intrusion', LEFT_HALF)], { confirmFrames: 1 });
    expect(both.update(frame(0, standing(1, 20), standing(2, 30)))).toMatchObject([{ trackIds: [1, 2], detail: { trackIds: [1, 2] } }]);
  });

  it('raises loitering once a track has stayed longer than dwellS', () => {
    const rules = new BehaviourRules([rule('loitering', LEFT_HALF, { dwellS: 10 })]);
    const alerts = [];
    for (let t = 0; t <= 20_000; t += 1000) alerts.push(...rules.update(frame(t, standing(1, 20 + (t % 3000) / 1000))));
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ atMs: 11_000, detail: { dwellS: 11, trackIds: [1] } });
    // A stay cut short (out beyond the grace) starts again.
    const cut = new BehaviourRules([rule('loitering', LEFT_HALF, { dwellS: 10 })]);
    for (let t = 0; t <= 8000; t += 1000) expect(cut.update(frame(t, standing(2, 20)))).toEqual([]);
    cut.update(frame(9000, standing(2, 80)));
    cut.update(frame(10_500, standing(2, 80)));
    for (let t = 11_000; t <= 20_000; t += 1000) expect(cut.update(frame(t, standing(2, 20)))).toEqual([]);
    expect(cut.update(frame(21_500, standing(2, 20)))).toHaveLength(1);
  });

  it('raises a fall when a person in the zone has lain for holdS, once per spell', () => {
    const lying = (id: number, footX: number): TrackedPerson => ({ trackId: id, box: [footX - 15, 70, 30, 12], pose: HORIZONTAL });
    const rules = new BehaviourRules([rule('fall', LEFT_HALF, { holdS: 2 })]);
    expect(rules.update(frame(0, standing(1, 25, 82, UPRIGHT)))).toEqual([]);
    expect(rules.update(frame(500, lying(1, 25)))).toEqual([]);
    expect(rules.update(frame(1500, lying(1, 25)))).toEqual([]);
    expect(rules.postureOf(1)).toMatchObject({ state: 'lying', cue: 'pose' });
    const [fall] = rules.update(frame(2500, lying(1, 25)));
    expect(fall).toMatchObject({ kind: 'fall', trackIds: [1], detail: { lyingS: 2, cue: 'pose', tiltDeg: 86 } });
    expect(rules.update(frame(3500, lying(1, 25)))).toEqual([]);
    // Up, and down again: a new spell, a new alert.
    rules.update(frame(4000, standing(1, 25, 82, UPRIGHT)));
    rules.update(frame(4500, lying(1, 25)));
    expect(rules.update(frame(6500, lying(1, 25)))).toHaveLength(1);
    // Outside the zone: nothing. Broken by standing up: nothing.
    const outside = new BehaviourRules([rule('fall', LEFT_HALF, { holdS: 2 })]);
    for (let t = 0; t <= 5000; t += 500) expect(outside.update(frame(t, lying(2, 80)))).toEqual([]);
    const broken = new BehaviourRules([rule('fall', LEFT_HALF, { holdS: 2 })]);
    for (let t = 0; t <= 6000; t += 500) {
      const person = t % 1500 === 0 ? standing(3, 25, 82, UPRIGHT) : lying(3, 25);
      expect(broken.update(frame(t, person))).toEqual([]);
    }
  });

  it('keeps a lying spell through frames that cannot tell (unknown) and through frames the person is missed', () => {
    const rules = new BehaviourRules([rule('fall', WHOLE, { holdS: 2 })]);
    rules.update(frame(0, { trackId: 1, box: [40, 20, 12, 40] }));
    rules.update(frame(400, { trackId: 1, box: [40, 20, 12, 40] }));
    rules.update(frame(1200, { trackId: 1, box: [30, 46, 30, 14] })); // collapsed: lying by the box
    rules.update(frame(1800, { trackId: 1, box: [32, 44, 24, 18] })); // wider than tall
    rules.update(frame(2400, { trackId: 1, box: [35, 38, 18, 22], pose: torso([40, 45], [50, 50], 0.1) })); // taller than wide, weak pose: unknown
    expect(rules.postureOf(1)?.state).toBe('unknown');
    expect(rules.update(frame(3200, { trackId: 1, box: [30, 46, 30, 14] }))).toMatchObject([{ kind: 'fall', detail: { lyingS: 2, cue: 'box' } }]);
  });

  it('raises crowding at minPeople in the zone and not below, once per spell', () => {
    const rules = new BehaviourRules([rule('crowding', LEFT_HALF, { minPeople: 3 })]);
    const crowd = (n: number, outside = 2) => [...Array.from({ length: n }, (_, i) => standing(i + 1, 5 + i * 10)), ...Array.from({ length: outside }, (_, i) => standing(100 + i, 70 + i * 10))];
    expect(rules.update(frame(0, ...crowd(2, 3)))).toEqual([]);
    expect(rules.update(frame(500, ...crowd(3)))).toMatchObject([{ kind: 'crowding', detail: { people: 3, trackIds: [1, 2, 3] }, trackIds: [1, 2, 3] }]);
    expect(rules.update(frame(1000, ...crowd(4)))).toEqual([]);
    // A dip within the grace is the same spell; a longer one ends it.
    expect(rules.update(frame(1500, ...crowd(2)))).toEqual([]);
    expect(rules.update(frame(2000, ...crowd(3)))).toEqual([]);
    expect(rules.update(frame(2500, ...crowd(2)))).toEqual([]);
    expect(rules.update(frame(4000, ...crowd(2)))).toEqual([]);
    expect(rules.update(frame(4500, ...crowd(3)))).toHaveLength(1);
    // The cooldown holds a new spell back until it ends.
    const cooled = new BehaviourRules([rule('crowding', LEFT_HALF, { minPeople: 3, cooldownS: 10 })]);
    expect(cooled.update(frame(0, ...crowd(3)))).toHaveLength(1);
    cooled.update(frame(2000, ...crowd(1)));
    expect(cooled.update(frame(5000, ...crowd(3)))).toEqual([]);
    expect(cooled.update(frame(10_000, ...crowd(3)))).toMatchObject([{ atMs: 10_000 }]);
  });

  it('drops the state of removed rules and of rules whose zone changed, keeps it when only parameters change', () => {
    const rules = new BehaviourRules([rule('intrusion', LEFT_HALF, { id: 'a' }), rule('loitering', LEFT_HALF, { id: 'b', dwellS: 5 })], { confirmFrames: 1 });
    expect(rules.update(frame(0, standing(1, 20)))).toMatchObject([{ ruleId: 'a' }]);
    // Only the dwell changes: the stay that began at 0 carries on.
    rules.setRules([rule('intrusion', LEFT_HALF, { id: 'a' }), rule('loitering', LEFT_HALF, { id: 'b', dwellS: 3 })]);
    expect(rules.update(frame(3500, standing(1, 20)))).toMatchObject([{ ruleId: 'b', detail: { dwellS: 3.5 } }]);
    // Removed, then back: the person inside is a new entry to the new rule.
    rules.setRules([]);
    expect(rules.rules).toEqual([]);
    expect(rules.update(frame(4000, standing(1, 20)))).toEqual([]);
    rules.setRules([rule('intrusion', LEFT_HALF, { id: 'a' })]);
    expect(rules.update(frame(4500, standing(1, 20)))).toMatchObject([{ ruleId: 'a' }]);
    // A new zone is a new rule; a disabled rule is no rule.
    rules.setRules([rule('intrusion', WHOLE, { id: 'a' }), rule('crowding', WHOLE, { id: 'c', minPeople: 2, enabled: false })]);
    expect(rules.rules.map((r) => r.id)).toEqual(['a']);
    expect(rules.update(frame(5000, standing(1, 20), standing(2, 30)))).toMatchObject([{ ruleId: 'a', trackIds: [1, 2] }]);
  });

  it('starts over when time goes backwards (the stream restarted)', () => {
    const rules = new BehaviourRules([rule('intrusion', LEFT_HALF, { cooldownS: 60 })], { confirmFrames: 1 });
    expect(rules.update(frame(50_000, standing(1, 20)))).toHaveLength(1);
    expect(rules.update(frame(51_000, standing(1, 20)))).toEqual([]);
    expect(rules.update(frame(1000, standing(1, 20)))).toHaveLength(1);
  });

  it('wants a pose only for people in the zone of a fall rule', () => {
    const rules = new BehaviourRules([rule('intrusion', WHOLE), rule('fall', LEFT_HALF)]);
    expect(rules.wantsPoses).toBe(true);
    expect(rules.needsPose(standing(1, 20).box, W, H)).toBe(true);
    expect(rules.needsPose(standing(1, 80).box, W, H)).toBe(false);
    rules.setRules([rule('intrusion', WHOLE)]);
    expect(rules.wantsPoses).toBe(false);
    expect(rules.needsPose(standing(1, 20).box, W, H)).toBe(false);
  });
});

/** A detector that replays scripted detections, one list per call, and answers poses from a function. */
class ScriptedFinder implements PersonFinder {
  readonly poseCalls: Box[] = [];
  constructor(
    private readonly script: PersonDetection[][],
    private readonly poseFor: (box: Box) => Pose | null = () => null,
  ) {}
  async detectPeople(): Promise<PersonDetection[]> {
    return this.script.shift() ?? [];
  }
  async estimatePose(_image: RgbImage, box: Box): Promise<Pose | null> {
    this.poseCalls.push(box);
    return this.poseFor(box);
  }
}

describe('behaviour pipeline (scripted detector)', () => {
  const image: RgbImage = { width: W, height: H, data: new Uint8Array(W * H * 3).fill(7) };
  const det = (x: number, score = 0.8, y = 30): PersonDetection => ({ box: [x, y, 10, 30], score });

  it('tracks people, raises alerts with the frame as snapshot, and poses nobody without a fall rule', async () => {
    const finder = new ScriptedFinder([[det(56)], [det(50)], [det(44)], [det(40)]]);
    const pipeline = new BehaviourPipeline(finder, [rule('intrusion', LEFT_HALF)]);
    const events = [];
    for (let i = 0; i < 4; i++) events.push(...(await pipeline.process(image, i * 250)));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ ruleId: 'intrusion', kind: 'intrusion', atMs: 500, boxes: [[44, 30, 10, 30]] });
    const { snapshot } = events[0]!;
    expect([snapshot.width, snapshot.height]).toEqual([W, H]);
    expect(Buffer.compare(snapshot.data, image.data)).toBe(0);
    expect(snapshot.data).not.toBe(image.data); // a copy: the caller may reuse its buffer
    expect(finder.poseCalls).toEqual([]);
    expect(pipeline.stats).toMatchObject({ frames: 4, framesAnalysed: 4, people: 4, tracks: 1, activeTracks: 1, poses: 0, events: 1 });
    expect(pipeline.lastPeople).toMatchObject([{ trackId: 1, box: [40, 30, 10, 30], score: 0.8 }]);
  });

  it('continues tracks on weak detections but does not start them, and skips frames without rules', async () => {
    const finder = new ScriptedFinder([[det(20, 0.15)], [det(20, 0.5)], [det(21, 0.15)], [det(22, 0.05)]]);
    const pipeline = new BehaviourPipeline(finder, [rule('crowding', WHOLE, { minPeople: 2 })]);
    await pipeline.process(image, 0);
    expect(pipeline.lastPeople).toEqual([]);
    await pipeline.process(image, 250);
    await pipeline.process(image, 500);
    expect(pipeline.lastPeople).toMatchObject([{ trackId: 1, score: 0.15 }]);
    await pipeline.process(image, 750);
    expect(pipeline.lastPeople).toEqual([]); // below keepScore
    pipeline.setRules([]);
    expect(await pipeline.process(image, 1000)).toEqual([]);
    expect(pipeline.stats).toMatchObject({ frames: 5, framesAnalysed: 4, people: 2, tracks: 1 });
  });

  it('poses people in a fall zone, and keeps a fallen person the detector lost while a pose still finds them', async () => {
    const standingBox = (x: number): PersonDetection => ({ box: [x, 20, 12, 40], score: 0.8 });
    const fallen: PersonDetection = { box: [20, 46, 30, 14], score: 0.4 };
    // Feet at 60 throughout: up, up, collapsed, then the detector loses her.
    const finder = new ScriptedFinder([[standingBox(24), standingBox(70)], [standingBox(24), standingBox(70)], [fallen, standingBox(70)], [standingBox(70)], [standingBox(70)], [standingBox(70)]], (box) =>
      // Wider than tall (the fallen box, or the probe around it): lying; otherwise upright.
      box[2] > box[3] ? { keypoints: [...HORIZONTAL.keypoints, ...HORIZONTAL.keypoints, { part: 'nose', x: 20, y: 80, score: 0.9 }] } : UPRIGHT,
    );
    const pipeline = new BehaviourPipeline(finder, [rule('fall', LEFT_HALF, { holdS: 1.5 })]);
    const events = [];
    for (let i = 0; i < 6; i++) events.push(...(await pipeline.process(image, i * 500)));
    // Only the person on the left (in the fall zone) was posed: 3 detections + 3 probes of her last box.
    expect(finder.poseCalls).toHaveLength(6);
    expect(finder.poseCalls.every((box) => box[0] < 50)).toBe(true);
    expect(events).toMatchObject([{ kind: 'fall', atMs: 2500, boxes: [[20, 46, 30, 14]], detail: { trackIds: [1], lyingS: 1.5 } }]);
    expect(pipeline.lastPeople.find((p) => p.trackId === 1)).toMatchObject({ score: 0, posture: { state: 'lying', cue: 'pose' } });
    // Poses alone keep her for 5 s after the detector last saw her (t = 1000 ms), then the track ends.
    for (let i = 6; i <= 20; i++) events.push(...(await pipeline.process(image, i * 500)));
    expect(finder.poseCalls).toHaveLength(3 + 10);
    expect(pipeline.stats.activeTracks).toBe(0);
    expect(events).toHaveLength(1);
  });
});
