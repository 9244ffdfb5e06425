/**
 * The behaviour rules of one camera, applied to its tracked people frame after frame. Pure logic:
 * no models, no clock — every time is the caller's `atMs` (video pts in tests, capture time in
 * the worker), so a recorded clip replays to the same alerts.
 *
 * A rule's alert covers an "episode", raised once:
 * - intrusion: a track's stay in the zone (it entered, or was first seen inside);
 * - loitering: a track's stay once it has lasted more than `dwellS`;
 * - fall: a track's lying spell once it has lasted `holdS` with the person in the zone;
 * - crowding: a spell of at least `minPeople` people in the zone at once.
 * A stay or a crowd spell ends only after `exitGraceMs` without it (a box jittering across the
 * zone's edge, a person missed on one frame, is not a new episode). An episode that comes within
 * `cooldownS` of the rule's previous alert waits, and is raised when the cooldown ends if it still
 * holds; episodes found on the same frame share one alert (their boxes and track ids listed).
 */
import { RULE_DEFAULTS, type BehaviourRule, type BehaviourRuleKind } from '@argus/shared';
import type { Box } from '../media/snapshot.js';
import type { Pose } from './personDetector.js';
import { DEFAULT_POSTURE, PostureTracker, type PostureReading, type PostureThresholds } from './posture.js';
import { isInZone } from './zone.js';

/** One tracked person seen on the current frame. */
export interface TrackedPerson {
  /** Stable id of the person's track (one id per person while tracked). */
  trackId: number;
  /** Box in picture pixels: x, y (top-left), width, height. */
  box: Box;
  /** The pose, when it was measured on this frame (only people in a fall rule's zone need one). */
  pose?: Pose | null;
}

/** Everything the rules see of one frame. */
export interface RuleFrame {
  /** When the frame was taken, ms (any origin; must not go backwards). */
  atMs: number;
  /** Picture size, px. */
  width: number;
  height: number;
  /** The people seen on this frame. */
  people: readonly TrackedPerson[];
}

/** One alert of one rule, before the pipeline adds the snapshot. */
export interface RuleAlert {
  ruleId: string;
  kind: BehaviourRuleKind;
  atMs: number;
  /** intrusion `{ trackIds }`, loitering `{ trackIds, dwellS }`, fall `{ trackIds, lyingS, cue, tiltDeg }`, crowding `{ people, trackIds }`. */
  detail: Record<string, unknown>;
  /** Boxes (px) of the people that caused it. */
  boxes: Box[];
  trackIds: number[];
}

export interface BehaviourRulesOptions {
  /** A stay in a zone, or a crowd spell, ends after this long without it, ms (default 1000). */
  exitGraceMs?: number;
  /** Frames a track must be seen on before track rules (intrusion, loitering, fall) consider it (default 2). */
  confirmFrames?: number;
  /** Track state unseen for this long is dropped, ms (default 10 000). */
  forgetAfterMs?: number;
  /** Posture thresholds of the fall rule (defaults: {@link DEFAULT_POSTURE}). */
  posture?: Partial<PostureThresholds>;
}

interface Stay {
  sinceMs: number;
  lastInsideMs: number;
  alerted: boolean;
}

interface TrackState {
  frames: number;
  lastSeenMs: number;
  posture: PostureTracker;
  reading: PostureReading | null;
  /** Per rule id: the track's current stay in the zone and the lying spell already alerted. */
  rules: Map<string, { stay: Stay | null; alertedSpellMs: number | null }>;
}

interface RuleState {
  rule: BehaviourRule;
  lastAlertMs: number;
  crowd: { lastAboveMs: number; alerted: boolean } | null;
}

const sameZone = (a: BehaviourRule, b: BehaviourRule) => a.kind === b.kind && JSON.stringify(a.zone) === JSON.stringify(b.zone);

/**
 * The rules of one camera and the state they need: per track (stays in zones, posture) and per
 * rule (last alert, crowd spell). Feed {@link update} every analysed frame in time order.
 */
export class BehaviourRules {
  private readonly ruleStates = new Map<string, RuleState>();
  private readonly tracks = new Map<number, TrackState>();
  private lastAtMs = -Infinity;
  private readonly exitGraceMs: number;
  private readonly confirmFrames: number;
  private readonly forgetAfterMs: number;
  private readonly posture: PostureThresholds;

