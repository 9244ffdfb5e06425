import { decodeManscdpBody, type DecodeManscdpOptions, type ManscdpCharsetNote } from './manscdpBody.js';
import { ManscdpError } from './manscdpError.js';
import type {
  AlarmNotify,
  AlarmStatusItem,
  CatalogEvent,
  CatalogItem,
  CatalogItemStatus,
  CatalogNotify,
  CatalogResponse,
  DeviceControl,
  DeviceInfoResponse,
  DeviceStatusResponse,
  KeepaliveNotify,
  ManscdpHeader,
  ManscdpMessage,
  ResultResponse,
} from './manscdpTypes.js';
import { attributeNamed, childNamed, childrenNamed, readManscdpXml, type XmlElement, type XmlLimits, type XmlRepair } from './manscdpXml.js';
import { parsePtzCommand } from './ptzCommand.js';

/**
 * Parse MANSCDP bodies (GB/T 28181-2016 Appendix A) into typed messages, tolerating what devices
 * send: tag names in any case, numbers with spaces, missing fields, and the XML damage
 * {@link readManscdpXml} repairs. A well-formed command of an unknown type is an `unknown`
 * message; only a body with no XML element (or beyond the limits) throws {@link ManscdpError}.
 */

/** What was repaired or dropped while reading a body. */
export type ManscdpRepair =
  | XmlRepair
  /** More catalog items than `maxItems`: the rest were dropped. */
  | 'items-capped'
  /** Catalog items without a `<DeviceID>` were dropped. */
  | 'item-without-device-id'
  /** The catalog item the body ended inside was dropped: its fields may be cut short. */
  | 'truncated-item-dropped';

export interface ManscdpParseOptions extends XmlLimits, DecodeManscdpOptions {
  /**
   * Largest body accepted, bytes (characters for a string). Default 1 MiB: devices split large
   * catalogs into messages (SumNum), and a body this size already costs the event loop a
   * noticeable fraction of a second.
   */
  maxBytes?: number;
  /** Most catalog items kept from one message. Default 10,000. */
  maxItems?: number;
}

export interface ManscdpParseResult {
  message: ManscdpMessage;
  /** The body ended inside an element (a cut datagram, a short Content-Length): what parsed is kept. */
  truncated: boolean;
  /** What was repaired or dropped; empty for a clean body. */
  repairs: ManscdpRepair[];
  /** The charset a Buffer body was decoded with; null when text was given. */
  charset: string | null;
  /** Why that charset differs from the declaration; null when it does not (or text was given). */
  charsetNote: ManscdpCharsetNote | null;
}

const DEFAULT_MAX_BYTES = 1024 * 1024;
const DEFAULT_MAX_ITEMS = 10_000;
const ROOTS = ['Control', 'Query', 'Notify', 'Response'] as const;
const CATALOG_EVENTS = new Set<CatalogEvent>(['ON', 'OFF', 'VLOST', 'DEFECT', 'ADD', 'DEL', 'UPDATE']);

// ---- field readers: every one tolerates absence, case, whitespace and junk ----

/** A child's text; null when absent, empty, or cut short by the end of a truncated body. */
function text(el: XmlElement, name: string): string | null {
  const child = childNamed(el, name);
  return child && child.text !== '' && !child.truncated ? child.text : null;
}

function integer(value: string | null): number | null {
  if (value === null) return null;
  const m = /^\s*([+-]?\d+)(?:\.0*)?\s*$/.exec(value);
  if (!m) return null;
  const n = Number(m[1]);
  return Number.isSafeInteger(n) ? n : null;
}

function decimal(value: string | null): number | null {
  if (value === null) return null;
  const t = value.trim();
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t)) return null;
  const n = Number(t);
  return Number.isFinite(n) ? n : null;
}

function flag(value: string | null): boolean | null {
  if (value === null) return null;
  const t = value.trim().toLowerCase();
  if (t === '1' || t === 'true' || t === 'yes') return true;
  if (t === '0' || t === 'false' || t === 'no') return false;
  return null;
}

function onOff(value: string | null, on: string, off: string): boolean | null {
  if (value === null) return null;
  const t = value.trim().toUpperCase();
  if (t === on || t === 'ON' || t === 'ONLINE' || t === '1') return true;
  if (t === off || t === 'OFF' || t === 'OFFLINE' || t === '0') return false;
  return null;
}

