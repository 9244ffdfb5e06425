import { z } from 'zod';
import { DEVICE_KINDS, GB_STREAM_MODES, ORG_LEVELS, ROLES, type AuditEntry, type Channel, type CommandCentre, type Device, type OrgUnit, type Permission, type SupervisedPerson, type User } from './domain.js';

/**
 * The HTTP API (JSON over HTTP on the SFU's port, under `/api`), declared once for the server
 * and the wall. Request bodies and queries are validated with these schemas at the edge.
 *
 * Authentication: `POST /api/auth/login` answers with a signed token (JWT, HS256, RFC 7519)
 * and also sets it as the `argus_session` cookie (HttpOnly, SameSite=Strict). Every other
 * route takes the cookie or `Authorization: Bearer <token>`. Writes must be JSON
 * (`content-type: application/json`) from the wall's own origin.
 *
 * Errors: `{ error: { code, message } }` with status 400 `bad-request`, 401 `unauthenticated`,
 * 403 `forbidden`, 403 `password-change-required` (the user must set a new password first:
 * only `GET /api/auth/me`, `POST /api/auth/password` and `POST /api/auth/logout` work until
 * then), 404 `not-found`, 409 `conflict`, 429 `rate-limited` (with `Retry-After`, s), 500 `internal`, 503 `unavailable` (the analytics
 * worker is not running).
 *
 * Everything a user reads or writes is limited to their org unit and its subtree.
 */

export type ApiErrorCode = 'bad-request' | 'unauthenticated' | 'forbidden' | 'password-change-required' | 'not-found' | 'conflict' | 'rate-limited' | 'unavailable' | 'internal';
export interface ApiErrorBody {
  error: { code: ApiErrorCode; message: string };
}

/** Name of the session cookie. */
export const SESSION_COOKIE = 'argus_session';

/** C0/C1 control characters, bidirectional overrides and isolates, lone surrogates: never in a name. */
const UNSAFE_TEXT = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const text = (max: number) =>
  z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(max)
    .refine((value) => !UNSAFE_TEXT.test(value), 'must not contain control or direction-override characters');
/** Ids chosen by an administrator: letters, digits, `_` and `-` (GB/T 28181 20-digit ids fit). */
export const entityId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 characters of A-Z a-z 0-9 _ -');
const orgUnitId = z.string().regex(/^\d{6}(\d{3})?$/, 'must be a 6-digit (province, city, county) or 9-digit (township) division code');
const gbId = z.string().regex(/^\d{20}$/, 'must be a 20-digit GB/T 28181 id');
const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD');

export const loginRequest = z.strictObject({ username: text(64), password: z.string().min(1).max(256) });
export type LoginRequest = z.infer<typeof loginRequest>;
/** `POST /api/auth/password`: a user changes their own password; their other sessions end. */
export const passwordChange = z.strictObject({ currentPassword: z.string().min(1).max(256), newPassword: z.string().min(10, 'must be at least 10 characters').max(256) });

export interface LoginResponse {
  /**
   * The session token, for clients without cookies (scripts, tools: requests without an
   * `Origin` header). Browsers get only the HttpOnly cookie, so page scripts never see it: null.
   */
  token: string | null;
  /** Epoch ms when the session ends unless logged out earlier. */
  expiresAt: number;
  user: User;
  permissions: Permission[];
  /**
   * The password was set by someone else (first start, an administrator): the user must choose
   * a new one (`POST /api/auth/password`) before anything else works.
   */
  mustChangePassword: boolean;
}
export type MeResponse = Omit<LoginResponse, 'token'>;

export const orgUnitCreate = z.strictObject({ id: orgUnitId, parentId: orgUnitId, level: z.enum(ORG_LEVELS), name: text(64) });
export const orgUnitUpdate = z.strictObject({ name: text(64) });

export const centreCreate = z.strictObject({ id: entityId, orgUnitId, name: text(64) });
export const centreUpdate = z.strictObject({ orgUnitId: orgUnitId.optional(), name: text(64).optional() });