  constructor(rules: readonly BehaviourRule[], options: BehaviourRulesOptions = {}) {
    this.exitGraceMs = options.exitGraceMs ?? 1000;
    this.confirmFrames = options.confirmFrames ?? 2;
    this.forgetAfterMs = options.forgetAfterMs ?? 10_000;
    this.posture = { ...DEFAULT_POSTURE, ...options.posture };
    this.setRules(rules);
  }

  /**
   * Replace the rules. Disabled rules count as absent. A rule whose id is gone, or whose kind or
   * zone changed, loses its state (stays, spells, cooldown); one with only new parameters
   * (dwellS, holdS, minPeople, cooldownS, name) keeps it.
   */
  setRules(rules: readonly BehaviourRule[]): void {
    const next = new Map<string, RuleState>();
    for (const rule of rules) {
      if (!rule.enabled) continue;
      const before = this.ruleStates.get(rule.id);
      next.set(rule.id, before && sameZone(before.rule, rule) ? { ...before, rule } : { rule, lastAlertMs: -Infinity, crowd: null });
    }
    for (const [id, before] of this.ruleStates) {
      const kept = next.get(id);
      if (kept && sameZone(before.rule, kept.rule)) continue;
      for (const track of this.tracks.values()) track.rules.delete(id);
    }
    this.ruleStates.clear();
    for (const [id, state] of next) this.ruleStates.set(id, state);
  }

  /** The enabled rules, in the order given. */
  get rules(): BehaviourRule[] {
    return [...this.ruleStates.values()].map((state) => state.rule);
  }

  /** Whether the person in `box` (px) needs a pose: they stand in the zone of a fall rule. */
  needsPose(box: Box, width: number, height: number): boolean {
    for (const { rule } of this.ruleStates.values()) if (rule.kind === 'fall' && isInZone(box, rule.zone, width, height)) return true;
    return false;
  }

  /** Whether any rule is a fall rule (the only kind that needs poses). */
  get wantsPoses(): boolean {
    return [...this.ruleStates.values()].some((state) => state.rule.kind === 'fall');
  }

  /** The posture read from a track's latest observation (null before its first, or for an unknown track). */
  postureOf(trackId: number): PostureReading | null {
    return this.tracks.get(trackId)?.reading ?? null;
  }

  /** Whether a track's person is down (lying, or collapsed and not seen upright since). */
  isDown(trackId: number): boolean {
    return this.tracks.get(trackId)?.posture.down ?? false;
  }

  /** Forget tracks the tracker ended. */
  endTracks(trackIds: Iterable<number>): void {
    for (const id of trackIds) this.tracks.delete(id);
  }

  /** Forget every track and episode (the stream restarted); rules and their cooldowns too. */
  reset(): void {
    this.tracks.clear();
    for (const state of this.ruleStates.values()) {
      state.lastAlertMs = -Infinity;
      state.crowd = null;
    }
    this.lastAtMs = -Infinity;
  }

  /**
   * Apply the rules to one frame. A frame earlier than the previous one means the stream
   * restarted: all state is reset first.
   * @returns the alerts raised on this frame, at most one per rule
   */
  update(frame: RuleFrame): RuleAlert[] {
    const { atMs, width, height } = frame;
    if (atMs < this.lastAtMs) this.reset();
    this.lastAtMs = atMs;
    for (const [id, track] of this.tracks) if (track.lastSeenMs < atMs - this.forgetAfterMs) this.tracks.delete(id);

    const seen = frame.people.map((person) => {
      let track = this.tracks.get(person.trackId);
      if (!track) {
        track = { frames: 0, lastSeenMs: atMs, posture: new PostureTracker(this.posture), reading: null, rules: new Map() };
        this.tracks.set(person.trackId, track);
      }
      track.frames++;
      track.lastSeenMs = atMs;
      track.reading = track.posture.observe(atMs, person.box, person.pose, height);
      return { person, track, confirmed: track.frames >= this.confirmFrames };
    });

    const alerts: RuleAlert[] = [];
    for (const state of this.ruleStates.values()) {
      const { rule } = state;
      const inside = seen.filter(({ person }) => isInZone(person.box, rule.zone, width, height));
      const insideIds = new Set(inside.map(({ person }) => person.trackId));
      // Stays: start on entering, end after exitGraceMs seen outside.
      for (const { person, track } of seen) {
        let perRule = track.rules.get(rule.id);
        if (!perRule) track.rules.set(rule.id, (perRule = { stay: null, alertedSpellMs: null }));
        if (insideIds.has(person.trackId)) {
          perRule.stay ??= { sinceMs: atMs, lastInsideMs: atMs, alerted: false };
          perRule.stay.lastInsideMs = atMs;
        } else if (perRule.stay && atMs - perRule.stay.lastInsideMs > this.exitGraceMs) {
          perRule.stay = null;
        }
      }
      const due = this.dueEpisodes(state, inside, atMs);
      if (!due || atMs - state.lastAlertMs < rule.cooldownS * 1000) continue;
      due.markRaised();
      state.lastAlertMs = atMs;
      alerts.push({ ruleId: rule.id, kind: rule.kind, atMs, detail: due.detail, boxes: due.people.map((p) => p.box), trackIds: due.people.map((p) => p.trackId) });
    }
    return alerts;
  }

