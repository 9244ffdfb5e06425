import type { CatalogItemStatus } from './manscdpTypes.js';

/**
 * Build the MANSCDP bodies Argus sends (GB/T 28181-2016 Appendix A): queries and controls to
 * devices, and — cascading upward — keepalives and catalog answers to a superior platform.
 * Bodies are text with an XML declaration; {@link encodeManscdpBody} turns them into the bytes
 * the declaration names. Lines end in CRLF, as in the standard's examples.
 */

/** The encoding an outgoing body declares: GB2312 (what devices expect; sent as GB18030 bytes) or UTF-8. */
export type ManscdpEncoding = 'GB2312' | 'UTF-8';

export interface BuildOptions {
  /** Default GB2312. */
  encoding?: ManscdpEncoding;
}

/** Addressing every command carries (A.2): serial number and target DeviceID. */
export interface CommandTarget {
  /** Serial number, a non-negative integer; the answer echoes it. */
  sn: number;
  /** The device, platform or channel addressed (20 digits). */
  deviceId: string;
}

/** One channel of a catalog answer (A.2.6, 设备目录信息查询应答). Absent optional fields are not sent. */
export interface CatalogEntry {
  deviceId: string;
  name: string;
  manufacturer?: string;
  model?: string;
  owner?: string;
  civilCode?: string;
  block?: string;
  address?: string;
  /** Default false. */
  parental?: boolean;
  parentId?: string;
  businessGroupId?: string;
  safetyWay?: number;
  /** Default 1 (IETF RFC 3261 digest registration). */
  registerWay?: number;
  /** Default 0 (not secret). */
  secrecy?: number;
  ipAddress?: string;
  port?: number;
  status: CatalogItemStatus;
  longitude?: number;
  latitude?: number;
  /** Sent as `<Info><PTZType>`. */
  ptzType?: number;
}

export interface CatalogAnswer extends CommandTarget {
  items: readonly CatalogEntry[];
  /** Items per message, at least 1. Default 1: one channel (about 600 bytes) fits a UDP datagram. */
  perMessage?: number;
}