function upper(value: string | null): string | null {
  return value === null ? null : value.trim().toUpperCase();
}

/** Leaf descendants as text, keyed by their path below `el` (`DragZoomIn.Length`). */
function leaves(el: XmlElement, into: Record<string, string>, prefix = '', skip: ReadonlySet<string> = new Set()): Record<string, string> {
  for (const child of el.children) {
    if (skip.has(child.name.toLowerCase())) continue;
    const key = prefix + child.name;
    if (child.children.length === 0) {
      if (!Object.hasOwn(into, key) && !child.truncated) into[key] = child.text;
    } else {
      leaves(child, into, `${key}.`);
    }
  }
  return into;
}

function header(root: XmlElement, rootName: string): ManscdpHeader {
  return {
    root: rootName,
    cmdType: text(root, 'CmdType'),
    sn: integer(text(root, 'SN')),
    deviceId: text(root, 'DeviceID'),
  };
}

// ---- catalog ----

const ITEM_FIELDS = new Set([
  'deviceid', 'event', 'name', 'manufacturer', 'model', 'owner', 'civilcode', 'block', 'address', 'parental', 'parentid',
  'businessgroupid', 'safetyway', 'registerway', 'certnum', 'certifiable', 'errcode', 'endtime', 'secrecy', 'ipaddress',
  'port', 'password', 'status', 'longitude', 'latitude', 'streamnum', 'info', 'ptztype',
]);

function itemStatus(value: string | null): CatalogItemStatus | null {
  const on = onOff(value, 'ON', 'OFF');
  if (on !== null) return on ? 'ON' : 'OFF';
  const t = upper(value);
  return t === 'OK' ? 'ON' : null;
}

function catalogItem(el: XmlElement): CatalogItem | null {
  const deviceId = text(el, 'DeviceID');
  if (deviceId === null) return null;
  const infoEl = childNamed(el, 'Info');
  const info = infoEl ? leaves(infoEl, {}) : {};
  const infoText = (name: string): string | null => {
    const lower = name.toLowerCase();
    for (const [k, v] of Object.entries(info)) if (k.toLowerCase() === lower && v !== '') return v;
    return null;
  };
  const event = upper(text(el, 'Event'));
  const extra: Record<string, string> = {};
  for (const child of el.children) {
    const lower = child.name.toLowerCase();
    if (!ITEM_FIELDS.has(lower) && child.children.length === 0 && !Object.hasOwn(extra, child.name)) extra[child.name] = child.text;
  }
  return {
    deviceId,
    event: event !== null && CATALOG_EVENTS.has(event as CatalogEvent) ? (event as CatalogEvent) : null,
    name: text(el, 'Name'),
    manufacturer: text(el, 'Manufacturer'),
    model: text(el, 'Model'),
    owner: text(el, 'Owner'),
    civilCode: text(el, 'CivilCode'),
    block: text(el, 'Block'),
    address: text(el, 'Address'),
    parental: flag(text(el, 'Parental')),
    parentId: text(el, 'ParentID'),
    businessGroupId: text(el, 'BusinessGroupID') ?? infoText('BusinessGroupID'),
    safetyWay: integer(text(el, 'SafetyWay')),
    registerWay: integer(text(el, 'RegisterWay')),
    certNum: text(el, 'CertNum'),
    certifiable: flag(text(el, 'Certifiable')),
    errCode: integer(text(el, 'ErrCode')),
    endTime: text(el, 'EndTime'),
    secrecy: integer(text(el, 'Secrecy')),
    ipAddress: text(el, 'IPAddress'),
    port: integer(text(el, 'Port')),
    status: itemStatus(text(el, 'Status')),
    longitude: decimal(text(el, 'Longitude')),
    latitude: decimal(text(el, 'Latitude')),
    streamNum: integer(text(el, 'StreamNum')),
    ptzType: integer(infoText('PTZType') ?? text(el, 'PTZType')),
    info,
    extra,
  };
}