  /** The episodes of `state`'s rule that are owed an alert on this frame, or null. */
  private dueEpisodes(
    state: RuleState,
    inside: Array<{ person: TrackedPerson; track: TrackState; confirmed: boolean }>,
    atMs: number,
  ): { people: TrackedPerson[]; detail: Record<string, unknown>; markRaised: () => void } | null {
    const { rule } = state;
    const stayOf = (track: TrackState) => track.rules.get(rule.id)!;
    switch (rule.kind) {
      case 'intrusion': {
        const due = inside.filter(({ track, confirmed }) => confirmed && !stayOf(track).stay!.alerted);
        if (due.length === 0) return null;
        return {
          people: due.map((d) => d.person),
          detail: { trackIds: due.map((d) => d.person.trackId) },
          markRaised: () => due.forEach(({ track }) => (stayOf(track).stay!.alerted = true)),
        };
      }
      case 'loitering': {
        const dwellMs = (rule.dwellS ?? RULE_DEFAULTS.dwellS) * 1000;
        const due = inside.filter(({ track, confirmed }) => confirmed && !stayOf(track).stay!.alerted && atMs - stayOf(track).stay!.sinceMs > dwellMs);
        if (due.length === 0) return null;
        const longest = Math.max(...due.map(({ track }) => atMs - stayOf(track).stay!.sinceMs));
        return {
          people: due.map((d) => d.person),
          detail: { trackIds: due.map((d) => d.person.trackId), dwellS: Math.round(longest / 100) / 10 },
          markRaised: () => due.forEach(({ track }) => (stayOf(track).stay!.alerted = true)),
        };
      }
      case 'fall': {
        const holdMs = (rule.holdS ?? RULE_DEFAULTS.holdS) * 1000;
        const due = inside.filter(({ track, confirmed }) => {
          const lying = track.reading?.state === 'lying' ? track.posture.lyingForMs : null;
          return confirmed && lying !== null && lying >= holdMs && stayOf(track).alertedSpellMs !== track.posture.lyingSinceMs;
        });
        if (due.length === 0) return null;
        const first = due[0]!.track;
        return {
          people: due.map((d) => d.person),
          detail: {
            trackIds: due.map((d) => d.person.trackId),
            lyingS: Math.round((first.posture.lyingForMs ?? 0) / 100) / 10,
            cue: first.posture.cue,
            tiltDeg: first.reading?.tiltDeg == null ? null : Math.round(first.reading.tiltDeg),
          },
          markRaised: () => due.forEach(({ track }) => (stayOf(track).alertedSpellMs = track.posture.lyingSinceMs)),
        };
      }
      case 'crowding': {
        const minPeople = rule.minPeople ?? RULE_DEFAULTS.minPeople;
        if (inside.length >= minPeople) {
          state.crowd ??= { lastAboveMs: atMs, alerted: false };
          state.crowd.lastAboveMs = atMs;
        } else if (state.crowd && atMs - state.crowd.lastAboveMs > this.exitGraceMs) {
          state.crowd = null;
        }
        const crowd = state.crowd;
        if (!crowd || crowd.alerted || inside.length < minPeople) return null;
        return {
          people: inside.map((d) => d.person),
          detail: { people: inside.length, trackIds: inside.map((d) => d.person.trackId) },
          markRaised: () => (crowd.alerted = true),
        };
      }
    }
  }
}
