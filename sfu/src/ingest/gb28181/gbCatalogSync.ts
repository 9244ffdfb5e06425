/**
 * Catalog answers into the store: each video channel of a GB/T 28181 device's catalog
 * (GB/T 28181-2016 A.2.6 Response Catalog, aggregated by {@link CatalogAggregator}; §9.11 Notify
 * Catalog) becomes a channel with a `gb28181` source. Written as the server itself
 * ({@link SYSTEM_ACTOR}), so every change is audited.
 *
 * - Channel id = the item's 20-digit DeviceID; `source.gbChannelId` = the same ID.
 * - Org unit: the device's. Name: the item's `<Name>` (decoded from GB2312 by the MANSCDP layer),
 *   else the ID. PTZ: `<Info><PTZType>` 1 (dome) or 2 (half-dome).
 * - Only video sources are channels: type codes 131 (camera) and 132 (IPC) of Appendix D, and
 *   items whose ID is the device's own (an IPC that lists itself). Civil codes, business groups,
 *   virtual organisations, alarm inputs and sub-platform nodes are skipped.
 * - An existing channel of the same device is renamed when the name changed; a channel id that
 *   belongs to another device is left alone (logged). Items absent from an answer are kept:
 *   a partial (timed-out) answer must not delete channels.
 * - A catalog NOTIFY item with `<Event>DEL</Event>` (§9.11.1) deletes that channel of this
 *   device: the device says it is gone.
 */
import type { Channel, Device } from '@argus/shared';
import type { Logger } from '../../log.js';
import { SYSTEM_ACTOR, type Store } from '../../store/store.js';
import type { CatalogItem } from './manscdp/index.js';
import { GB_TYPE_CODES, gbTypeCodeOf } from './sip/index.js';

/** What one sync did. */
export interface CatalogSyncResult {
  /** Channel ids created. */
  created: string[];
  /** Channel ids renamed or re-flagged. */
  updated: string[];
  /** Channel ids deleted (NOTIFY with Event DEL). */
  removed: string[];
  /** Item ids not taken: not a video channel, or owned by another device. */
  skipped: string[];
}

/** Whether a catalog item is a video channel Argus shows on the wall. */
export function isVideoChannelItem(item: CatalogItem, deviceGbId: string): boolean {
  if (!/^\d{20}$/.test(item.deviceId)) return false;
  if (item.deviceId === deviceGbId) return true;
  const type = gbTypeCodeOf(item.deviceId);
  return type === GB_TYPE_CODES.CAMERA || type === GB_TYPE_CODES.IPC;
}

/**
 * Create or update the channels of `device` from catalog items. Never deletes.
 * @throws StoreError when the store fails (the caller logs it)
 */
export async function syncCatalog(store: Store, device: Device, items: readonly CatalogItem[], log: Logger): Promise<CatalogSyncResult> {
  const result: CatalogSyncResult = { created: [], updated: [], removed: [], skipped: [] };
  const deviceGbId = device.gbDeviceId ?? '';
  for (const item of items) {
    if (item.event === 'DEL') {
      const existing = /^\d{20}$/.test(item.deviceId) ? await store.channels.get(item.deviceId) : null;
      if (existing && existing.deviceId === device.id) {
        await store.channels.delete(existing.id, SYSTEM_ACTOR);
        result.removed.push(existing.id);
      } else result.skipped.push(item.deviceId);
      continue;
    }
    if (!isVideoChannelItem(item, deviceGbId)) {
      result.skipped.push(item.deviceId);
      continue;
    }
    const name = (item.name ?? '').trim() || item.deviceId;
    const ptz = item.ptzType === 1 || item.ptzType === 2;
    const existing: Channel | null = await store.channels.get(item.deviceId);
    if (existing) {
      if (existing.deviceId !== device.id) {
        log.warn('catalog item names a channel of another device; left alone', { device: device.id, channel: existing.id, owner: existing.deviceId });
        result.skipped.push(item.deviceId);
        continue;
      }
      if (existing.name !== name || existing.ptz !== ptz) {
        await store.channels.update(existing.id, { name, ptz }, SYSTEM_ACTOR);
        result.updated.push(existing.id);
      }
      continue;
    }
    await store.channels.create(
      { id: item.deviceId, deviceId: device.id, orgUnitId: device.orgUnitId, name, source: { type: 'gb28181', gbChannelId: item.deviceId }, ptz },
      SYSTEM_ACTOR,
    );
    result.created.push(item.deviceId);
  }
  return result;
}
