import {
  centreCreate,
  centreUpdate,
  channelCreate,
  channelUpdate,
  deviceCreate,
  deviceUpdate,
  orgUnitCreate,
  orgUnitUpdate,
  userCreate,
  userUpdate,
} from '@argus/shared';
import { hashPassword } from '../../auth/passwords.js';
import { actorOf, type Principal } from '../../auth/principal.js';
import { inScope } from '../../scope/scopeRules.js';
import { ApiError } from './apiError.js';
import { created, noContent, type ApiDeps, type ApiRouteTable } from './apiRouter.js';

/**
 * Admin routes for org units, command centres, devices, channels and users (see API_ROUTES in
 * shared/src/api.ts). Everything is limited to the administrator's subtree: reading, and both
 * the old and the new org unit of anything written. Every change is audited by the store in
 * the same transaction. Changes to org units and channels update ingest and walls at once.
 */
export function addAdminRoutes(api: ApiRouteTable, deps: ApiDeps): void {
  const { store, catalog } = deps;
  const admin = { permission: 'admin.manage' } as const;

  /** @throws ApiError forbidden when `orgUnitId` is outside the caller's subtree (or unknown). */
  const requireScope = (principal: Principal, orgUnitId: string, what: string) => {
    if (!inScope(catalog.tree, principal, orgUnitId)) throw new ApiError('forbidden', `${what} is outside your area`);
  };
  /** Load a row and check its org unit is in scope; out-of-scope rows answer not-found like missing ones. */
  const load = async <T extends { orgUnitId: string }>(principal: Principal, row: T | null, what: string): Promise<T> => {
    if (!row || !inScope(catalog.tree, principal, row.orgUnitId)) throw new ApiError('not-found', `${what} not found`);
    return row;
  };
  const id = (params: Record<string, string | undefined>) => params.id ?? '';

  // Org units: every logged-in user may read their subtree (the wall shows names and groups).
  api.route('GET', '/api/org-units', {}, async ({ principal }) => ({ orgUnits: catalog.tree.subtree(principal.user.orgUnitId) }));
  api.route('POST', '/api/org-units', { ...admin, body: orgUnitCreate }, async ({ principal, body }) => {
    requireScope(principal, body.parentId, `org unit ${body.parentId}`);
    const unit = await store.orgUnits.create(body, actorOf(principal));
    await catalog.refresh();
    return created(unit);
  });
  api.route('PATCH', '/api/org-units/:id', { ...admin, body: orgUnitUpdate }, async ({ principal, params, body }) => {
    const unit = catalog.tree.get(id(params));
    await load(principal, unit ? { ...unit, orgUnitId: unit.id } : null, `org unit ${id(params)}`);
    const renamed = await store.orgUnits.rename(id(params), body.name, actorOf(principal));
    await catalog.refresh();
    return renamed;
  });
  api.route('DELETE', '/api/org-units/:id', admin, async ({ principal, params }) => {
    const unit = catalog.tree.get(id(params));
    await load(principal, unit ? { ...unit, orgUnitId: unit.id } : null, `org unit ${id(params)}`);
    if (unit!.id === principal.user.orgUnitId) throw new ApiError('forbidden', 'you cannot delete your own org unit');
    await store.orgUnits.delete(unit!.id, actorOf(principal));
    await catalog.refresh();
    return noContent();
  });

  // Command centres.
  api.route('GET', '/api/centres', admin, async ({ principal }) => ({ centres: (await store.centres.list()).filter((c) => inScope(catalog.tree, principal, c.orgUnitId)) }));
  api.route('POST', '/api/centres', { ...admin, body: centreCreate }, async ({ principal, body }) => {
    requireScope(principal, body.orgUnitId, `org unit ${body.orgUnitId}`);
    return created(await store.centres.create(body, actorOf(principal)));
  });
  api.route('PATCH', '/api/centres/:id', { ...admin, body: centreUpdate }, async ({ principal, params, body }) => {
    await load(principal, await store.centres.get(id(params)), `centre ${id(params)}`);
    if (body.orgUnitId) requireScope(principal, body.orgUnitId, `org unit ${body.orgUnitId}`);
    return store.centres.update(id(params), body, actorOf(principal));
  });
  api.route('DELETE', '/api/centres/:id', admin, async ({ principal, params }) => {
    await load(principal, await store.centres.get(id(params)), `centre ${id(params)}`);
    await store.centres.delete(id(params), actorOf(principal));
    return noContent();
  });

  // Devices.
  api.route('GET', '/api/devices', admin, async ({ principal }) => ({ devices: (await store.devices.list()).filter((d) => inScope(catalog.tree, principal, d.orgUnitId)) }));
  /** GB/T 28181 fields belong to `gb28181` devices only (another kind would take a SIP password it can never use). */
  const checkGbFields = (kind: string, fields: { gbDeviceId?: string | null | undefined; sipPassword?: string | null | undefined; gbStreamMode?: string | null | undefined }) => {
    if (kind === 'gb28181') return;
    for (const field of ['gbDeviceId', 'sipPassword', 'gbStreamMode'] as const) {
      if (fields[field] !== undefined && fields[field] !== null) throw new ApiError('bad-request', `${field}: only GB/T 28181 devices have one`);
    }
  };
  api.route('POST', '/api/devices', { ...admin, body: deviceCreate }, async ({ principal, body }) => {
    requireScope(principal, body.orgUnitId, `org unit ${body.orgUnitId}`);
    checkGbFields(body.kind, body);
    return created(await store.devices.create(body, actorOf(principal)));
  });
  api.route('PATCH', '/api/devices/:id', { ...admin, body: deviceUpdate }, async ({ principal, params, body }) => {
    const before = await load(principal, await store.devices.get(id(params)), `device ${id(params)}`);
    if (body.orgUnitId) requireScope(principal, body.orgUnitId, `org unit ${body.orgUnitId}`);
    checkGbFields(before.kind, body);
    const device = await store.devices.update(before.id, body, actorOf(principal));
    if (device.orgUnitId !== before.orgUnitId) {
      // Channels go with their device: those that would sit outside its new unit move to it.
      for (const channel of await store.channels.list()) {
        if (channel.deviceId === device.id && !catalog.tree.contains(device.orgUnitId, channel.orgUnitId)) {
          await store.channels.update(channel.id, { orgUnitId: device.orgUnitId }, actorOf(principal));
        }
      }
      await catalog.refresh();
    }
    return device;
  });
  api.route('DELETE', '/api/devices/:id', admin, async ({ principal, params }) => {
    await load(principal, await store.devices.get(id(params)), `device ${id(params)}`);
    await store.devices.delete(id(params), actorOf(principal));
    await catalog.refresh();
    return noContent();
  });

  // Channels: the channel's org unit must lie in the caller's scope and under its device's org unit.
  api.route('GET', '/api/channels', admin, async ({ principal }) => ({ channels: (await store.channels.list()).filter((c) => inScope(catalog.tree, principal, c.orgUnitId)) }));
  api.route('POST', '/api/channels', { ...admin, body: channelCreate }, async ({ principal, body }) => {
    const device = await load(principal, await store.devices.get(body.deviceId), `device ${body.deviceId}`);
    const orgUnitId = body.orgUnitId ?? device.orgUnitId;
    requireScope(principal, orgUnitId, `org unit ${orgUnitId}`);
    if (!catalog.tree.contains(device.orgUnitId, orgUnitId)) throw new ApiError('bad-request', `orgUnitId: must be the device's org unit ${device.orgUnitId} or below it`);
    const channel = await store.channels.create({ ...body, orgUnitId }, actorOf(principal));
    await catalog.refresh();
    return created(channel);
  });
  api.route('PATCH', '/api/channels/:id', { ...admin, body: channelUpdate }, async ({ principal, params, body }) => {
    const channel = await load(principal, await store.channels.get(id(params)), `channel ${id(params)}`);
    if (body.orgUnitId) {
      requireScope(principal, body.orgUnitId, `org unit ${body.orgUnitId}`);
      const device = await store.devices.get(channel.deviceId);
      if (device && !catalog.tree.contains(device.orgUnitId, body.orgUnitId)) throw new ApiError('bad-request', `orgUnitId: must be the device's org unit ${device.orgUnitId} or below it`);
    }
    const updated = await store.channels.update(id(params), body, actorOf(principal));
    await catalog.refresh();
    return updated;
  });
  api.route('DELETE', '/api/channels/:id', admin, async ({ principal, params }) => {
    await load(principal, await store.channels.get(id(params)), `channel ${id(params)}`);
    await store.channels.delete(id(params), actorOf(principal));
    await catalog.refresh();
    return noContent();
  });

  // Users: sessions end whenever what a session was granted changes.
  api.route('GET', '/api/users', admin, async ({ principal }) => ({ users: (await store.users.list()).filter((u) => inScope(catalog.tree, principal, u.orgUnitId)) }));
  // A password an administrator sets must be changed by its user at the next login.
  api.route('POST', '/api/users', { ...admin, body: userCreate }, async ({ principal, body }) => {
    requireScope(principal, body.orgUnitId, `org unit ${body.orgUnitId}`);
    const { password, ...rest } = body;
    return created(await store.users.create({ ...rest, passwordHash: await hashPassword(password), mustChangePassword: true }, actorOf(principal)));
  });
  /** Auditors audit administrators: an administrator may create an auditor account (audited) but not change or remove one. */
  const refuseAuditor = (user: { roles: readonly string[] }) => {
    if (user.roles.includes('auditor')) throw new ApiError('forbidden', 'auditor accounts cannot be changed or removed by an administrator (separate duties)');
  };
  api.route('PATCH', '/api/users/:id', { ...admin, body: userUpdate }, async ({ principal, params, body }) => {
    const user = await load(principal, await store.users.get(id(params)), `user ${id(params)}`);
    refuseAuditor(user);
    if (body.orgUnitId) requireScope(principal, body.orgUnitId, `org unit ${body.orgUnitId}`);
    if (user.id === principal.user.id && (body.disabled || (body.roles && !body.roles.includes('admin')) || body.orgUnitId)) {
      throw new ApiError('forbidden', 'you cannot disable yourself, drop your own admin role or move yourself');
    }
    const { password, ...rest } = body;
    const updated = await store.users.update(user.id, { ...rest, ...(password ? { passwordHash: await hashPassword(password), mustChangePassword: true } : {}) }, actorOf(principal));
    const rolesChanged = body.roles !== undefined && [...body.roles].sort().join() !== [...user.roles].sort().join();
    if (password || rolesChanged || (body.orgUnitId && body.orgUnitId !== user.orgUnitId) || (body.disabled && !user.disabled)) await deps.auth.revokeUser(user.id);
    return updated;
  });
  api.route('DELETE', '/api/users/:id', admin, async ({ principal, params }) => {
    const user = await load(principal, await store.users.get(id(params)), `user ${id(params)}`);
    if (user.id === principal.user.id) throw new ApiError('forbidden', 'you cannot delete yourself');
    refuseAuditor(user);
    await deps.auth.revokeUser(user.id);
    await store.users.delete(user.id, actorOf(principal));
    return noContent();
  });
}