export const deviceCreate = z.strictObject({
  id: entityId,
  orgUnitId,
  kind: z.enum(DEVICE_KINDS),
  name: text(128),
  gbDeviceId: gbId.nullable().optional(),
  manufacturer: text(64).nullable().optional(),
  model: text(64).nullable().optional(),
  /**
   * GB/T 28181 SIP digest password (§9.1.2.1), write-only: absent keeps the stored one, null clears it.
   * Printable ASCII without `"` or `\`: it travels into digest computations and devices' web forms.
   */
  sipPassword: z.string().min(1).max(128).regex(/^[\x20-\x21\x23-\x5b\x5d-\x7e]+$/, 'printable ASCII, without " or \\').nullable().optional(),
  /** GB/T 28181 media transport; null follows the platform's default. */
  gbStreamMode: z.enum(GB_STREAM_MODES).nullable().optional(),
});
export const deviceUpdate = deviceCreate.omit({ id: true, kind: true }).partial();

const rtspUrl = z.string().max(1024).refine((value) => {
  try {
    const url = new URL(value);
    return (url.protocol === 'rtsp:' || url.protocol === 'rtsps:') && url.hostname !== '' && url.username === '' && url.password === '';
  } catch {
    return false;
  }
}, 'must be an rtsp:// or rtsps:// URL with a host and without credentials (give username and password separately)');

/**
 * A channel's source as written. A PATCH with `source` replaces the whole source (an absent
 * `username` becomes none) except the password, which is write-only: absent keeps the stored
 * one while the URL names the same server (scheme, host, port), so it is never sent to a new
 * server it was not given for; null clears it.
 */
export const channelSourceInput = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('rtsp'), url: rtspUrl, username: z.string().max(128).nullable().optional(), password: z.string().max(256).nullable().optional() }),
  z.strictObject({ type: z.literal('gb28181'), gbChannelId: gbId }),
  z.strictObject({ type: z.literal('webrtc') }),
]);
export type ChannelSourceInput = z.infer<typeof channelSourceInput>;

export const channelCreate = z.strictObject({
  id: entityId,
  deviceId: entityId,
  /** Defaults to the device's org unit; must be inside the device's subtree. */
  orgUnitId: orgUnitId.optional(),
  name: text(128),
  source: channelSourceInput,
  ptz: z.boolean().default(false),
  enabled: z.boolean().default(true),
});
export const channelUpdate = z.strictObject({
  orgUnitId: orgUnitId.optional(),
  name: text(128).optional(),
  source: channelSourceInput.optional(),
  ptz: z.boolean().optional(),
  enabled: z.boolean().optional(),
});

/** Passwords: at least 10 characters. */
export const password = z.string().min(10, 'must be at least 10 characters').max(256);
/**
 * Roles of one user. Administration, audit and the business roles are separate duties
 * (三员分立): an admin or auditor account holds that one role only.
 */
const roles = z
  .array(z.enum(ROLES))
  .min(1, 'needs at least one role')
  .max(ROLES.length)
  .refine((r) => !((r.includes('admin') || r.includes('auditor')) && new Set(r).size > 1), 'admin and auditor are separate duties: such an account holds that one role only');
export const userCreate = z.strictObject({
  username: z.string().regex(/^[A-Za-z0-9._-]{3,64}$/, 'must be 3-64 characters of A-Z a-z 0-9 . _ -'),
  displayName: text(64),
  orgUnitId,
  roles,
  password,
});
export const userUpdate = z.strictObject({
  displayName: text(64).optional(),
  orgUnitId: orgUnitId.optional(),
  roles: roles.optional(),
  disabled: z.boolean().optional(),
  /** Setting a password ends the user's sessions. */
  password: password.optional(),
});

export const personCreate = z.strictObject({
  id: entityId,
  name: text(64),
  caseNumber: text(64),
  orgUnitId,
  supervisionStart: date,
  supervisionEnd: date,
  publicConsent: z.boolean().default(false),
});
export const personUpdate = personCreate.omit({ id: true }).partial();

