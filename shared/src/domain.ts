/**
 * The domain as stored and as the HTTP API returns it: the province's org tree, command
 * centres, devices and their channels, users and roles, supervised persons, live views and
 * the audit log. Times are epoch milliseconds (UTC) unless a field says otherwise.
 */

/** Levels of the province's org tree, top down (province → 14 cities → counties → townships). */
export const ORG_LEVELS = ['province', 'city', 'county', 'township'] as const;
export type OrgLevel = (typeof ORG_LEVELS)[number];

/**
 * A node of the org tree. `id` is an administrative-division style code (GB/T 2260 shape:
 * 6 digits for province, city and county, 9 for a township), stable for the node's life.
 */
export interface OrgUnit {
  id: string;
  /** null only for the root (the province). */
  parentId: string | null;
  level: OrgLevel;
  name: string;
}

/** A command centre (指挥中心); centres sit at province, city and county nodes. */
export interface CommandCentre {
  id: string;
  orgUnitId: string;
  name: string;
}

/**
 * Kinds of device:
 * - `venue-camera`: a fixed camera in a corrections office (RTSP);
 * - `body-worn`: an officer's body-worn camera;
 * - `vehicle`: a vehicle unit;
 * - `gb28181`: a GB/T 28181 device or lower platform (Skynet, Sharp Eyes);
 * - `webrtc-publisher`: a browser or app publishing over WebRTC/WHIP (roll-call phones).
 */
export const DEVICE_KINDS = ['venue-camera', 'body-worn', 'vehicle', 'gb28181', 'webrtc-publisher'] as const;
export type DeviceKind = (typeof DEVICE_KINDS)[number];

export interface Device {
  id: string;
  orgUnitId: string;
  kind: DeviceKind;
  name: string;
  /** 20-digit GB/T 28181 device ID (GB/T 28181-2016 Appendix D), for `gb28181` devices; else null. */
  gbDeviceId: string | null;
  manufacturer: string | null;
  model: string | null;
  createdAt: number;
  /** A SIP digest password is set (GB/T 28181-2016 §9.1.2.1); the password itself is write-only, never returned. */
  hasSipPassword: boolean;
  /** Registered and keeping alive (GB/T 28181-2016 §9.1, §9.6); always false for kinds without signalling. */
  online: boolean;
  /** Last REGISTER or keepalive, epoch ms; null when never seen. */
  lastSeenAt: number | null;
  /**
   * How a `gb28181` device sends live media (GB/T 28181-2016 Appendix G): `udp`, `tcp-passive`
   * (the device connects to us) or `tcp-active` (we connect to it); null follows the platform's
   * configured default.
   */
  gbStreamMode: GbStreamMode | null;
}

/** GB/T 28181 media transports (RTP over UDP, or RFC 4571 over TCP with either side connecting). */
export const GB_STREAM_MODES = ['udp', 'tcp-passive', 'tcp-active'] as const;
export type GbStreamMode = (typeof GB_STREAM_MODES)[number];

/**
 * Where a channel's media comes from. RTSP credentials are stored but never returned by the
 * API or sent to walls: `hasPassword` says whether one is set.
 */
export type ChannelSource =
  | { type: 'rtsp'; url: string; username: string | null; hasPassword: boolean }
  | { type: 'gb28181'; gbChannelId: string }
  | { type: 'webrtc' };

/** One video channel of a device; what a wall tile shows. `id` is the wall's camera id. */
export interface Channel {
  id: string;
  deviceId: string;
  /** The org unit that owns this channel; scoping is decided on it. Defaults to the device's. */
  orgUnitId: string;
  name: string;
  source: ChannelSource;
  ptz: boolean;
  /** Disabled channels are not ingested and not listed on walls. */
  enabled: boolean;
}

/** Roles. One user holds one or more. */
export const ROLES = ['admin', 'operator', 'supervisor', 'presenter', 'auditor'] as const;
export type Role = (typeof ROLES)[number];

/**
 * What each role may do. Duties are separated (三员分立): administrators configure but do not
 * watch video or read the audit log; auditors read the audit log and nothing else.
 * Everything is further limited to the user's org unit and its subtree.
 */
