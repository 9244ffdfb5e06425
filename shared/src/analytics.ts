import { z } from 'zod';

/**
 * Analytics domain: per-camera behaviour rules and sign-in points, face templates of supervised
 * persons, sign-in records and behaviour alerts. Face templates, sign-ins and their snapshots
 * are sensitive personal data: every read is audited and scoped to the person's org unit.
 */

/** Kinds of behaviour rule (abnormal-behaviour alerts). */
export const BEHAVIOUR_RULE_KINDS = ['intrusion', 'loitering', 'fall', 'crowding'] as const;
export type BehaviourRuleKind = (typeof BEHAVIOUR_RULE_KINDS)[number];

/** A point of a zone, as fractions of the picture: x 0 (left) to 1 (right), y 0 (top) to 1 (bottom). */
export type ZonePoint = [number, number];

const zonePoint = z.tuple([z.number().min(0).max(1), z.number().min(0).max(1)]);

/**
 * One rule drawn on a camera. A person "is in" the zone when the bottom centre of their box
 * (where they stand) lies inside the polygon.
 * - `intrusion`: a person enters the zone;
 * - `loitering`: one tracked person stays in the zone longer than `dwellS` seconds;
 * - `fall`: a person in the zone lies down (torso near horizontal, or box wider than tall after a
 *   sudden drop) for at least `holdS` seconds;
 * - `crowding`: at least `minPeople` people are in the zone at once.
 * An alert of a rule is not raised again within `cooldownS` seconds.
 */
export const behaviourRuleSchema = z
  .strictObject({
    id: z.string().regex(/^[A-Za-z0-9_-]{1,32}$/, 'must be 1-32 characters of A-Z a-z 0-9 _ -'),
    kind: z.enum(BEHAVIOUR_RULE_KINDS),
    name: z.string().trim().min(1).max(64),
    zone: z.array(zonePoint).min(3, 'a zone needs at least 3 points').max(32),
    enabled: z.boolean().default(true),
    /** loitering: seconds in the zone before an alert (default 30). */
    dwellS: z.number().min(1).max(3600).optional(),
    /** fall: seconds lying down before an alert (default 2). */
    holdS: z.number().min(0).max(600).optional(),
    /** crowding: people in the zone for an alert (default 5). */
    minPeople: z.number().int().min(2).max(500).optional(),
    /** Seconds before the same rule may alert again (default 30). */
    cooldownS: z.number().min(0).max(86_400).default(30),
  });
export type BehaviourRule = z.output<typeof behaviourRuleSchema>;

/** Defaults of the optional rule parameters. */
export const RULE_DEFAULTS = { dwellS: 30, holdS: 2, minPeople: 5, cooldownS: 30 } as const;

/** `PUT /api/channels/:id/analytics`: what the analytics worker does with one camera. */
export const channelAnalyticsInput = z
  .strictObject({
    /** The camera is a sign-in point (contactless sign-in, 无感签到) of its org unit (the site). */
    signIn: z.boolean(),
    /** Every rule of the camera (a PUT replaces them all; an empty list removes them). */
    rules: z.array(behaviourRuleSchema).max(16),
  })
  .superRefine((value, ctx) => {
    const seen = new Set<string>();
    value.rules.forEach((rule, index) => {
      if (seen.has(rule.id)) ctx.addIssue({ code: 'custom', message: `duplicate rule id "${rule.id}"`, path: ['rules', index, 'id'] });
      seen.add(rule.id);
    });
  });
export type ChannelAnalyticsInput = z.output<typeof channelAnalyticsInput>;

/** A camera's analytics settings; a camera without any is not analysed. */
export interface ChannelAnalytics extends ChannelAnalyticsInput {
  channelId: string;
  updatedAt: number;
}

/** Whether a camera needs the analytics worker at all. */
export function isAnalysed(settings: Pick<ChannelAnalytics, 'signIn' | 'rules'>): boolean {
  return settings.signIn || settings.rules.some((rule) => rule.enabled);
}

