import type { PtzCommand } from './ptzCommand.js';

/**
 * The MANSCDP messages Argus reads (GB/T 28181-2016 Appendix A), as one discriminated union on
 * `kind`. Every field a device may omit or garble is nullable: the parser keeps what it can
 * read and leaves the rest null rather than failing the message.
 */

/** The four command classes of A.2 (控制 Control, 查询 Query, 通知 Notify, 应答 Response). */
export type ManscdpRoot = 'Control' | 'Query' | 'Notify' | 'Response';

/** Fields every MANSCDP command carries (A.2: CmdType, SN, DeviceID). */
export interface ManscdpHeader {
  /** The root element, in the standard's case when it is one of the four classes. */
  root: string;
  /** `<CmdType>` as sent (trimmed); null when absent. */
  cmdType: string | null;
  /** `<SN>`, the command serial number echoed by the answer; null when absent or not a number. */
  sn: number | null;
  /** `<DeviceID>` of the device, platform or channel addressed or answering; null when absent. */
  deviceId: string | null;
}

/** Catalog item status (A.2.6 catalog response, `<Status>`): the channel is online or not. */
export type CatalogItemStatus = 'ON' | 'OFF';

/** Catalog change events carried in catalog NOTIFY items (`<Event>`, GB/T 28181-2016 9.11). */
export type CatalogEvent = 'ON' | 'OFF' | 'VLOST' | 'DEFECT' | 'ADD' | 'DEL' | 'UPDATE';

/**
 * One `<Item>` of a catalog response or notify (A.2.6, 设备目录信息查询应答): a channel,
 * a sub-device, a civil-code node, a business group or a virtual organisation.
 */
export interface CatalogItem {
  deviceId: string;
  /** Catalog NOTIFY only; null in responses. */
  event: CatalogEvent | null;
  name: string | null;
  manufacturer: string | null;
  model: string | null;
  owner: string | null;
  civilCode: string | null;
  block: string | null;
  address: string | null;
  /** `<Parental>` 1: the item has children. */
  parental: boolean | null;
  parentId: string | null;
  /** `<BusinessGroupID>` (virtual organisations), from the item or its `<Info>`. */
  businessGroupId: string | null;
  safetyWay: number | null;
  registerWay: number | null;
  certNum: string | null;
  certifiable: boolean | null;
  errCode: number | null;
  endTime: string | null;
  secrecy: number | null;
  ipAddress: string | null;
  port: number | null;
  status: CatalogItemStatus | null;
  longitude: number | null;
  latitude: number | null;
  /** `<StreamNum>` (GB/T 28181-2022; Dahua sends it): number of streams the channel offers. */
  streamNum: number | null;
  /** `<Info><PTZType>`: 1 dome, 2 half-dome, 3 fixed, 4 remote-controlled fixed; null unknown. */
  ptzType: number | null;
  /** Every `<Info>` child as text (PTZType, PositionType, RoomType, UseType, DownloadSpeed...). */
  info: Record<string, string>;
  /** Leaf fields not modelled above, as sent. `<Password>` is never kept. */
  extra: Record<string, string>;
}

/** Notify Keepalive (A.2.5, 状态信息报送): the device is alive. */
export interface KeepaliveNotify extends ManscdpHeader {
  kind: 'keepalive';
  root: 'Notify';
  /** `<Status>`: "OK" normally, "ERROR" when some devices behind it fail; upper-cased. */
  status: string | null;
  /** `<Info><DeviceID>` list: the faulty devices behind an NVR or platform. */
  faultyDeviceIds: string[];
}

/** Response Catalog (A.2.6, 设备目录信息查询应答): one message of a possibly multi-message answer. */
export interface CatalogResponse extends ManscdpHeader {
  kind: 'catalogResponse';
  root: 'Response';
  /** `<SumNum>`: items in the whole answer, over all its messages. */
  sumNum: number | null;
  /** `<DeviceList Num="…">`: items this message claims to hold. */
  listNum: number | null;
  items: CatalogItem[];
}

/** Notify Catalog (catalog subscription, GB/T 28181-2016 9.11): channels added, deleted, on, off. */
export interface CatalogNotify extends ManscdpHeader {
  kind: 'catalogNotify';
  root: 'Notify';
  sumNum: number | null;
  listNum: number | null;
  items: CatalogItem[];
}

/** Response DeviceInfo (A.2.6, 设备信息查询应答). */
export interface DeviceInfoResponse extends ManscdpHeader {
  kind: 'deviceInfoResponse';
  root: 'Response';
  deviceName: string | null;
  /** `<Result>` "OK" / "ERROR", upper-cased. */
  result: string | null;
  manufacturer: string | null;
  model: string | null;
  firmware: string | null;
  /** `<Channel>`: number of video inputs. */
  channel: number | null;
  /** `<Info>` children as text. */
  info: Record<string, string>;
}

