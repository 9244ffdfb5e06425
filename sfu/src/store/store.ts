import type {
  AuditAction,
  AuditEntry,
  AuditOutcome,
  AuditPage,
  BehaviourAlert,
  BehaviourRule,
  Channel,
  ChannelAnalytics,
  ChannelAnalyticsInput,
  ChannelSourceInput,
  CommandCentre,
  Device,
  DeviceKind,
  FaceTemplate,
  GbStreamMode,
  LiveView,
  OrgUnit,
  Role,
  SignInRecord,
  SupervisedPerson,
  User,
} from '@argus/shared';

/**
 * The data-access layer: what the rest of Argus may ask of the store. Callers see only these
 * interfaces and the domain types, never SQL; the embedded default is SQLite
 * (./sqlite/sqliteStore.ts) and another engine can implement the same interfaces. Every method
 * is async so a networked engine fits.
 *
 * Every administrative change takes the acting {@link Actor} and writes its audit row in the
 * same transaction as the change: a change is never stored without its audit row.
 *
 * Errors: {@link NotFoundError} for an unknown id, {@link ConflictError} for a duplicate id or
 * username, or a delete blocked by what still refers to the row.
 */

/** Who is acting, for the audit log. `userId` null means the server itself (seed, import, recovery). */
export interface Actor {
  userId: string | null;
  username: string | null;
  address: string | null;
}

/** The server itself as an actor (seed, config import, crash recovery). */
export const SYSTEM_ACTOR: Actor = { userId: null, username: 'system', address: null };

export class StoreError extends Error {
  override readonly name: string = 'StoreError';
}
/** The row does not exist. */
export class NotFoundError extends StoreError {
  override readonly name = 'NotFoundError';
}
/** A duplicate id or name, or a delete that rows still refer to. */
export class ConflictError extends StoreError {
  override readonly name = 'ConflictError';
}

export interface OrgUnitRepository {
  /** Every org unit, parents before children. */
  list(): Promise<OrgUnit[]>;
  get(id: string): Promise<OrgUnit | null>;
  /** @throws NotFoundError for an unknown parent; ConflictError for a duplicate id. */
  create(unit: OrgUnit, by: Actor): Promise<OrgUnit>;
  rename(id: string, name: string, by: Actor): Promise<OrgUnit>;
  /** @throws ConflictError while children, centres, devices, channels, users or persons refer to it. */
  delete(id: string, by: Actor): Promise<void>;
}

export interface CentreRepository {
  list(): Promise<CommandCentre[]>;
  get(id: string): Promise<CommandCentre | null>;
  create(centre: CommandCentre, by: Actor): Promise<CommandCentre>;
  update(id: string, patch: Partial<Omit<CommandCentre, 'id'>>, by: Actor): Promise<CommandCentre>;
  delete(id: string, by: Actor): Promise<void>;
}

export interface DeviceInput {
  id: string;
  orgUnitId: string;
  kind: DeviceKind;
  name: string;
  gbDeviceId?: string | null;
  manufacturer?: string | null;
  model?: string | null;
  /**
   * GB/T 28181 SIP digest password (§9.1.2.1). Write-only: never returned (`Device.hasSipPassword`
   * says whether one is set) and never audited. On update: absent keeps the stored one, null clears it.
   */
  sipPassword?: string | null;
  /** GB/T 28181 media transport; null or absent follows the platform's default. */
  gbStreamMode?: GbStreamMode | null;
}

/** Where a GB/T 28181 device was last seen on the wire: replies and requests go there (RFC 3581 §4), not to its Contact. */
export interface SipContact {
  transport: 'udp' | 'tcp';
  /** Source IP address as seen by the socket. */
  address: string;
  /** Source port as seen by the socket. */
  port: number;
}

/** A device's signalling presence (GB/T 28181-2016 §9.1 registration, §9.6 keepalive). */
export interface DevicePresence {
  online: boolean;
  /** Epoch ms of the REGISTER or keepalive that set it; becomes `lastSeenAt` (kept when going offline). */
  at: number;
  /** Where it was seen; null keeps the stored contact. */
  contact: SipContact | null;
}

