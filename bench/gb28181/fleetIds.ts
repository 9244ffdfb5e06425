/**
 * Identities of the benchmark's platform and devices (GB/T 28181-2016 Appendix D codes): one
 * county, devices of type 118 (NVR) and their channels of type 131 (camera), serials from 1.
 */

/** The platform's 10-digit domain ID (the digest realm) and 20-digit server ID (type 200). */
export const DOMAIN_ID = '9901020000';
export const SERVER_ID = '99010200002000000001';

/** The county the devices are filed under; the province and city above it. */
export const ORG_UNITS = [
  { id: '990000', parentId: null, level: 'province', name: '基准省' },
  { id: '990100', parentId: '990000', level: 'city', name: '基准市' },
  { id: '990102', parentId: '990100', level: 'county', name: '基准县' },
] as const;
export const COUNTY_ID = '990102';

/** Most devices, and most catalog items per device: serials are 7 digits (device count × items ≤ 10^7). */
export const MAX_DEVICES = 100_000;
export const MAX_CATALOG_ITEMS = 16;

const serial = (n: number): string => String(n).padStart(7, '0');

/** The 20-digit GB/T 28181 ID of device `index` (0-based). */
export function deviceGbId(index: number): string {
  return `${DOMAIN_ID}118${serial(index + 1)}`;
}

/** The 20-digit ID of channel `item` (0-based) of device `index` when every device has `perDevice` channels. */
export function channelGbId(index: number, item: number, perDevice: number): string {
  return `${DOMAIN_ID}131${serial(index * perDevice + item + 1)}`;
}

/** The SIP digest password of device `index`: different for every device. */
export function devicePassword(index: number): string {
  return `gb-bench-${(index + 1).toString(36)}-pw`;
}

/** The store id of device `index`. */
export function deviceStoreId(index: number): string {
  return `gb-bench-${String(index + 1).padStart(6, '0')}`;
}