/** One `<Alarmstatus><Item>` of a DeviceStatus response. */
export interface AlarmStatusItem {
  deviceId: string;
  /** "ONDUTY", "OFFDUTY" or "ALARM", upper-cased. */
  dutyStatus: string | null;
}

/** Response DeviceStatus (A.2.6, 设备状态信息查询应答). */
export interface DeviceStatusResponse extends ManscdpHeader {
  kind: 'deviceStatusResponse';
  root: 'Response';
  result: string | null;
  /** `<Online>` ONLINE / OFFLINE. */
  online: boolean | null;
  /** `<Status>` "OK" / "ERROR", upper-cased. */
  status: string | null;
  reason: string | null;
  /** `<Encode>` ON / OFF. */
  encode: boolean | null;
  /** `<Record>` ON / OFF. */
  record: boolean | null;
  deviceTime: string | null;
  alarmStatus: AlarmStatusItem[];
}

/** Query Catalog (A.2.4, 设备目录查询). 2016 adds an optional time window for changes. */
export interface CatalogQuery extends ManscdpHeader {
  kind: 'catalogQuery';
  root: 'Query';
  startTime: string | null;
  endTime: string | null;
}

/** Query DeviceInfo (A.2.4, 设备信息查询). */
export interface DeviceInfoQuery extends ManscdpHeader {
  kind: 'deviceInfoQuery';
  root: 'Query';
}

/** Query DeviceStatus (A.2.4, 设备状态查询). */
export interface DeviceStatusQuery extends ManscdpHeader {
  kind: 'deviceStatusQuery';
  root: 'Query';
}

/** Control DeviceControl (A.2.3, 设备控制命令). Each sub-command is optional. */
export interface DeviceControl extends ManscdpHeader {
  kind: 'deviceControl';
  root: 'Control';
  /** `<PTZCmd>` as sent (trimmed). */
  ptzCmd: string | null;
  /** `ptzCmd` decoded (A.3); null when absent or invalid. */
  ptz: PtzCommand | null;
  /** Why `ptzCmd` did not decode; null when it did or is absent. */
  ptzError: string | null;
  /** `<TeleBoot>` "Boot": reboot. */
  teleBoot: string | null;
  /** `<RecordCmd>` "Record" / "StopRecord". */
  recordCmd: string | null;
  /** `<GuardCmd>` "SetGuard" / "ResetGuard". */
  guardCmd: string | null;
  /** `<AlarmCmd>` "ResetAlarm". */
  alarmCmd: string | null;
  /** `<IFameCmd>` "Send": send a key frame now (the standard's spelling; `<IFrameCmd>` accepted). */
  iFrameCmd: string | null;
  /** `<Info><ControlPriority>` (1 highest - 5). */
  controlPriority: number | null;
  /** Other sub-commands (DragZoomIn, HomePosition...) as text of their leaves, by name. */
  extra: Record<string, string>;
}

/** Notify Alarm (A.2.5, 报警通知). */
export interface AlarmNotify extends ManscdpHeader {
  kind: 'alarmNotify';
  root: 'Notify';
  /** 1 first-class (highest) to 4. */
  alarmPriority: number | null;
  /** 1 phone, 2 device, 3 SMS, 4 GPS, 5 video, 6 device fault, 7 other. */
  alarmMethod: number | null;
  alarmTime: string | null;
  alarmDescription: string | null;
  longitude: number | null;
  latitude: number | null;
  /** `<Info><AlarmType>`. */
  alarmType: number | null;
  /** `<Info><AlarmTypeParam><EventType>`. */
  eventType: number | null;
}

/**
 * A Response that only acknowledges (`<Result>OK</Result>`): DeviceControl, DeviceConfig, Alarm
 * and Broadcast responses, and the answer to a catalog SUBSCRIBE.
 */
export interface ResultResponse extends ManscdpHeader {
  kind: 'result';
  root: 'Response';
  /** "OK" / "ERROR", upper-cased. */
  result: string | null;
  reason: string | null;
}

/** A well-formed command Argus does not model: unknown CmdType or root. Never an error. */
export interface UnknownMessage extends ManscdpHeader {
  kind: 'unknown';
  /** The root's leaf children as text, by name as sent (first occurrence). */
  fields: Record<string, string>;
}

export type ManscdpMessage =
  | KeepaliveNotify
  | CatalogResponse
  | CatalogNotify
  | DeviceInfoResponse
  | DeviceStatusResponse
  | CatalogQuery
  | DeviceInfoQuery
  | DeviceStatusQuery
  | DeviceControl
  | AlarmNotify
  | ResultResponse
  | UnknownMessage;

export type ManscdpKind = ManscdpMessage['kind'];