export interface DeviceRepository {
  list(): Promise<Device[]>;
  get(id: string): Promise<Device | null>;
  /** The device with this 20-digit GB/T 28181 device ID, or null. */
  findByGbId(gbDeviceId: string): Promise<Device | null>;
  /** The SIP digest password of a device, for REGISTER verification only; null when none is set or the device is unknown. */
  sipSecret(id: string): Promise<string | null>;
  /** The last contact recorded by {@link DeviceRepository.setPresence}, or null. */
  sipContact(id: string): Promise<SipContact | null>;
  /**
   * Record presence (online flag, last seen, contact). Not an administrative change: no audit row.
   * `lastSeenAt` becomes `at` when going online, and is kept when going offline.
   * @throws NotFoundError for an unknown id
   */
  setPresence(id: string, presence: DevicePresence): Promise<Device>;
  create(device: DeviceInput, by: Actor): Promise<Device>;
  update(id: string, patch: Partial<Omit<DeviceInput, 'id' | 'kind'>>, by: Actor): Promise<Device>;
  /** Deletes its channels too. */
  delete(id: string, by: Actor): Promise<void>;
}

export interface ChannelInput {
  id: string;
  deviceId: string;
  orgUnitId?: string;
  name: string;
  source: ChannelSourceInput;
  ptz?: boolean;
  enabled?: boolean;
}

/** RTSP connection details of a channel, credentials included: for ingest only, never for clients. */
export interface RtspSecret {
  url: string;
  username: string | null;
  password: string | null;
}

export interface ChannelRepository {
  list(): Promise<Channel[]>;
  get(id: string): Promise<Channel | null>;
  /** The RTSP URL and credentials of an `rtsp` channel, or null. */
  rtspSecret(id: string): Promise<RtspSecret | null>;
  /** The RTSP URL and credentials of every `rtsp` channel, by channel id, in one read (for ingest). */
  rtspSecrets(): Promise<Map<string, RtspSecret>>;
  create(channel: ChannelInput, by: Actor): Promise<Channel>;
  /** `source.password`: absent keeps the stored one, null clears it. */
  update(id: string, patch: Partial<Omit<ChannelInput, 'id' | 'deviceId'>>, by: Actor): Promise<Channel>;
  delete(id: string, by: Actor): Promise<void>;
}

export interface UserInput {
  username: string;
  displayName: string;
  orgUnitId: string;
  roles: Role[];
  /** An encoded password hash (the store never sees passwords). */
  passwordHash: string;
  /** The password was set by someone else: its user must change it at the next login. */
  mustChangePassword?: boolean;
}

export interface UserRepository {
  list(): Promise<User[]>;
  get(id: string): Promise<User | null>;
  /** The user and its password hash, by username (case-insensitive), for login. */
  findForLogin(username: string): Promise<{ user: User; passwordHash: string } | null>;
  /** @throws ConflictError for a username in use. */
  create(user: UserInput, by: Actor): Promise<User>;
  update(id: string, patch: Partial<Omit<UserInput, 'username'>> & { disabled?: boolean }, by: Actor): Promise<User>;
  delete(id: string, by: Actor): Promise<void>;
  recordLogin(id: string, at: number): Promise<void>;
  /** A user's own password change: new hash, no longer `mustChangePassword`, audited as `auth.password-change`. */
  changeOwnPassword(id: string, passwordHash: string, by: Actor): Promise<void>;
}

export interface SessionRecord {
  id: string;
  userId: string;
  createdAt: number;
  expiresAt: number;
  revokedAt: number | null;
  address: string | null;
}

export interface SessionRepository {
  create(session: Omit<SessionRecord, 'revokedAt'>): Promise<void>;
  get(id: string): Promise<SessionRecord | null>;
  /** Mark one session ended at `at`; a no-op when it already is. */
  revoke(id: string, at: number): Promise<void>;
  /** End every open session of a user (but `except`); returns their ids. */
  revokeAllForUser(userId: string, at: number, except?: string): Promise<string[]>;
  /** Delete sessions that expired before `before` (housekeeping). Returns how many. */
  purgeExpired(before: number): Promise<number>;
}

