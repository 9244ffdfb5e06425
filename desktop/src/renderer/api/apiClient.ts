import type {
  AnalyticsStatus,
  AuditPage,
  AuditQuery,
  BehaviourAlert,
  Channel,
  ChannelAnalytics,
  channelAnalyticsInput,
  CommandCentre,
  Device,
  FaceEnrolInput,
  FaceEnrolResult,
  FaceTemplate,
  LoginRequest,
  LoginResponse,
  MeResponse,
  OrgUnit,
  SignInRecord,
  SupervisedPerson,
  User,
  centreCreate,
  centreUpdate,
  channelCreate,
  channelUpdate,
  deviceCreate,
  deviceUpdate,
  orgUnitCreate,
  orgUnitUpdate,
  passwordChange,
  personCreate,
  personUpdate,
  userCreate,
  userUpdate,
} from '@argus/shared';
import { ApiError, apiErrorFromResponse } from './apiError.js';

/** What a request schema of shared/src/api.ts accepts (its zod input type: defaults may be left out). */
export type BodyOf<S> = S extends { _zod: { input: infer I } } ? I : never;

/** Filters of `GET /api/audit` and `GET /api/audit.csv`, as the wall sends them. */
export type AuditQueryInput = Partial<AuditQuery>;

type QueryValue = string | number | boolean | null | undefined;

/**
 * `?a=1&b=x` from `query`, leaving out undefined, null and empty values; '' when nothing is left.
 * Keys keep their order.
 */
export function toQueryString(query: Readonly<Record<string, QueryValue>>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue;
    params.append(key, String(value));
  }
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

interface CallOptions {
  body?: unknown;
  query?: Readonly<Record<string, QueryValue>>;
  /**
   * A 401 is the expected answer (login, the start-up session check, logout of an ended
   * session) rather than a sign that the session ended under us.
   */
  expectUnauthenticated?: boolean;
}

export interface ApiClientOptions {
  /** Defaults to the page's `fetch`. */
  fetch?: (input: string, init: RequestInit) => Promise<Response>;
  /** Prefix of every path; '' (same origin) by default. */
  baseUrl?: string;
}

/**
 * Typed client of the Argus HTTP API (shared/src/api.ts, `API_ROUTES`): JSON in and out, the
 * session cookie sent with every call (`credentials: 'same-origin'`), failures thrown as
 * {@link ApiError}. One method per route.
 */
export class ApiClient {
  /**
   * Called when a call that needs a session is answered 401: the session ended (expired,
   * revoked, logged out elsewhere). The app returns to its login page.
   */
  onUnauthenticated: (() => void) | null = null;
  /**
   * Called when a call is answered 403 `password-change-required`: the user must set a new
   * password before anything else works. The app shows its password page.
   */
  onPasswordChangeRequired: (() => void) | null = null;
  private readonly fetchImpl: (input: string, init: RequestInit) => Promise<Response>;
  private readonly baseUrl: string;

  constructor(options: ApiClientOptions = {}) {
    // Bound: the browser's fetch throws "Illegal invocation" when called as a method of another object.
    this.fetchImpl = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.baseUrl = options.baseUrl ?? '';
  }

  /** The URL of `path` with `query`, as a link would use it (same origin, so the cookie goes along). */
  url(path: string, query: Readonly<Record<string, QueryValue>> = {}): string {
    return `${this.baseUrl}${path}${toQueryString(query)}`;
  }