function catalogItems(root: XmlElement, maxItems: number, repairs: Set<ManscdpRepair>): { listNum: number | null; items: CatalogItem[] } {
  const list = childNamed(root, 'DeviceList');
  const itemEls = childrenNamed(list ?? root, 'Item');
  const items: CatalogItem[] = [];
  for (const el of itemEls) {
    if (items.length >= maxItems) {
      repairs.add('items-capped');
      break;
    }
    if (el.truncated) {
      repairs.add('truncated-item-dropped');
      continue;
    }
    const item = catalogItem(el);
    if (item) items.push(item);
    else repairs.add('item-without-device-id');
  }
  return { listNum: list ? integer(attributeNamed(list, 'Num')) : null, items };
}

// ---- per command ----

function keepalive(root: XmlElement, h: ManscdpHeader): KeepaliveNotify {
  const info = childNamed(root, 'Info');
  const faultyDeviceIds = info ? childrenNamed(info, 'DeviceID').filter((d) => !d.truncated && d.text !== '').map((d) => d.text) : [];
  return { ...h, kind: 'keepalive', root: 'Notify', status: upper(text(root, 'Status')), faultyDeviceIds };
}

function deviceInfo(root: XmlElement, h: ManscdpHeader): DeviceInfoResponse {
  const info = childNamed(root, 'Info');
  return {
    ...h,
    kind: 'deviceInfoResponse',
    root: 'Response',
    deviceName: text(root, 'DeviceName'),
    result: upper(text(root, 'Result')),
    manufacturer: text(root, 'Manufacturer'),
    model: text(root, 'Model'),
    firmware: text(root, 'Firmware'),
    channel: integer(text(root, 'Channel')),
    info: info ? leaves(info, {}) : {},
  };
}

function deviceStatus(root: XmlElement, h: ManscdpHeader): DeviceStatusResponse {
  const alarmList = childNamed(root, 'Alarmstatus');
  const alarmStatus: AlarmStatusItem[] = [];
  for (const item of alarmList ? childrenNamed(alarmList, 'Item') : []) {
    const deviceId = text(item, 'DeviceID');
    if (deviceId !== null) alarmStatus.push({ deviceId, dutyStatus: upper(text(item, 'DutyStatus')) });
  }
  return {
    ...h,
    kind: 'deviceStatusResponse',
    root: 'Response',
    result: upper(text(root, 'Result')),
    online: onOff(text(root, 'Online'), 'ONLINE', 'OFFLINE'),
    status: upper(text(root, 'Status')),
    reason: text(root, 'Reason'),
    encode: onOff(text(root, 'Encode'), 'ON', 'OFF'),
    record: onOff(text(root, 'Record'), 'ON', 'OFF'),
    deviceTime: text(root, 'DeviceTime'),
    alarmStatus,
  };
}

const CONTROL_FIELDS = new Set(['cmdtype', 'sn', 'deviceid', 'ptzcmd', 'teleboot', 'recordcmd', 'guardcmd', 'alarmcmd', 'ifamecmd', 'iframecmd', 'info']);

function deviceControl(root: XmlElement, h: ManscdpHeader): DeviceControl {
  const ptzCmd = text(root, 'PTZCmd');
  let ptz: DeviceControl['ptz'] = null;
  let ptzError: string | null = null;
  if (ptzCmd !== null) {
    try {
      ptz = parsePtzCommand(ptzCmd);
    } catch (err) {
      ptzError = (err as Error).message;
    }
  }
  const info = childNamed(root, 'Info');
  return {
    ...h,
    kind: 'deviceControl',
    root: 'Control',
    ptzCmd,
    ptz,
    ptzError,
    teleBoot: text(root, 'TeleBoot'),
    recordCmd: text(root, 'RecordCmd'),
    guardCmd: text(root, 'GuardCmd'),
    alarmCmd: text(root, 'AlarmCmd'),
    iFrameCmd: text(root, 'IFameCmd') ?? text(root, 'IFrameCmd'),
    controlPriority: info ? integer(text(info, 'ControlPriority')) : null,
    extra: leaves(root, {}, '', CONTROL_FIELDS),
  };
}