/** Why an enrolment photo was refused. */
/** `matches-other-person`: the face matches a template of another enrolled person (one face must not sign two people in). */
export const ENROL_REJECTIONS = ['unreadable', 'no-face', 'several-faces', 'face-too-small', 'matches-other-person'] as const;
export type EnrolRejection = (typeof ENROL_REJECTIONS)[number];

/** `POST /api/persons/:id/faces`: 1-5 photos (JPEG, PNG, WebP…) as base64, each at most 8 MiB. */
export const faceEnrolInput = z.strictObject({
  photos: z
    .array(
      z.strictObject({
        name: z.string().max(128).optional(),
        data: z
          .string()
          .min(16)
          .max(11_200_000, 'a photo may be at most 8 MiB')
          .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be base64'),
      }),
    )
    .min(1, 'send 1 to 5 photos')
    .max(5, 'send 1 to 5 photos'),
});
export type FaceEnrolInput = z.infer<typeof faceEnrolInput>;

/** One enrolled face of a supervised person: a descriptor (never sent out), the photo only if configured. */
export interface FaceTemplate {
  id: string;
  personId: string;
  createdAt: number;
  /** The face's width in the photo, px. */
  faceWidthPx: number;
  /** Detector confidence, 0-1. */
  score: number;
  /** Whether the photo is kept (`analytics.storePhotos`). */
  hasPhoto: boolean;
}

export interface FaceEnrolResult {
  enrolled: FaceTemplate[];
  /** Photos refused, by their index in the request. */
  rejected: { index: number; name?: string; reason: EnrolRejection; message: string }[];
}

/** One contactless sign-in: at most one per person, day and site. */
export interface SignInRecord {
  id: number;
  personId: string;
  personName: string;
  /** The person's org unit (scoping). */
  orgUnitId: string;
  /** The site: the sign-in camera's org unit (a judicial office). */
  siteOrgUnitId: string;
  channelId: string;
  channelName: string;
  /** Local calendar day of the sign-in, `YYYY-MM-DD` (`analytics.timeZone`). */
  day: string;
  at: number;
  /** Cosine similarity of the best match, -1..1. */
  similarity: number;
  /** Human's liveness and antispoof scores, 0-1. */
  live: number;
  real: number;
  hasSnapshot: boolean;
}

/** One behaviour alert. */
export interface BehaviourAlert {
  id: number;
  channelId: string;
  channelName: string;
  /** The camera's org unit (scoping). */
  orgUnitId: string;
  ruleId: string;
  ruleKind: BehaviourRuleKind;
  ruleName: string;
  zone: ZonePoint[];
  at: number;
  /** e.g. `{ people: 6 }` for crowding, `{ dwellS: 41 }` for loitering. */
  detail: Record<string, unknown>;
  hasSnapshot: boolean;
  acknowledgedAt: number | null;
  acknowledgedBy: string | null;
}

/** `GET /api/sign-ins` filter. */
export const signInQuery = z.strictObject({
  day: z.iso.date('must be a date, YYYY-MM-DD').optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});
/** `GET /api/alerts` filter: `open=true` only the unacknowledged ones. */
export const alertQuery = z.strictObject({
  open: z.enum(['true', 'false']).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

/** State of the analytics workers, for `/api/analytics/status` and the wall's indicator. */
export interface AnalyticsStatus {
  enabled: boolean;
  workers: { index: number; pid: number | null; state: 'starting' | 'ready' | 'restarting' | 'stopped'; restarts: number; cameras: string[] }[];
  cameras: { channelId: string; worker: number | null; framesDecoded: number; framesAnalysed: number; tracks: number; lastError: string | null }[];
  galleryTemplates: number;
  /** Alerts a worker reported within their rule's cooldown (a restarted worker forgets it) and the SFU dropped. */
  alertsSuppressed: number;
}