/**
 * `GET /api/audit` and `GET /api/audit.csv` filters; `from` and `to` are epoch ms, both
 * inclusive; `before` pages back by id (entries with a smaller id).
 */
export const auditQuery = z.strictObject({
  from: z.coerce.number().int().nonnegative().optional(),
  to: z.coerce.number().int().nonnegative().optional(),
  userId: z.string().max(64).optional(),
  /** The username as recorded (case-insensitive), e.g. to find failed logins of a name. */
  username: z.string().max(64).optional(),
  action: z.string().max(32).optional(),
  targetType: z.string().max(32).optional(),
  targetId: z.string().max(64).optional(),
  before: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});
export type AuditQuery = z.infer<typeof auditQuery>;
/** `GET /api/audit.csv`: the same filters, up to 100,000 rows. */
export const auditExportQuery = auditQuery.extend({ limit: z.coerce.number().int().min(1).max(100_000).default(100_000) });
export interface AuditPage {
  entries: AuditEntry[];
  /** Pass as `before` for the next (older) page; null at the end. */
  nextBefore: number | null;
}

/** Response shapes of the list routes. */
export interface ApiLists {
  orgUnits: { orgUnits: OrgUnit[] };
  centres: { centres: CommandCentre[] };
  devices: { devices: Device[] };
  channels: { channels: Channel[] };
  users: { users: User[] };
  persons: { persons: SupervisedPerson[] };
}

/**
 * The routes, for documentation (README) and for the wall's client. `permission` is what the
 * caller needs besides a valid session; `body` and `query` name the schemas above.
 */
