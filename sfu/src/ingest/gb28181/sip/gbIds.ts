/**
 * GB/T 28181-2016 Appendix D unified IDs ("统一编码规则", coding rule A): 20 decimal digits
 *
 *   digits  1-8   centre code (中心编码): province 1-2, city 3-4, district 5-6 (GB/T 2260
 *                 administrative division), grass-roots unit 7-8
 *   digits  9-10  industry code (行业编码): 00-03 public-security video, 04-07 traffic, 08 city
 *                 management, ...
 *   digits 11-13  type code (类型编码): Table D.1, see {@link gbTypeKind}
 *   digit  14     network identifier (网络标识): 0-4 video private network, 5 public-security
 *                 information network, 6 government network, 7 Internet, 8 social resources
 *                 access network, 9 reserved
 *   digits 15-20  serial number (序号)
 *
 * A SIP domain ID is the first 10 digits (centre and industry code); GB/T 28181-2016 §9.1 uses
 * it as the digest realm, e.g. "3402000000". Device and channel IDs travel as the user part of
 * SIP URIs and in MANSCDP <DeviceID>.
 */

/** What a type code (digits 11-13) designates, by the ranges of GB/T 28181-2016 Table D.1. */
export type GbTypeKind =
  /** 111-130: front-end main devices (DVR, encoder, NVR, ...). */
  | 'front-end-device'
  /** 131-199: front-end peripherals (camera, IPC, alarm input/output, ...). */
  | 'front-end-peripheral'
  /** 200-299: platform devices (200 central SIP server, 215 business group, 216 virtual organisation, ...). */
  | 'platform'
  /** 300-399: centre users. */
  | 'centre-user'
  /** 400-499: terminal users. */
  | 'terminal-user'
  /** Anything else (000-110, 500-999): reserved or extensions. */
  | 'other';

/** Type codes named in GB/T 28181-2016 Table D.1. */
export const GB_TYPE_CODES = {
  DVR: 111,
  VIDEO_SERVER: 112,
  ENCODER: 113,
  DECODER: 114,
  VIDEO_SWITCHING_MATRIX: 115,
  AUDIO_SWITCHING_MATRIX: 116,
  ALARM_CONTROLLER: 117,
  NVR: 118,
  HVR: 130,
  CAMERA: 131,
  IPC: 132,
  DISPLAY: 133,
  ALARM_INPUT: 134,
  ALARM_OUTPUT: 135,
  VOICE_INPUT: 136,
  VOICE_OUTPUT: 137,
  MOBILE_TRANSMISSION: 138,
  OTHER_PERIPHERAL: 139,
  SIP_SERVER: 200,
  WEB_SERVER: 201,
  MEDIA_DISTRIBUTION_SERVER: 202,
  PROXY_SERVER: 203,
  SECURITY_SERVER: 204,
  ALARM_SERVER: 205,
  DATABASE_SERVER: 206,
  GIS_SERVER: 207,
  MANAGEMENT_SERVER: 208,
  ACCESS_GATEWAY: 209,
  MEDIA_STORAGE_SERVER: 210,
  SIGNALLING_SECURITY_GATEWAY: 211,
  BUSINESS_GROUP: 215,
  VIRTUAL_ORGANISATION: 216,
  CENTRE_USER: 300,
  TERMINAL_USER: 400,
} as const;

const TYPE_NAMES: ReadonlyMap<number, string> = new Map(
  Object.entries(GB_TYPE_CODES).map(([name, code]) => [code, name.toLowerCase().replace(/_/g, ' ')]),
);

/** A GB/T 28181 20-digit ID, cut into its fields. */
export interface GbId {
  id: string;
  /** Digits 1-8. */
  centreCode: string;
  /** Digits 1-2, 3-4, 5-6 (GB/T 2260) and 7-8. */
  provinceCode: string;
  cityCode: string;
  districtCode: string;
  unitCode: string;
  /** Digits 9-10. */
  industryCode: string;
  /** Digits 11-13 as a number. */
  typeCode: number;
  typeKind: GbTypeKind;
  /** Name from Table D.1 ("ipc", "nvr", "sip server", ...), when the code has one. */
  typeName?: string;
  /** Digit 14. */
  networkId: number;
  /** Digits 15-20. */
  serial: string;
  /** Digits 1-10: the SIP domain ID of the centre the ID belongs to. */
  domainId: string;
}

/** Why a string is not a GB/T 28181 ID. */
export type GbIdReason = 'not-a-string' | 'wrong-length' | 'not-digits';

export class GbIdError extends Error {
  override readonly name = 'GbIdError';

  constructor(
    readonly reason: GbIdReason,
    detail: string,
  ) {
    super(`${reason}: ${detail}`);
  }
}

/** True for exactly 20 ASCII digits (GB/T 28181-2016 Appendix D). */
export function isGbId(value: unknown): value is string {
  return typeof value === 'string' && /^[0-9]{20}$/.test(value);
}

/** True for exactly 10 ASCII digits: a SIP domain ID (digits 1-10 of a GB/T 28181 ID). */
export function isDomainId(value: unknown): value is string {
  return typeof value === 'string' && /^[0-9]{10}$/.test(value);
}

/** The kind of a type code by the ranges of GB/T 28181-2016 Table D.1. */
export function gbTypeKind(typeCode: number): GbTypeKind {
  if (typeCode >= 111 && typeCode <= 130) return 'front-end-device';
  if (typeCode >= 131 && typeCode <= 199) return 'front-end-peripheral';
  if (typeCode >= 200 && typeCode <= 299) return 'platform';
  if (typeCode >= 300 && typeCode <= 399) return 'centre-user';
  if (typeCode >= 400 && typeCode <= 499) return 'terminal-user';
  return 'other';
}

/**
 * Cut a 20-digit ID into its fields.
 * @throws GbIdError 'not-a-string' | 'wrong-length' | 'not-digits'
 */
export function parseGbId(value: unknown): GbId {
  if (typeof value !== 'string') throw new GbIdError('not-a-string', typeof value);
  if (value.length !== 20) throw new GbIdError('wrong-length', `${value.length} characters, GB/T 28181 IDs have 20`);
  const bad = /[^0-9]/.exec(value);
  if (bad) throw new GbIdError('not-digits', `"${bad[0]}" at position ${bad.index + 1}`);
  const typeCode = Number(value.slice(10, 13));
  const id: GbId = {
    id: value,
    centreCode: value.slice(0, 8),
    provinceCode: value.slice(0, 2),
    cityCode: value.slice(2, 4),
    districtCode: value.slice(4, 6),
    unitCode: value.slice(6, 8),
    industryCode: value.slice(8, 10),
    typeCode,
    typeKind: gbTypeKind(typeCode),
    networkId: Number(value[13]),
    serial: value.slice(14, 20),
    domainId: value.slice(0, 10),
  };
  const typeName = TYPE_NAMES.get(typeCode);
  if (typeName !== undefined) id.typeName = typeName;
  return id;
}

/** The type code (digits 11-13) of an ID, or undefined when it is not a GB/T 28181 ID. */
export function gbTypeCodeOf(value: unknown): number | undefined {
  return isGbId(value) ? Number(value.slice(10, 13)) : undefined;
}