function alarm(root: XmlElement, h: ManscdpHeader): AlarmNotify {
  const info = childNamed(root, 'Info');
  const param = info ? childNamed(info, 'AlarmTypeParam') : null;
  return {
    ...h,
    kind: 'alarmNotify',
    root: 'Notify',
    alarmPriority: integer(text(root, 'AlarmPriority')),
    alarmMethod: integer(text(root, 'AlarmMethod')),
    alarmTime: text(root, 'AlarmTime'),
    alarmDescription: text(root, 'AlarmDescription'),
    longitude: decimal(text(root, 'Longitude')),
    latitude: decimal(text(root, 'Latitude')),
    alarmType: info ? integer(text(info, 'AlarmType')) : null,
    eventType: param ? integer(text(param, 'EventType')) : null,
  };
}

function result(root: XmlElement, h: ManscdpHeader): ResultResponse {
  return { ...h, kind: 'result', root: 'Response', result: upper(text(root, 'Result')), reason: text(root, 'Reason') };
}

function toMessage(root: XmlElement, maxItems: number, repairs: Set<ManscdpRepair>): ManscdpMessage {
  const rootName = ROOTS.find((r) => r.toLowerCase() === root.name.toLowerCase()) ?? root.name;
  const h = header(root, rootName);
  const cmd = h.cmdType?.toLowerCase() ?? '';
  switch (`${rootName}:${cmd}`) {
    case 'Notify:keepalive':
      return keepalive(root, h);
    case 'Notify:catalog': {
      const { listNum, items } = catalogItems(root, maxItems, repairs);
      const notify: CatalogNotify = { ...h, kind: 'catalogNotify', root: 'Notify', sumNum: integer(text(root, 'SumNum')), listNum, items };
      return notify;
    }
    case 'Notify:alarm':
      return alarm(root, h);
    case 'Response:catalog': {
      const isAck = !childNamed(root, 'SumNum') && !childNamed(root, 'DeviceList') && childNamed(root, 'Result');
      if (isAck) return result(root, h);
      const { listNum, items } = catalogItems(root, maxItems, repairs);
      const response: CatalogResponse = { ...h, kind: 'catalogResponse', root: 'Response', sumNum: integer(text(root, 'SumNum')), listNum, items };
      return response;
    }
    case 'Response:deviceinfo':
      return deviceInfo(root, h);
    case 'Response:devicestatus':
      return deviceStatus(root, h);
    case 'Response:devicecontrol':
    case 'Response:deviceconfig':
    case 'Response:alarm':
    case 'Response:broadcast':
      return result(root, h);
    case 'Query:catalog':
      return { ...h, kind: 'catalogQuery', root: 'Query', startTime: text(root, 'StartTime'), endTime: text(root, 'EndTime') };
    case 'Query:deviceinfo':
      return { ...h, kind: 'deviceInfoQuery', root: 'Query' };
    case 'Query:devicestatus':
      return { ...h, kind: 'deviceStatusQuery', root: 'Query' };
    case 'Control:devicecontrol':
      return deviceControl(root, h);
    default:
      return { ...h, kind: 'unknown', fields: leaves(root, {}) };
  }
}

/**
 * Parse a MANSCDP body: a Buffer is decoded per its XML declaration first
 * ({@link decodeManscdpBody}); a string is taken as already decoded.
 * @throws ManscdpError when the body is empty, too large, holds no XML element, or exceeds the limits.
 */
export function parseManscdp(body: Uint8Array | string, options: ManscdpParseOptions = {}): ManscdpParseResult {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  if (body.length > maxBytes) throw new ManscdpError('too-large', `body of ${body.length} bytes exceeds ${maxBytes}`);
  let charset: string | null = null;
  let charsetNote: ManscdpCharsetNote | null = null;
  let xmlText: string;
  if (typeof body === 'string') {
    xmlText = body;
  } else {
    const decoded = decodeManscdpBody(body, options);
    xmlText = decoded.text;
    charset = decoded.charset;
    charsetNote = decoded.note;
  }
  if (xmlText.trim() === '') throw new ManscdpError('empty', 'empty body');
  const read = readManscdpXml(xmlText, options);
  const repairs = new Set<ManscdpRepair>(read.repairs);
  const message = toMessage(read.root, options.maxItems ?? DEFAULT_MAX_ITEMS, repairs);
  return { message, truncated: read.truncated, repairs: [...repairs], charset, charsetNote };
}