export const API_ROUTES = [
  { method: 'POST', path: '/api/auth/login', permission: null, body: 'loginRequest', returns: 'LoginResponse; sets the session cookie' },
  { method: 'POST', path: '/api/auth/logout', permission: null, returns: '204; ends the session, disconnects its walls' },
  { method: 'GET', path: '/api/auth/me', permission: null, returns: 'MeResponse' },
  { method: 'POST', path: '/api/auth/password', permission: null, body: 'passwordChange', returns: '204; ends your other sessions' },
  { method: 'GET', path: '/api/org-units', permission: null, returns: '{ orgUnits } (your subtree, root first)' },
  { method: 'POST', path: '/api/org-units', permission: 'admin.manage', body: 'orgUnitCreate', returns: '201 OrgUnit' },
  { method: 'PATCH', path: '/api/org-units/:id', permission: 'admin.manage', body: 'orgUnitUpdate', returns: 'OrgUnit' },
  { method: 'DELETE', path: '/api/org-units/:id', permission: 'admin.manage', returns: '204; 409 while it has children, centres, devices, channels, users or persons' },
  { method: 'GET', path: '/api/centres', permission: 'admin.manage', returns: '{ centres }' },
  { method: 'POST', path: '/api/centres', permission: 'admin.manage', body: 'centreCreate', returns: '201 CommandCentre' },
  { method: 'PATCH', path: '/api/centres/:id', permission: 'admin.manage', body: 'centreUpdate', returns: 'CommandCentre' },
  { method: 'DELETE', path: '/api/centres/:id', permission: 'admin.manage', returns: '204' },
  { method: 'GET', path: '/api/devices', permission: 'admin.manage', returns: '{ devices }' },
  { method: 'POST', path: '/api/devices', permission: 'admin.manage', body: 'deviceCreate', returns: '201 Device' },
  { method: 'PATCH', path: '/api/devices/:id', permission: 'admin.manage', body: 'deviceUpdate', returns: 'Device' },
  { method: 'DELETE', path: '/api/devices/:id', permission: 'admin.manage', returns: '204; its channels go too' },
  { method: 'GET', path: '/api/channels', permission: 'admin.manage', returns: '{ channels }' },
  { method: 'POST', path: '/api/channels', permission: 'admin.manage', body: 'channelCreate', returns: '201 Channel; ingest starts' },
  { method: 'PATCH', path: '/api/channels/:id', permission: 'admin.manage', body: 'channelUpdate', returns: 'Channel; ingest restarts if the source changed' },
  { method: 'DELETE', path: '/api/channels/:id', permission: 'admin.manage', returns: '204; ingest stops, walls drop it' },
  { method: 'GET', path: '/api/users', permission: 'admin.manage', returns: '{ users }' },
  { method: 'POST', path: '/api/users', permission: 'admin.manage', body: 'userCreate', returns: '201 User' },
  { method: 'PATCH', path: '/api/users/:id', permission: 'admin.manage', body: 'userUpdate', returns: 'User; a new password, new roles, a new org unit or disabling ends its sessions; not for auditor accounts' },
  { method: 'DELETE', path: '/api/users/:id', permission: 'admin.manage', returns: '204; ends its sessions (its audit rows stay); not for auditor accounts' },
  { method: 'GET', path: '/api/persons', permission: 'persons.manage', returns: '{ persons } (audited)' },
  { method: 'POST', path: '/api/persons', permission: 'persons.manage', body: 'personCreate', returns: '201 SupervisedPerson' },
  { method: 'PATCH', path: '/api/persons/:id', permission: 'persons.manage', body: 'personUpdate', returns: 'SupervisedPerson' },
  { method: 'DELETE', path: '/api/persons/:id', permission: 'persons.manage', returns: '204' },
  { method: 'GET', path: '/api/persons/:id/faces', permission: 'persons.manage', returns: '{ templates: FaceTemplate[] } (audited faces.read)' },
  { method: 'POST', path: '/api/persons/:id/faces', permission: 'persons.manage', body: 'faceEnrolInput', returns: 'FaceEnrolResult: each photo enrolled or refused with its reason (audited faces.enrol); 503 without an analytics worker' },
  { method: 'DELETE', path: '/api/persons/:id/faces/:templateId', permission: 'persons.manage', returns: '204 (audited faces.delete); the gallery forgets it at once' },
  { method: 'GET', path: '/api/persons/:id/faces/:templateId/photo', permission: 'persons.manage', returns: 'image/jpeg when photos are kept (audited snapshot.read)' },
  { method: 'GET', path: '/api/channels/:id/analytics', permission: 'analytics.configure', returns: 'ChannelAnalytics (sign-in point, behaviour rules)' },
  { method: 'PUT', path: '/api/channels/:id/analytics', permission: 'analytics.configure', body: 'channelAnalyticsInput', returns: 'ChannelAnalytics (audited analytics.configure); the worker picks it up at once' },
  { method: 'GET', path: '/api/sign-ins', permission: 'signins.read', query: 'signInQuery', returns: '{ signIns: SignInRecord[] } of persons in your area, newest first (audited signins.read)' },
  { method: 'GET', path: '/api/sign-ins/:id/snapshot', permission: 'signins.read', returns: 'image/jpeg face crop (audited snapshot.read)' },
  { method: 'GET', path: '/api/alerts', permission: 'alerts.handle', query: 'alertQuery', returns: '{ alerts: BehaviourAlert[] } of cameras in your area, newest first' },
  { method: 'GET', path: '/api/alerts/:id/snapshot', permission: 'alerts.handle', returns: 'image/jpeg frame of the alert (audited snapshot.read)' },
  { method: 'POST', path: '/api/alerts/:id/ack', permission: 'alerts.handle', returns: 'BehaviourAlert, acknowledged (audited alert.ack); every wall gets alertAcknowledged' },
  { method: 'GET', path: '/api/analytics/status', permission: 'alerts.handle', returns: 'AnalyticsStatus: workers, analysed cameras, gallery size' },
  { method: 'GET', path: '/api/audit', permission: 'audit.read', query: 'auditQuery', returns: 'AuditPage, newest first' },
  { method: 'GET', path: '/api/audit.csv', permission: 'audit.read', query: 'auditQuery (limit up to 100000)', returns: 'text/csv (UTF-8 with BOM); the export is itself audited' },
] as const;