export const PERMISSIONS = {
  /** List and watch live channels on the wall. */
  'wall.view': ['operator', 'supervisor', 'presenter'],
  /** Manage org units, centres, devices, channels and users. */
  'admin.manage': ['admin'],
  /** Read and export the audit log. */
  'audit.read': ['auditor'],
  /** Read and manage supervised persons (sensitive personal data). */
  'persons.manage': ['supervisor'],
  /** See contactless sign-ins (and their snapshots) of supervised persons in their area. */
  'signins.read': ['operator', 'supervisor'],
  /** Receive, view and acknowledge behaviour alerts of cameras in their area. */
  'alerts.handle': ['operator', 'supervisor'],
  /** Draw behaviour rules and mark sign-in points on cameras in their area. */
  'analytics.configure': ['operator', 'supervisor'],
} as const satisfies Record<string, readonly Role[]>;
export type Permission = keyof typeof PERMISSIONS;

/** The permissions that `roles` grant together. */
export function permissionsOf(roles: readonly Role[]): Permission[] {
  return (Object.keys(PERMISSIONS) as Permission[]).filter((permission) =>
    (PERMISSIONS[permission] as readonly Role[]).some((role) => roles.includes(role)),
  );
}

export interface User {
  id: string;
  username: string;
  displayName: string;
  orgUnitId: string;
  roles: Role[];
  disabled: boolean;
  /** The password was set by someone else (first start, an administrator) and must be changed at the next login. */
  mustChangePassword: boolean;
  createdAt: number;
  lastLoginAt: number | null;
}

/** A person serving a community-corrections sentence (社区矫正对象). Sensitive personal data. */
export interface SupervisedPerson {
  id: string;
  name: string;
  caseNumber: string;
  orgUnitId: string;
  /** Calendar dates, `YYYY-MM-DD`. */
  supervisionStart: string;
  supervisionEnd: string;
  /** Consent to appear unredacted on public livestreams; without it the face is blurred. */
  publicConsent: boolean;
}

/** One live view: a user watching a channel from a consume until the consumer closed. */
export interface LiveView {
  id: number;
  userId: string;
  channelId: string;
  startedAt: number;
  /** null while the view is open. */
  endedAt: number | null;
  /** Why it ended: `closed` (tile switched or cleared), `disconnected`, `camera-lost`, `server-restart`, ... */
  endReason: string | null;
}

/** Outcome of an audited action. */
export type AuditOutcome = 'ok' | 'denied' | 'failed';

/**
 * Audited actions:
 * - `auth.login`, `auth.login-failed` (detail.reason: `unknown-user`, `wrong-password`, `disabled`, `rate-limited`), `auth.logout`, `auth.password-change` (a user's own);
 * - `view.start`, `view.stop`, `view.denied`; `access.denied` (an API route the user's roles do not allow);
 * - `admin.create`, `admin.update`, `admin.delete` (target type names the entity);
 * - `audit.export`; `persons.read`;
 * - `faces.enrol`, `faces.read`, `faces.delete` (a person's face templates), `faces.match` (the
 *   analytics worker matched a supervised person: a sign-in), `signins.read`, `snapshot.read`
 *   (a sign-in, alert or enrolment picture was viewed), `alert.raise`, `alert.ack`,
 *   `analytics.configure` (rules or sign-in point of a camera), `retention.purge`.
 */
export type AuditAction =
  | 'auth.login'
  | 'auth.login-failed'
  | 'auth.logout'
  | 'auth.password-change'
  | 'view.start'
  | 'view.stop'
  | 'view.denied'
  | 'access.denied'
  | 'admin.create'
  | 'admin.update'
  | 'admin.delete'
  | 'audit.export'
  | 'persons.read'
  | 'faces.enrol'
  | 'faces.read'
  | 'faces.delete'
  | 'faces.match'
  | 'signins.read'
  | 'snapshot.read'
  | 'alert.raise'
  | 'alert.ack'
  | 'analytics.configure'
  | 'retention.purge';

/** One append-only audit row. */
export interface AuditEntry {
  /** Increasing sequence number. */
  id: number;
  at: number;
  /** The acting user, or null (e.g. a failed login of an unknown user, the server itself). */
  userId: string | null;
  /** Username as typed or as it was at the time (kept even if the user is deleted later). */
  username: string | null;
  action: AuditAction;
  /** e.g. `channel`, `user`, `org-unit`, `centre`, `device`, `session`, `person`. */
  targetType: string | null;
  targetId: string | null;
  /** The org unit the target belongs to, for scoping audit queries. */
  orgUnitId: string | null;
  /** Client address (IP) where known. */
  address: string | null;
  outcome: AuditOutcome;
  /** Action-specific details, e.g. `{ durationMs }` for `view.stop`, `{ reason }` for failures. */
  detail: Record<string, unknown>;
}
