import { describe, expect, it, vi } from 'vitest';
import { API_ROUTES } from '@argus/shared';
import { ApiClient, toQueryString } from '../../desktop/src/renderer/api/apiClient.js';
import { ApiError, apiErrorFromResponse, parseRetryAfter, toApiError } from '../../desktop/src/renderer/api/apiError.js';

interface Sent {
  url: string;
  init: RequestInit;
}

/** An ApiClient whose fetch records each request and answers with `respond`. */
function clientAnswering(respond: (sent: Sent) => Response | Promise<Response>) {
  const sent: Sent[] = [];
  const client = new ApiClient({
    fetch: async (url, init) => {
      const request = { url, init };
      sent.push(request);
      return respond(request);
    },
  });
  return { client, sent };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json; charset=utf-8', ...headers } });

describe('ApiError from responses', () => {
  it('takes code and message from the error body', () => {
    const error = apiErrorFromResponse(409, { error: { code: 'conflict', message: 'org unit 370100 has children' } }, null);
    expect(error).toBeInstanceOf(ApiError);
    expect([error.code, error.status, error.message, error.retryAfter]).toEqual(['conflict', 409, 'org unit 370100 has children', null]);
  });

  it('derives the code from the status when the body has none (a proxy answering for a stopped server)', () => {
    expect(apiErrorFromResponse(502, null, null).code).toBe('unreachable');
    expect(apiErrorFromResponse(504, null, null).code).toBe('unreachable');
    expect(apiErrorFromResponse(404, null, null).code).toBe('not-found');
    expect(apiErrorFromResponse(418, { error: { code: 'teapot', message: 'x' } }, null).code).toBe('internal');
  });

  it('reads Retry-After as seconds or as an HTTP date, for 429 only', () => {
    expect(parseRetryAfter('30')).toBe(30);
    expect(parseRetryAfter(new Date(1_000_000 + 12_500).toUTCString(), 1_000_000)).toBe(12);
    expect(parseRetryAfter('soon')).toBeNull();
    expect(parseRetryAfter(null)).toBeNull();
    expect(apiErrorFromResponse(429, { error: { code: 'rate-limited', message: 'slow down' } }, '17').retryAfter).toBe(17);
    expect(apiErrorFromResponse(400, { error: { code: 'bad-request', message: 'x' } }, '17').retryAfter).toBeNull();
  });

  it('wraps anything else thrown as internal', () => {
    const error = toApiError(new Error('boom'));
    expect([error.code, error.message]).toEqual(['internal', 'boom']);
  });
});

describe('ApiClient', () => {
  it('sends JSON bodies with the cookie (same origin) and parses JSON answers', async () => {
    const { client, sent } = clientAnswering(() => json(201, { id: 'c1', orgUnitId: '370000', name: '省指挥中心' }));
    const centre = await client.createCentre({ id: 'c1', orgUnitId: '370000', name: '省指挥中心' });
    expect(centre.name).toBe('省指挥中心');
    expect(sent[0]!.url).toBe('/api/centres');
    expect(sent[0]!.init.method).toBe('POST');
    expect(sent[0]!.init.credentials).toBe('same-origin');
    expect((sent[0]!.init.headers as Record<string, string>)['content-type']).toBe('application/json');
    expect(JSON.parse(sent[0]!.init.body as string)).toEqual({ id: 'c1', orgUnitId: '370000', name: '省指挥中心' });
  });

  it('sends no body and no content type on GET, and unwraps list answers', async () => {
    const { client, sent } = clientAnswering(() => json(200, { users: [{ id: 'u1' }] }));
    expect(await client.listUsers()).toEqual([{ id: 'u1' }]);
    expect(sent[0]!.init.body).toBeUndefined();
    expect((sent[0]!.init.headers as Record<string, string>)['content-type']).toBeUndefined();
  });

  it('answers 204 with undefined and encodes ids in paths', async () => {
    const { client, sent } = clientAnswering(() => new Response(null, { status: 204 }));
    await expect(client.deleteUser('a/b c')).resolves.toBeUndefined();
    expect(sent[0]!.url).toBe('/api/users/a%2Fb%20c');
    expect(sent[0]!.init.method).toBe('DELETE');
  });

  it('throws the server error as an ApiError with code, status and the wait of a 429', async () => {
    const { client } = clientAnswering(() => json(429, { error: { code: 'rate-limited', message: 'too many attempts' } }, { 'retry-after': '42' }));
    const error = await client.login({ username: 'zhang', password: 'wrong' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ code: 'rate-limited', status: 429, message: 'too many attempts', retryAfter: 42 });
  });

  it('reports a server that does not answer as unreachable, and a non-JSON answer as bad-response', async () => {
    const down = clientAnswering(() => Promise.reject(new TypeError('Failed to fetch')));
    await expect(down.client.me()).rejects.toMatchObject({ code: 'unreachable', status: 0 });
    const html = clientAnswering(() => new Response('<!doctype html>', { status: 200, headers: { 'content-type': 'text/html' } }));
    await expect(html.client.listOrgUnits()).rejects.toMatchObject({ code: 'bad-response' });
  });

  it('tells the app about a 401 on routes that need a session, but not on login, me or logout', async () => {
    const { client } = clientAnswering(() => json(401, { error: { code: 'unauthenticated', message: 'no session' } }));
    const onUnauthenticated = vi.fn();
    client.onUnauthenticated = onUnauthenticated;
    await expect(client.login({ username: 'zhang', password: 'wrong' })).rejects.toMatchObject({ code: 'unauthenticated' });
    await expect(client.me()).rejects.toMatchObject({ code: 'unauthenticated' });
    await expect(client.logout()).resolves.toBeUndefined();
    expect(onUnauthenticated).not.toHaveBeenCalled();
    await expect(client.listDevices()).rejects.toMatchObject({ code: 'unauthenticated' });
    expect(onUnauthenticated).toHaveBeenCalledTimes(1);
  });

  it('tells the app when the server wants a new password first, and sends the change', async () => {
    const { client, sent } = clientAnswering(({ url }) =>
      url.endsWith('/api/auth/password') ? new Response(null, { status: 204 }) : json(403, { error: { code: 'password-change-required', message: 'set a new password first' } }),
    );
    const onPasswordChangeRequired = vi.fn();
    const onUnauthenticated = vi.fn();
    client.onPasswordChangeRequired = onPasswordChangeRequired;
    client.onUnauthenticated = onUnauthenticated;
    await expect(client.listUsers()).rejects.toMatchObject({ code: 'password-change-required', status: 403, message: 'set a new password first' });
    expect(onPasswordChangeRequired).toHaveBeenCalledTimes(1);
    await expect(client.changePassword({ currentPassword: 'old-one', newPassword: 'a-new-password' })).resolves.toBeUndefined();
    expect(sent[1]!.init.method).toBe('POST');
    expect(JSON.parse(String(sent[1]!.init.body))).toEqual({ currentPassword: 'old-one', newPassword: 'a-new-password' });
    expect(onUnauthenticated).not.toHaveBeenCalled();
    // A plain 403 stays forbidden.
    expect(apiErrorFromResponse(403, null, null).code).toBe('forbidden');
  });

  it('builds audit queries and a CSV link with the same filters but without paging', async () => {
    const { client, sent } = clientAnswering(() => json(200, { entries: [], nextBefore: null }));
    await client.audit({ from: 1000, userId: 'u 1', action: 'view.start', before: 77, limit: 50 });
    expect(sent[0]!.url).toBe('/api/audit?from=1000&userId=u+1&action=view.start&before=77&limit=50');
    expect(client.auditCsvUrl({ from: 1000, userId: 'u 1', action: 'view.start', before: 77, limit: 50 })).toBe('/api/audit.csv?from=1000&userId=u+1&action=view.start');
    expect(client.auditCsvUrl({})).toBe('/api/audit.csv');
    expect(client.auditCsvUrl({ username: 'Zhang San', action: 'auth.login-failed' })).toBe('/api/audit.csv?username=Zhang+San&action=auth.login-failed');
  });

  it('leaves empty values out of query strings', () => {
    expect(toQueryString({ a: 1, b: '', c: undefined, d: null, e: 'x' })).toBe('?a=1&e=x');
    expect(toQueryString({})).toBe('');
  });

  it('has a method for every route of API_ROUTES', async () => {
    const { client, sent } = clientAnswering(({ url }) =>
      url.endsWith('.csv') ? new Response('', { status: 200 }) : json(200, { orgUnits: [], centres: [], devices: [], channels: [], users: [], persons: [], entries: [], nextBefore: null, templates: [], signIns: [], alerts: [] }),
    );
    const id = 'x1';
    await client.login({ username: 'a', password: 'b' });
    await client.logout();
    await client.me();
    await client.changePassword({ currentPassword: 'old', newPassword: '0123456789' });
    await client.listOrgUnits();
    await client.createOrgUnit({ id: '370100', parentId: '370000', level: 'city', name: 'n' });
    await client.updateOrgUnit(id, { name: 'n' });
    await client.deleteOrgUnit(id);
    await client.listCentres();
    await client.createCentre({ id, orgUnitId: '370000', name: 'n' });
    await client.updateCentre(id, { name: 'n' });
    await client.deleteCentre(id);
    await client.listDevices();
    await client.createDevice({ id, orgUnitId: '370000', kind: 'venue-camera', name: 'n' });
    await client.updateDevice(id, { name: 'n' });
    await client.deleteDevice(id);
    await client.listChannels();
    await client.createChannel({ id, deviceId: id, name: 'n', source: { type: 'webrtc' } });
    await client.updateChannel(id, { name: 'n' });
    await client.deleteChannel(id);
    await client.listUsers();
    await client.createUser({ username: 'abc', displayName: 'n', orgUnitId: '370000', roles: ['operator'], password: '0123456789' });
    await client.updateUser(id, { disabled: true });
    await client.deleteUser(id);
    await client.listPersons();
    await client.createPerson({ id, name: 'n', caseNumber: 'c', orgUnitId: '370000', supervisionStart: '2024-01-01', supervisionEnd: '2025-01-01' });
    await client.updatePerson(id, { name: 'n' });
    await client.deletePerson(id);
    await client.listFaces(id);
    await client.enrolFaces(id, { photos: [{ name: 'a.jpg', data: 'AAAAAAAAAAAAAAAAAAAA' }] });
    await client.deleteFace(id, 't1');
    await client.channelAnalytics(id);
    await client.saveChannelAnalytics(id, { signIn: true, rules: [] });
    await client.analyticsStatus();
    await client.listSignIns({ day: '2026-01-01' });
    await client.listAlerts({ open: true });
    await client.acknowledgeAlert(7);
    await client.audit({});
    const route = (url: string) => new URL(url, 'http://wall').pathname.replace(`/${id}`, '/:id').replace('/t1', '/:templateId').replace('/7', '/:id');
    // The CSV and the pictures are links, not fetches: check their paths the way the others are checked.
    const links = [client.auditCsvUrl({}), client.facePhotoUrl(id, 't1'), client.signInSnapshotUrl(7), client.alertSnapshotUrl(7)];
    const called = new Set([...sent.map((s) => `${s.init.method} ${route(s.url)}`), ...links.map((url) => `GET ${route(url)}`)]);
    expect(new Set(API_ROUTES.map((r) => `${r.method} ${r.path}`))).toEqual(called);
  });
});