export interface PersonRepository {
  list(): Promise<SupervisedPerson[]>;
  get(id: string): Promise<SupervisedPerson | null>;
  create(person: SupervisedPerson, by: Actor): Promise<SupervisedPerson>;
  update(id: string, patch: Partial<Omit<SupervisedPerson, 'id'>>, by: Actor): Promise<SupervisedPerson>;
  delete(id: string, by: Actor): Promise<void>;
}

export interface ViewStart {
  userId: string;
  username: string;
  channelId: string;
  orgUnitId: string;
  address: string | null;
  at: number;
}

/**
 * Live views, with their audit rows (`view.start` / `view.stop`) written in the same
 * transaction. A view left open by a crash is closed by {@link LiveViewRepository.closeOrphans}.
 */
export interface LiveViewRepository {
  /** Open a view and audit its start. Returns the view id. */
  start(view: ViewStart): Promise<number>;
  /** Close an open view at `at` and audit the stop with its duration; a no-op when already closed. */
  end(id: number, at: number, reason: string): Promise<void>;
  /** Views still open (none are, outside a running server, after recovery). */
  open(): Promise<LiveView[]>;
  get(id: number): Promise<LiveView | null>;
  /**
   * Close every view left open by a previous run at `crashAt` (clamped to each view's start),
   * auditing each with reason `server-restart`. Returns the views closed.
   */
  closeOrphans(crashAt: number): Promise<LiveView[]>;
}

export interface AuditRecord {
  at: number;
  userId: string | null;
  username: string | null;
  action: AuditAction;
  targetType?: string | null;
  targetId?: string | null;
  orgUnitId?: string | null;
  address?: string | null;
  outcome?: AuditOutcome;
  detail?: Record<string, unknown>;
}

export interface AuditFilter {
  from?: number;
  to?: number;
  userId?: string;
  action?: string;
  targetType?: string;
  targetId?: string;
  /** Entries with id < before (paging back). */
  before?: number;
  limit: number;
  /** The username as recorded, case-insensitive. */
  username?: string;
  /** Only entries of these org units; null means every entry (province scope). */
  orgUnitIds: ReadonlySet<string> | null;
}

/** The append-only audit log: rows are added, never changed or removed (the schema enforces it). */
export interface AuditRepository {
  append(record: AuditRecord): Promise<number>;
  /** Newest first. */
  query(filter: AuditFilter): Promise<AuditPage>;
}

/** The server's own state: a heartbeat that marks when it was last known alive, and settings. */
export interface ServerStateRepository {
  /** Record that the server is alive at `at` (epoch ms). */
  beat(at: number): Promise<void>;
  /** The last heartbeat of a previous run, or null on a fresh store. */
  lastBeat(): Promise<number | null>;
  getSetting(key: string): Promise<string | null>;
  setSetting(key: string, value: string): Promise<void>;
}

/** Per-camera analytics settings (sign-in point, behaviour rules). */
export interface ChannelAnalyticsRepository {
  list(): Promise<ChannelAnalytics[]>;
  get(channelId: string): Promise<ChannelAnalytics | null>;
  /** Replace a camera's settings; audited `analytics.configure`. @throws NotFoundError for an unknown channel */
  set(channelId: string, input: ChannelAnalyticsInput, by: Actor): Promise<ChannelAnalytics>;
}

export interface FaceTemplateInput {
  personId: string;
  /** L2-normalised descriptor (1024 floats for Human's faceres). */
  descriptor: Float32Array;
  /** The enrolment photo (JPEG), or null when photos are not kept. */
  photo: Uint8Array | null;
  faceWidthPx: number;
  score: number;
}

