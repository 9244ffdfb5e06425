import { randomBytes } from 'node:crypto';
import type { SfuConfig } from '@argus/shared';
import { hashPassword } from '../auth/passwords.js';
import type { Logger } from '../log.js';
import { SYSTEM_ACTOR, type Store } from './store.js';

const CAMERAS_IMPORTED = 'config.camerasImportedAt';

export interface BootstrapResult {
  /** The password of the `admin` user created on this start (printed once), else null. */
  adminPassword: string | null;
  /** Camera ids imported from the config file on this start. */
  importedCameras: string[];
}

/**
 * First-start set-up of an empty store, then the one-time import of the config file's cameras:
 * - no org units: create the root (`config.store.root`);
 * - no users: create `admin` (role admin, at the root) with a random password, returned to be
 *   shown once to whoever started the server;
 * - cameras in the config file and never imported: one venue-camera device and one channel
 *   each (channel id = camera id) under the camera's `orgUnitId` or the root. After that the
 *   store is the source of truth; later config edits to `cameras` are ignored with a warning.
 * Everything is audited as done by `system`.
 */
export async function bootstrapStore(store: Store, config: SfuConfig, log: Logger): Promise<BootstrapResult> {
  const result: BootstrapResult = { adminPassword: null, importedCameras: [] };
  const units = await store.orgUnits.list();
  let rootId = units.find((u) => u.parentId === null)?.id;
  if (!rootId) {
    rootId = config.store.root.id;
    await store.orgUnits.create({ id: rootId, parentId: null, level: 'province', name: config.store.root.name }, SYSTEM_ACTOR);
    log.info('created the root org unit', { id: rootId });
  }
  if ((await store.users.list()).length === 0) {
    result.adminPassword = randomBytes(12).toString('base64url');
    await store.users.create({ username: 'admin', displayName: '系统管理员', orgUnitId: rootId, roles: ['admin'], passwordHash: await hashPassword(result.adminPassword), mustChangePassword: true }, SYSTEM_ACTOR);
    log.warn('created the user "admin" with a one-time password; change it after logging in');
  }

  if (config.cameras.length > 0) {
    const importedAt = await store.server.getSetting(CAMERAS_IMPORTED);
    if (importedAt) {
      const known = new Set((await store.channels.list()).map((c) => c.id));
      const ignored = config.cameras.filter((c) => !known.has(c.id)).map((c) => c.id);
      if (ignored.length > 0) log.warn('cameras in the config file were imported before; add new ones in the admin pages', { ignored: ignored.join(',') });
    } else {
      for (const camera of config.cameras) {
        const orgUnitId = camera.orgUnitId ?? rootId;
        if (await store.channels.get(camera.id)) continue;
        const deviceId = `cfg-${camera.id}`.slice(0, 64);
        if (!(await store.devices.get(deviceId))) await store.devices.create({ id: deviceId, orgUnitId, kind: 'venue-camera', name: camera.name }, SYSTEM_ACTOR);
        await store.channels.create({ id: camera.id, deviceId, orgUnitId, name: camera.name, source: rtspSourceOf(camera) }, SYSTEM_ACTOR);
        result.importedCameras.push(camera.id);
      }
      await store.server.setSetting(CAMERAS_IMPORTED, new Date().toISOString());
      log.info('imported the config file\'s cameras into the store', { count: result.importedCameras.length });
    }
  }
  return result;
}

/** A config camera's RTSP source, with credentials written into the URL moved to their own fields. */
function rtspSourceOf(camera: SfuConfig['cameras'][number]) {
  const url = new URL(camera.url);
  const username = camera.username ?? (url.username ? decodeURIComponent(url.username) : null);
  const password = camera.password ?? (url.password ? decodeURIComponent(url.password) : null);
  url.username = '';
  url.password = '';
  return { type: 'rtsp' as const, url: url.toString(), username, password };
}
