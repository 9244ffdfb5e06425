import { performance } from 'node:perf_hooks';
import type { OrgUnit } from '@argus/shared';
import { openSqliteStore, SYSTEM_ACTOR } from '@argus/sfu';
import { COUNTY_ID, devicePassword, deviceGbId, deviceStoreId, ORG_UNITS } from './fleetIds.js';

/** How long seeding took, ms. */
export interface SeedTiming {
  /** Creating `count` devices through the store API, ms. */
  devicesMs: number;
  /** Opening, migrating and closing the store, org units included, ms. */
  totalMs: number;
}

/**
 * Create a SQLite store at `file` holding the benchmark's org units and `count` GB/T 28181 devices
 * (kind `gb28181`, 20-digit GB ID, own SIP password), through the store API as an administrator
 * would (one audited transaction per device), then close it.
 */
export async function seedStore(file: string, count: number): Promise<SeedTiming> {
  const started = performance.now();
  const store = openSqliteStore(file);
  try {
    for (const unit of ORG_UNITS) await store.orgUnits.create(unit as OrgUnit, SYSTEM_ACTOR);
    const devicesStarted = performance.now();
    for (let i = 0; i < count; i++) {
      await store.devices.create(
        { id: deviceStoreId(i), orgUnitId: COUNTY_ID, kind: 'gb28181', name: `基准 NVR ${i + 1}`, gbDeviceId: deviceGbId(i), sipPassword: devicePassword(i), manufacturer: 'Argus bench' },
        SYSTEM_ACTOR,
      );
    }
    const devicesMs = performance.now() - devicesStarted;
    await store.close();
    return { devicesMs, totalMs: performance.now() - started };
  } catch (error) {
    await store.close();
    throw error;
  }
}
