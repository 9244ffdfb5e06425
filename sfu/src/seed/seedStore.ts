import { randomBytes } from 'node:crypto';
import type { Role } from '@argus/shared';
import { hashPassword } from '../auth/passwords.js';
import { ConflictError, SYSTEM_ACTOR, type Store } from '../store/store.js';
import { buildSeedPlan } from './seedPlan.js';

export interface SeedOptions {
  /** The demo cameras: ids (channel ids on the wall) and their RTSP URLs. */
  cameras: Array<{ id: string; url: string }>;
  /** Password for the users created (and, with `resetPasswords`, for existing seed users); default: a random one per run. */
  password?: string;
  /** Give existing seed users the password too (the demo does, so it can print working logins). */
  resetPasswords?: boolean;
}

export interface SeededLogin {
  username: string;
  displayName: string;
  roles: Role[];
  orgUnitName: string;
  /** The password set on this run, or null when the user existed and kept theirs. */
  password: string | null;
}

export interface SeedResult {
  created: { orgUnits: number; centres: number; devices: number; channels: number; users: number; persons: number };
  logins: SeededLogin[];
}

/**
 * Fill the store from the seed plan (./seedPlan.ts): 1 province, 14 cities, 122 counties and
 * their judicial offices, 138 command centres, users of every role, supervised persons, and one
 * venue camera per demo camera. Idempotent: what exists is kept (a demo camera's URL is
 * updated when it changed); run it again safely. Generated names only. Audited as `system`.
 * @throws ConflictError when the store already has a different province at its root.
 */
export async function seedStore(store: Store, options: SeedOptions): Promise<SeedResult> {
  const plan = buildSeedPlan({ demoCameraIds: options.cameras.map((c) => c.id) });
  const password = options.password ?? randomBytes(9).toString('base64url');
  const created = { orgUnits: 0, centres: 0, devices: 0, channels: 0, users: 0, persons: 0 };
  const by = SYSTEM_ACTOR;

  const existingUnits = new Map((await store.orgUnits.list()).map((u) => [u.id, u]));
  const root = [...existingUnits.values()].find((u) => u.parentId === null);
  if (root && root.id !== plan.anchors.provinceId) {
    throw new ConflictError(`the store's province is ${root.id} (${root.name}), not the seed's ${plan.anchors.provinceId}; seed an empty database`);
  }
  for (const unit of plan.orgUnits) {
    if (existingUnits.has(unit.id)) continue;
    await store.orgUnits.create(unit, by);
    created.orgUnits++;
  }
  const names = new Map((await store.orgUnits.list()).map((u) => [u.id, u.name]));

  const centres = new Set((await store.centres.list()).map((c) => c.id));
  for (const centre of plan.centres) {
    if (centres.has(centre.id)) continue;
    await store.centres.create(centre, by);
    created.centres++;
  }

  const urls = new Map(options.cameras.map((c) => [c.id, c.url]));
  for (const camera of plan.cameras) {
    if (!(await store.devices.get(camera.deviceId))) {
      await store.devices.create({ id: camera.deviceId, orgUnitId: camera.orgUnitId, kind: camera.deviceKind, name: camera.deviceName, manufacturer: 'Argus', model: 'demo' }, by);
      created.devices++;
    }
    const url = urls.get(camera.channelId)!;
    const channel = await store.channels.get(camera.channelId);
    if (!channel) {
      await store.channels.create({ id: camera.channelId, deviceId: camera.deviceId, orgUnitId: camera.orgUnitId, name: camera.channelName, source: { type: 'rtsp', url } }, by);
      created.channels++;
    } else if (channel.source.type !== 'rtsp' || channel.source.url !== url) {
      await store.channels.update(channel.id, { source: { type: 'rtsp', url } }, by);
    }
  }

  const logins: SeededLogin[] = [];
  const hash = await hashPassword(password);
  for (const seedUser of plan.users) {
    const existing = await store.users.findForLogin(seedUser.username);
    let set = false;
    if (!existing) {
      await store.users.create({ ...seedUser, passwordHash: hash }, by);
      created.users++;
      set = true;
    } else if (options.resetPasswords) {
      // A new password ends the sessions opened with the old one.
      await store.users.update(existing.user.id, { passwordHash: hash, mustChangePassword: false }, by);
      await store.sessions.revokeAllForUser(existing.user.id, Date.now());
      set = true;
    }
    logins.push({ username: seedUser.username, displayName: seedUser.displayName, roles: seedUser.roles, orgUnitName: names.get(seedUser.orgUnitId) ?? seedUser.orgUnitId, password: set ? password : null });
  }

  const persons = new Set((await store.persons.list()).map((p) => p.id));
  for (const person of plan.supervisedPersons) {
    if (persons.has(person.id)) continue;
    await store.persons.create(person, by);
    created.persons++;
  }
  return { created, logins };
}

/** The logins as a text table for a terminal. */
export function formatLogins(logins: readonly SeededLogin[]): string {
  const rows = logins.map((l) => [l.username, l.password ?? '(unchanged)', l.roles.join(','), `${l.orgUnitName} · ${l.displayName}`]);
  const widths = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i]!.length), 8));
  return rows.map((r) => r.map((cell, i) => (i < 3 ? cell.padEnd(widths[i]!) : cell)).join('  ')).join('\n');
}