/** Enrolled face descriptors of supervised persons (sensitive: every change audited). */
export interface FaceTemplateRepository {
  listForPerson(personId: string): Promise<FaceTemplate[]>;
  /** Every descriptor, for the matching gallery. */
  allDescriptors(): Promise<Array<{ templateId: string; personId: string; descriptor: Float32Array }>>;
  /** Add templates of one person in one transaction; audited `faces.enrol`. @throws NotFoundError for an unknown person */
  add(templates: FaceTemplateInput[], by: Actor): Promise<FaceTemplate[]>;
  /** Audited `faces.delete`. @throws NotFoundError */
  delete(personId: string, templateId: string, by: Actor): Promise<void>;
  photo(personId: string, templateId: string): Promise<Uint8Array | null>;
}

/** What a sign-in is recorded from: the record without what the store adds (id, the person's name and unit), with the snapshot. */
export type SignInInput = Omit<SignInRecord, 'id' | 'personName' | 'orgUnitId' | 'hasSnapshot'> & { snapshot: Uint8Array | null };

/** Contactless sign-ins: one per person, day and site. */
export interface SignInRepository {
  /**
   * Record a sign-in with its audit row (`faces.match`, by the server) in one transaction.
   * @returns the record, or null when the person already signed in that day at that site
   */
  record(input: SignInInput): Promise<SignInRecord | null>;
  /** Newest first; `orgUnitIds` null means every person. */
  list(filter: { day?: string; orgUnitIds: ReadonlySet<string> | null; limit: number }): Promise<SignInRecord[]>;
  get(id: number): Promise<SignInRecord | null>;
  snapshot(id: number): Promise<Uint8Array | null>;
}

export interface AlertInput {
  channelId: string;
  channelName: string;
  orgUnitId: string;
  rule: Pick<BehaviourRule, 'id' | 'kind' | 'name' | 'zone'>;
  at: number;
  detail: Record<string, unknown>;
  snapshot: Uint8Array | null;
}

/** Behaviour alerts. */
export interface AlertRepository {
  /** Record an alert with its audit row (`alert.raise`, by the server). */
  record(input: AlertInput): Promise<BehaviourAlert>;
  /** Newest first; `orgUnitIds` null means every camera. */
  list(filter: { open?: boolean; orgUnitIds: ReadonlySet<string> | null; limit: number }): Promise<BehaviourAlert[]>;
  get(id: number): Promise<BehaviourAlert | null>;
  snapshot(id: number): Promise<Uint8Array | null>;
  /** When the latest alert of a camera's rule was raised (epoch ms), or null. */
  lastAt(channelId: string, ruleId: string): Promise<number | null>;
  /** Acknowledge (idempotent: a second acknowledgement keeps the first); audited `alert.ack`. @throws NotFoundError */
  acknowledge(id: number, by: Actor): Promise<BehaviourAlert>;
}

/** What one retention pass deleted. */
export interface CapturePurge {
  unknownFaces: number;
  signInSnapshots: number;
  alertSnapshots: number;
}

/** Faces that matched nobody, and retention of every capture. */
export interface CaptureRepository {
  recordUnknownFace(channelId: string, at: number, snapshot: Uint8Array): Promise<number>;
  /**
   * Delete unknown faces captured before `unknownBefore` and the snapshots (not the records) of
   * sign-ins and alerts before `capturesBefore`, epoch ms; audited `retention.purge` when anything went.
   */
  purge(unknownBefore: number, capturesBefore: number): Promise<CapturePurge>;
  unknownFaceCount(): Promise<number>;
}

export interface Store {
  readonly orgUnits: OrgUnitRepository;
  readonly centres: CentreRepository;
  readonly devices: DeviceRepository;
  readonly channels: ChannelRepository;
  readonly users: UserRepository;
  readonly sessions: SessionRepository;
  readonly persons: PersonRepository;
  readonly views: LiveViewRepository;
  readonly audit: AuditRepository;
  readonly server: ServerStateRepository;
  readonly channelAnalytics: ChannelAnalyticsRepository;
  readonly faceTemplates: FaceTemplateRepository;
  readonly signIns: SignInRepository;
  readonly alerts: AlertRepository;
  readonly captures: CaptureRepository;
  /** Schema version after migrations. */
  readonly schemaVersion: number;
  close(): Promise<void>;
}