const INVALID_XML_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Escape text for an XML element or attribute, dropping characters XML 1.0 cannot carry. */
export function escapeXml(value: string): string {
  return value
    .replace(INVALID_XML_CHARS, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

function checkTarget(target: CommandTarget): void {
  if (!Number.isSafeInteger(target.sn) || target.sn < 0) throw new RangeError(`SN must be a non-negative integer, got ${target.sn}`);
  if (target.deviceId.trim() === '') throw new RangeError('DeviceID must not be empty');
}

type Field = readonly [name: string, value: string | number | boolean | undefined | null];

function lines(fields: readonly Field[], indent = ''): string[] {
  const out: string[] = [];
  for (const [name, value] of fields) {
    if (value === undefined || value === null) continue;
    const textValue = typeof value === 'boolean' ? (value ? '1' : '0') : String(value);
    out.push(`${indent}<${name}>${escapeXml(textValue)}</${name}>`);
  }
  return out;
}

function document(root: string, body: readonly string[], options: BuildOptions): string {
  const encoding = options.encoding ?? 'GB2312';
  return [`<?xml version="1.0" encoding="${encoding}"?>`, `<${root}>`, ...body, `</${root}>`, ''].join('\r\n');
}

function command(root: string, cmdType: string, target: CommandTarget, rest: readonly string[], options: BuildOptions): string {
  checkTarget(target);
  return document(root, [...lines([['CmdType', cmdType], ['SN', target.sn], ['DeviceID', target.deviceId]]), ...rest], options);
}

/** Query Catalog (A.2.4, 设备目录查询); the optional window asks for changes only (2016). */
export function buildCatalogQuery(target: CommandTarget & { startTime?: string; endTime?: string }, options: BuildOptions = {}): string {
  return command('Query', 'Catalog', target, lines([['StartTime', target.startTime], ['EndTime', target.endTime]]), options);
}

/** Query DeviceInfo (A.2.4, 设备信息查询). */
export function buildDeviceInfoQuery(target: CommandTarget, options: BuildOptions = {}): string {
  return command('Query', 'DeviceInfo', target, [], options);
}

/** Query DeviceStatus (A.2.4, 设备状态查询). */
export function buildDeviceStatusQuery(target: CommandTarget, options: BuildOptions = {}): string {
  return command('Query', 'DeviceStatus', target, [], options);
}

/**
 * Control DeviceControl with a PTZCmd (A.2.3 设备控制命令; the code per A.3, see ptzCommand.ts).
 * `controlPriority` (1 highest - 5) goes in `<Info>` when given.
 */
export function buildPtzControl(target: CommandTarget & { ptzCmd: string; controlPriority?: number }, options: BuildOptions = {}): string {
  if (!/^[0-9A-F]{16}$/.test(target.ptzCmd)) throw new RangeError(`PTZCmd must be 16 uppercase hex digits, got ${JSON.stringify(target.ptzCmd)}`);
  const rest = lines([['PTZCmd', target.ptzCmd]]);
  if (target.controlPriority !== undefined) rest.push('<Info>', ...lines([['ControlPriority', target.controlPriority]]), '</Info>');
  return command('Control', 'DeviceControl', target, rest, options);
}

/** Control DeviceControl `<IFameCmd>Send</IFameCmd>` (A.2.3, the standard's spelling): send a key frame now. */
export function buildKeyframeRequest(target: CommandTarget, options: BuildOptions = {}): string {
  return command('Control', 'DeviceControl', target, lines([['IFameCmd', 'Send']]), options);
}

/** Notify Keepalive (A.2.5, 状态信息报送), for registering upward; faulty devices go in `<Info>`. */
export function buildKeepalive(target: CommandTarget & { status?: 'OK' | 'ERROR'; faultyDeviceIds?: readonly string[] }, options: BuildOptions = {}): string {
  const rest = lines([['Status', target.status ?? 'OK']]);
  if (target.faultyDeviceIds && target.faultyDeviceIds.length > 0) {
    rest.push('<Info>', ...lines(target.faultyDeviceIds.map((id) => ['DeviceID', id] as const)), '</Info>');
  }
  return command('Notify', 'Keepalive', target, rest, options);
}

/** A Response carrying only `<Result>` (DeviceControl, DeviceConfig, Alarm, catalog SUBSCRIBE answers; A.2.6). */
export function buildResultResponse(target: CommandTarget & { cmdType: string; result: 'OK' | 'ERROR'; reason?: string }, options: BuildOptions = {}): string {
  return command('Response', target.cmdType, target, lines([['Result', target.result], ['Reason', target.reason]]), options);
}

/** Response DeviceInfo (A.2.6, 设备信息查询应答), for the device simulator and upward cascade. */
export function buildDeviceInfoResponse(
  target: CommandTarget & { deviceName: string; manufacturer: string; model: string; firmware: string; channel?: number },
  options: BuildOptions = {},
): string {
  return command(
    'Response',
    'DeviceInfo',
    target,
    lines([
      ['DeviceName', target.deviceName],
      ['Result', 'OK'],
      ['Manufacturer', target.manufacturer],
      ['Model', target.model],
      ['Firmware', target.firmware],
      ['Channel', target.channel],
    ]),
    options,
  );
}

function catalogItem(entry: CatalogEntry): string[] {
  if (entry.deviceId.trim() === '') throw new RangeError('catalog item DeviceID must not be empty');
  const fields = lines(
    [
      ['DeviceID', entry.deviceId],
      ['Name', entry.name],
      ['Manufacturer', entry.manufacturer],
      ['Model', entry.model],
      ['Owner', entry.owner],
      ['CivilCode', entry.civilCode],
      ['Block', entry.block],
      ['Address', entry.address],
      ['Parental', entry.parental ?? false],
      ['ParentID', entry.parentId],
      ['BusinessGroupID', entry.businessGroupId],
      ['SafetyWay', entry.safetyWay],
      ['RegisterWay', entry.registerWay ?? 1],
      ['Secrecy', entry.secrecy ?? 0],
      ['IPAddress', entry.ipAddress],
      ['Port', entry.port],
      ['Status', entry.status],
      ['Longitude', entry.longitude],
      ['Latitude', entry.latitude],
    ],
    '    ',
  );
  if (entry.ptzType !== undefined) fields.push('    <Info>', ...lines([['PTZType', entry.ptzType]], '      '), '    </Info>');
  return ['  <Item>', ...fields, '  </Item>'];
}

/**
 * Response Catalog (A.2.6, 设备目录信息查询应答) split into messages of `perMessage` items,
 * each with `<SumNum>` = all items and `<DeviceList Num>` = its own. No items: one message
 * with SumNum 0.
 */
export function buildCatalogResponses(answer: CatalogAnswer, options: BuildOptions = {}): string[] {
  const perMessage = answer.perMessage ?? 1;
  if (!Number.isSafeInteger(perMessage) || perMessage < 1) throw new RangeError(`perMessage must be a positive integer, got ${perMessage}`);
  const chunks: (readonly CatalogEntry[])[] = [];
  for (let i = 0; i < answer.items.length; i += perMessage) chunks.push(answer.items.slice(i, i + perMessage));
  if (chunks.length === 0) chunks.push([]);
  return chunks.map((chunk) =>
    command(
      'Response',
      'Catalog',
      answer,
      [...lines([['SumNum', answer.items.length]]), `<DeviceList Num="${chunk.length}">`, ...chunk.flatMap(catalogItem), '</DeviceList>'],
      options,
    ),
  );
}