  /**
   * One call. Resolves with the parsed JSON body, or undefined for 204.
   * @throws ApiError: the server's `{ error: { code, message } }`, `unreachable` without an answer, `bad-response` for non-JSON.
   */
  async call<T>(method: Method, path: string, options: CallOptions = {}): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    const init: RequestInit = { method, headers, credentials: 'same-origin', cache: 'no-store' };
    if (options.body !== undefined) {
      headers['content-type'] = 'application/json';
      init.body = JSON.stringify(options.body);
    }
    let response: Response;
    try {
      response = await this.fetchImpl(this.url(path, options.query), init);
    } catch (error) {
      throw new ApiError('unreachable', 0, error instanceof Error ? error.message : String(error));
    }
    if (response.status === 204) return undefined as T;
    const text = await response.text().catch(() => '');
    let body: unknown = null;
    let parsed = false;
    if (text !== '' && (response.headers.get('content-type') ?? '').includes('json')) {
      try {
        body = JSON.parse(text);
        parsed = true;
      } catch {
        /* not JSON after all */
      }
    }
    if (!response.ok) {
      const error = apiErrorFromResponse(response.status, body, response.headers.get('retry-after'));
      if (error.code === 'unauthenticated' && !options.expectUnauthenticated) this.onUnauthenticated?.();
      if (error.code === 'password-change-required') this.onPasswordChangeRequired?.();
      throw error;
    }
    if (!parsed) throw new ApiError('bad-response', response.status, `${method} ${path}: the answer is not JSON`);
    return body as T;
  }

  // --- auth -------------------------------------------------------------------------------

  /** `POST /api/auth/login`: sets the session cookie. @throws ApiError `unauthenticated` for a wrong username or password, `rate-limited` with `retryAfter`. */
  login(body: LoginRequest): Promise<LoginResponse> {
    return this.call('POST', '/api/auth/login', { body, expectUnauthenticated: true });
  }

  /** `POST /api/auth/logout`: ends the session (an already ended one counts as logged out). */
  async logout(): Promise<void> {
    try {
      await this.call('POST', '/api/auth/logout', { expectUnauthenticated: true });
    } catch (error) {
      if (!(error instanceof ApiError && error.code === 'unauthenticated')) throw error;
    }
  }

  /** `GET /api/auth/me`: the session's user. @throws ApiError `unauthenticated` without a valid session. */
  me(): Promise<MeResponse> {
    return this.call('GET', '/api/auth/me', { expectUnauthenticated: true });
  }

  /**
   * `POST /api/auth/password`: the user sets a new password; their other sessions end, this
   * one stays. @throws ApiError `bad-request` worded by field (`currentPassword: the current
   * password is wrong`, `newPassword: must differ from the current password`, a new password
   * too short), `rate-limited` with `retryAfter` (wrong current passwords count as failed logins).
   */
  changePassword(body: BodyOf<typeof passwordChange>): Promise<void> {
    return this.call('POST', '/api/auth/password', { body });
  }

  // --- org units ----------------------------------------------------------------------------

  /** `GET /api/org-units`: the caller's subtree, root first. */
  async listOrgUnits(): Promise<OrgUnit[]> {
    return (await this.call<{ orgUnits: OrgUnit[] }>('GET', '/api/org-units')).orgUnits;
  }
  createOrgUnit(body: BodyOf<typeof orgUnitCreate>): Promise<OrgUnit> {
    return this.call('POST', '/api/org-units', { body });
  }
  updateOrgUnit(id: string, body: BodyOf<typeof orgUnitUpdate>): Promise<OrgUnit> {
    return this.call('PATCH', `/api/org-units/${encodeURIComponent(id)}`, { body });
  }
  /** @throws ApiError `conflict` while the unit still has children, centres, devices, channels, users or persons. */
  deleteOrgUnit(id: string): Promise<void> {
    return this.call('DELETE', `/api/org-units/${encodeURIComponent(id)}`);
  }

  // --- command centres ------------------------------------------------------------------------

  async listCentres(): Promise<CommandCentre[]> {
    return (await this.call<{ centres: CommandCentre[] }>('GET', '/api/centres')).centres;
  }
  createCentre(body: BodyOf<typeof centreCreate>): Promise<CommandCentre> {
    return this.call('POST', '/api/centres', { body });
  }
  updateCentre(id: string, body: BodyOf<typeof centreUpdate>): Promise<CommandCentre> {
    return this.call('PATCH', `/api/centres/${encodeURIComponent(id)}`, { body });
  }
  deleteCentre(id: string): Promise<void> {
    return this.call('DELETE', `/api/centres/${encodeURIComponent(id)}`);
  }

  // --- devices --------------------------------------------------------------------------------

  async listDevices(): Promise<Device[]> {
    return (await this.call<{ devices: Device[] }>('GET', '/api/devices')).devices;
  }
  createDevice(body: BodyOf<typeof deviceCreate>): Promise<Device> {
    return this.call('POST', '/api/devices', { body });
  }
  updateDevice(id: string, body: BodyOf<typeof deviceUpdate>): Promise<Device> {
    return this.call('PATCH', `/api/devices/${encodeURIComponent(id)}`, { body });
  }
  /** Deletes the device's channels too. */
  deleteDevice(id: string): Promise<void> {
    return this.call('DELETE', `/api/devices/${encodeURIComponent(id)}`);
  }

  // --- channels -------------------------------------------------------------------------------

  async listChannels(): Promise<Channel[]> {
    return (await this.call<{ channels: Channel[] }>('GET', '/api/channels')).channels;
  }
  createChannel(body: BodyOf<typeof channelCreate>): Promise<Channel> {
    return this.call('POST', '/api/channels', { body });
  }
  updateChannel(id: string, body: BodyOf<typeof channelUpdate>): Promise<Channel> {
    return this.call('PATCH', `/api/channels/${encodeURIComponent(id)}`, { body });
  }
  deleteChannel(id: string): Promise<void> {
    return this.call('DELETE', `/api/channels/${encodeURIComponent(id)}`);
  }

  // --- users ----------------------------------------------------------------------------------

  async listUsers(): Promise<User[]> {
    return (await this.call<{ users: User[] }>('GET', '/api/users')).users;
  }
  createUser(body: BodyOf<typeof userCreate>): Promise<User> {
    return this.call('POST', '/api/users', { body });
  }
  /** A new password, new roles, a new org unit or disabling ends the user's sessions. */
  updateUser(id: string, body: BodyOf<typeof userUpdate>): Promise<User> {
    return this.call('PATCH', `/api/users/${encodeURIComponent(id)}`, { body });
  }
  deleteUser(id: string): Promise<void> {
    return this.call('DELETE', `/api/users/${encodeURIComponent(id)}`);
  }

  // --- supervised persons ---------------------------------------------------------------------

  async listPersons(): Promise<SupervisedPerson[]> {
    return (await this.call<{ persons: SupervisedPerson[] }>('GET', '/api/persons')).persons;
  }
  createPerson(body: BodyOf<typeof personCreate>): Promise<SupervisedPerson> {
    return this.call('POST', '/api/persons', { body });
  }
  updatePerson(id: string, body: BodyOf<typeof personUpdate>): Promise<SupervisedPerson> {
    return this.call('PATCH', `/api/persons/${encodeURIComponent(id)}`, { body });
  }
  deletePerson(id: string): Promise<void> {
    return this.call('DELETE', `/api/persons/${encodeURIComponent(id)}`);
  }

  // --- face enrolment ------------------------------------------------------------------------

  /** `GET /api/persons/:id/faces`: the person's enrolled faces (audited). */
  async listFaces(personId: string): Promise<FaceTemplate[]> {
    return (await this.call<{ templates: FaceTemplate[] }>('GET', `/api/persons/${encodeURIComponent(personId)}/faces`)).templates;
  }
  /**
   * `POST /api/persons/:id/faces`: enrol 1-5 photos; each is enrolled or refused with its reason.
   * @throws ApiError `unavailable` (503) while no analytics worker runs, `bad-request` for a body the schema refuses.
   */
  enrolFaces(personId: string, body: FaceEnrolInput): Promise<FaceEnrolResult> {
    return this.call('POST', `/api/persons/${encodeURIComponent(personId)}/faces`, { body });
  }
  /** `DELETE /api/persons/:id/faces/:templateId`: the gallery forgets the face at once. */
  deleteFace(personId: string, templateId: string): Promise<void> {
    return this.call('DELETE', `/api/persons/${encodeURIComponent(personId)}/faces/${encodeURIComponent(templateId)}`);
  }
  /** The URL of an enrolment photo (`image/jpeg`, when photos are kept); each load is audited. */
  facePhotoUrl(personId: string, templateId: string): string {
    return this.url(`/api/persons/${encodeURIComponent(personId)}/faces/${encodeURIComponent(templateId)}/photo`);
  }

  // --- camera analytics -----------------------------------------------------------------------

  /** `GET /api/channels/:id/analytics`: the camera's sign-in point and behaviour rules. */
  channelAnalytics(channelId: string): Promise<ChannelAnalytics> {
    return this.call('GET', `/api/channels/${encodeURIComponent(channelId)}/analytics`);
  }
  /** `PUT /api/channels/:id/analytics`: replaces them. @throws ApiError `bad-request` worded by field (`rules[0].zone: …`). */
  saveChannelAnalytics(channelId: string, body: BodyOf<typeof channelAnalyticsInput>): Promise<ChannelAnalytics> {
    return this.call('PUT', `/api/channels/${encodeURIComponent(channelId)}/analytics`, { body });
  }
  /** `GET /api/analytics/status`: workers, analysed cameras, gallery size. */
  analyticsStatus(): Promise<AnalyticsStatus> {
    return this.call('GET', '/api/analytics/status');
  }

  // --- sign-ins and alerts --------------------------------------------------------------------

  /** `GET /api/sign-ins`: sign-ins of persons in the user's area, newest first (audited). */
  async listSignIns(query: { day?: string; limit?: number } = {}): Promise<SignInRecord[]> {
    return (await this.call<{ signIns: SignInRecord[] }>('GET', '/api/sign-ins', { query })).signIns;
  }
  /** The URL of a sign-in's face snapshot (`image/jpeg`); each load is audited, so it is loaded only when the operator opens it. */
  signInSnapshotUrl(id: number): string {
    return this.url(`/api/sign-ins/${id}/snapshot`);
  }
  /** `GET /api/alerts`: alerts of cameras in the user's area, newest first; `open` only the unacknowledged. */
  async listAlerts(query: { open?: boolean; limit?: number } = {}): Promise<BehaviourAlert[]> {
    return (await this.call<{ alerts: BehaviourAlert[] }>('GET', '/api/alerts', { query })).alerts;
  }
  /** The URL of an alert's snapshot (`image/jpeg`, the frame that raised it); each load is audited. */
  alertSnapshotUrl(id: number): string {
    return this.url(`/api/alerts/${id}/snapshot`);
  }
  /** `POST /api/alerts/:id/ack`: every wall then gets `alertAcknowledged`. */
  acknowledgeAlert(id: number): Promise<BehaviourAlert> {
    return this.call('POST', `/api/alerts/${id}/ack`);
  }

  // --- audit ----------------------------------------------------------------------------------

  /** `GET /api/audit`: one page, newest first; pass `nextBefore` as `before` for the next (older) page. */
  audit(query: AuditQueryInput): Promise<AuditPage> {
    return this.call('GET', '/api/audit', { query: { ...query } });
  }

  /**
   * The link that downloads `GET /api/audit.csv` with these filters (paging left out: the
   * export covers every match up to the server's limit). A plain anchor works: the cookie goes along.
   */
  auditCsvUrl(query: AuditQueryInput): string {
    const { before: _before, limit: _limit, ...filters } = query;
    return this.url('/api/audit.csv', filters);
  }
}

/** The wall's client, same origin as the page. */
export const api = new ApiClient();
