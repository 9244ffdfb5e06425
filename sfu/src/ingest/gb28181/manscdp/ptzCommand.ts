/**
 * The 8-byte front-end device control code carried in `<PTZCmd>` (GB/T 28181-2016 A.3,
 * 前端设备控制协议), written as 16 uppercase hex digits.
 *
 * A.3, instruction format (指令格式):
 *
 * | byte | content |
 * |---|---|
 * | 1 | A5H |
 * | 2 | high nibble: version (0H); low nibble: check = (A + 5 + version) mod 16 → `0F` |
 * | 3 | address, low 8 bits |
 * | 4 | instruction code |
 * | 5 | data 1 |
 * | 6 | data 2 |
 * | 7 | high nibble: data 3; low nibble: address, high 4 bits |
 * | 8 | checksum = (byte 1 + … + byte 7) mod 256 |
 *
 * Instruction families (byte 4), each in its own part of A.3:
 * - PTZ (bits 7-6 = 00): bit 5 zoom out, bit 4 zoom in, bit 3 up, bit 2 down, bit 1 left,
 *   bit 0 right; data 1 pan speed, data 2 tilt speed, data 3 zoom speed (0-15). 00H stops.
 * - FI (high nibble 0100): bit 3 iris close (缩小), bit 2 iris open (放大), bit 1 focus near,
 *   bit 0 focus far; data 1 focus speed, data 2 iris speed. 40H stops focus and iris.
 * - preset: 81H set, 82H goto, 83H delete; data 2 the preset number (1-255).
 * - cruise: 84H add a point, 85H remove a point (data 2 = preset; 0 removes the cruise),
 *   86H cruise speed, 87H dwell time (12-bit value: data 2 low 8 bits, data 3 high 4 bits),
 *   88H start; data 1 the cruise number. The PTZ stop (00H) stops a cruise.
 * - scan: 89H with data 2 = 00H start, 01H set left boundary, 02H set right boundary;
 *   8AH scan speed (12-bit as for cruise); data 1 the scan number. 00H stops a scan.
 * - auxiliary switch: 8CH on, 8DH off; data 1 the switch number (1 = wiper).
 *
 * Example (checked by hand and in tests): `A50F01021F0000D6` is pan left at speed 1FH,
 * address 1: A5+0F+01+02+1F+00+00 = 1D6, checksum D6.
 */

export type PtzPan = 'left' | 'right';
export type PtzTilt = 'up' | 'down';
export type PtzZoom = 'in' | 'out';
export type PtzFocus = 'near' | 'far';
export type PtzIris = 'open' | 'close';
export type PresetOperation = 'set' | 'goto' | 'delete';
export type CruiseOperation = 'add' | 'remove' | 'speed' | 'dwell' | 'start';
export type ScanOperation = 'start' | 'left-boundary' | 'right-boundary' | 'speed';

/** Largest device address: 12 bits (byte 3 and the low nibble of byte 7). */
export const PTZ_MAX_ADDRESS = 0xfff;
/** The address the standard's examples and most devices use. */
export const PTZ_DEFAULT_ADDRESS = 1;

export interface PtzMotion {
  pan: PtzPan | null;
  tilt: PtzTilt | null;
  zoom: PtzZoom | null;
  /** Pan and tilt speed, 0-255; the zoom speed is derived from it unless `zoomSpeed` is given. */
  speed: number;
  /** Overrides `speed` for pan, 0-255. */
  panSpeed?: number;
  /** Overrides `speed` for tilt, 0-255. */
  tiltSpeed?: number;
  /** Zoom speed, 0-15; default `speed` / 16, at least 1 when `speed` > 0. */
  zoomSpeed?: number;
  /** Device address, 0-4095; default 1. */
  address?: number;
}

export interface FocusIrisMotion {
  focus: PtzFocus | null;
  iris: PtzIris | null;
  /** Focus and iris speed, 0-255. */
  speed: number;
  address?: number;
}

/** A decoded PTZCmd: what {@link parsePtzCommand} returns. */
export type PtzCommand =
  | { kind: 'stop'; address: number }
  | { kind: 'motion'; address: number; pan: PtzPan | null; tilt: PtzTilt | null; zoom: PtzZoom | null; panSpeed: number; tiltSpeed: number; zoomSpeed: number }
  | { kind: 'focusIris'; address: number; focus: PtzFocus | null; iris: PtzIris | null; focusSpeed: number; irisSpeed: number }
  | { kind: 'preset'; address: number; operation: PresetOperation; preset: number }
  | { kind: 'cruise'; address: number; operation: CruiseOperation; cruise: number; value: number }
  | { kind: 'scan'; address: number; operation: ScanOperation; scan: number; value: number }
  | { kind: 'auxiliary'; address: number; on: boolean; switchNumber: number };

export type PtzCommandErrorReason = 'length' | 'hex' | 'header' | 'checksum' | 'instruction';

/** A PTZCmd string that is not a valid A.3 control code. */
export class PtzCommandError extends Error {
  override readonly name = 'PtzCommandError';
  constructor(
    readonly reason: PtzCommandErrorReason,
    message: string,
  ) {
    super(message);
  }
}

const HEADER = 0xa5;
const VERSION = 0x0;
/** Byte 2: version in the high nibble, (A + 5 + version) mod 16 in the low nibble. */
const COMBINATION_1 = (VERSION << 4) | ((0xa + 0x5 + VERSION) & 0x0f);

const PRESET_CODES: Record<PresetOperation, number> = { set: 0x81, goto: 0x82, delete: 0x83 };
const CRUISE_CODES: Record<CruiseOperation, number> = { add: 0x84, remove: 0x85, speed: 0x86, dwell: 0x87, start: 0x88 };
const SCAN_START = 0x89;
const SCAN_SPEED = 0x8a;
const SCAN_SUBCODES: Record<Exclude<ScanOperation, 'speed'>, number> = { start: 0x00, 'left-boundary': 0x01, 'right-boundary': 0x02 };
const AUX_ON = 0x8c;
const AUX_OFF = 0x8d;

function checkRange(what: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) throw new RangeError(`${what} must be an integer ${min}-${max}, got ${value}`);
  return value;
}

/** Sum of bytes mod 256: the A.3 checksum of bytes 1-7. */
export function ptzChecksum(bytes: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < 7; i++) sum += bytes[i] ?? 0;
  return sum & 0xff;
}

/**
 * Assemble a control code from its instruction and data bytes (A.3 instruction format).
 * `data3` is the 4-bit value in the high nibble of byte 7.
 */
export function encodePtzBytes(instruction: number, data1: number, data2: number, data3: number, address: number = PTZ_DEFAULT_ADDRESS): string {
  checkRange('instruction', instruction, 0, 0xff);
  checkRange('data 1', data1, 0, 0xff);
  checkRange('data 2', data2, 0, 0xff);
  checkRange('data 3', data3, 0, 0x0f);
  checkRange('address', address, 0, PTZ_MAX_ADDRESS);
  const bytes = [HEADER, COMBINATION_1, address & 0xff, instruction, data1, data2, (data3 << 4) | (address >> 8)];
  bytes.push(ptzChecksum(bytes));
  return bytes.map((b) => b.toString(16).toUpperCase().padStart(2, '0')).join('');
}

/** Pan, tilt and zoom at the given speeds (A.3, PTZ instructions); all null is a stop. */
export function ptzCommand(motion: PtzMotion): string {
  checkRange('speed', motion.speed, 0, 0xff);
  let code = 0;
  if (motion.pan === 'right') code |= 0x01;
  if (motion.pan === 'left') code |= 0x02;
  if (motion.tilt === 'down') code |= 0x04;
  if (motion.tilt === 'up') code |= 0x08;
  if (motion.zoom === 'in') code |= 0x10;
  if (motion.zoom === 'out') code |= 0x20;
  const panSpeed = motion.pan ? checkRange('pan speed', motion.panSpeed ?? motion.speed, 0, 0xff) : 0;
  const tiltSpeed = motion.tilt ? checkRange('tilt speed', motion.tiltSpeed ?? motion.speed, 0, 0xff) : 0;
  const derivedZoom = motion.speed === 0 ? 0 : Math.max(1, motion.speed >> 4);
  const zoomSpeed = motion.zoom ? checkRange('zoom speed', motion.zoomSpeed ?? derivedZoom, 0, 0x0f) : 0;
  return encodePtzBytes(code, panSpeed, tiltSpeed, zoomSpeed, motion.address);
}

/** Stop pan, tilt and zoom (instruction 00H), and any cruise or scan in progress. */
export function ptzStop(address: number = PTZ_DEFAULT_ADDRESS): string {
  return encodePtzBytes(0x00, 0, 0, 0, address);
}

/** Focus and iris at the given speed (A.3, FI instructions); both null stops them (40H). */
export function focusIrisCommand(motion: FocusIrisMotion): string {
  checkRange('speed', motion.speed, 0, 0xff);
  let code = 0x40;
  if (motion.focus === 'far') code |= 0x01;
  if (motion.focus === 'near') code |= 0x02;
  if (motion.iris === 'open') code |= 0x04;
  if (motion.iris === 'close') code |= 0x08;
  return encodePtzBytes(code, motion.focus ? motion.speed : 0, motion.iris ? motion.speed : 0, 0, motion.address);
}

/** Set, go to or delete preset 1-255 (A.3, preset instructions: 81H, 82H, 83H). */
export function presetCommand(operation: PresetOperation, preset: number, address: number = PTZ_DEFAULT_ADDRESS): string {
  checkRange('preset', preset, 1, 0xff);
  return encodePtzBytes(PRESET_CODES[operation], 0x00, preset, 0, address);
}

/**
 * A cruise (tour) instruction (A.3, cruise instructions: 84H-88H) for cruise `cruise` (0-255).
 * `value`: the preset for add/remove (0-255; remove 0 deletes the whole cruise), the speed or
 * the dwell time in seconds for speed/dwell (0-4095), unused for start.
 */
export function cruiseCommand(operation: CruiseOperation, cruise: number, value = 0, address: number = PTZ_DEFAULT_ADDRESS): string {
  checkRange('cruise', cruise, 0, 0xff);
  if (operation === 'speed' || operation === 'dwell') {
    checkRange(`cruise ${operation}`, value, 0, 0xfff);
    return encodePtzBytes(CRUISE_CODES[operation], cruise, value & 0xff, value >> 8, address);
  }
  if (operation === 'start') return encodePtzBytes(CRUISE_CODES.start, cruise, 0, 0, address);
  return encodePtzBytes(CRUISE_CODES[operation], cruise, checkRange('preset', value, 0, 0xff), 0, address);
}

/**
 * An automatic scan instruction (A.3, scan instructions: 89H, 8AH) for scan `scan` (0-255).
 * `speed` (0-4095) only for the speed operation.
 */
export function scanCommand(operation: ScanOperation, scan: number, speed = 0, address: number = PTZ_DEFAULT_ADDRESS): string {
  checkRange('scan', scan, 0, 0xff);
  if (operation === 'speed') {
    checkRange('scan speed', speed, 0, 0xfff);
    return encodePtzBytes(SCAN_SPEED, scan, speed & 0xff, speed >> 8, address);
  }
  return encodePtzBytes(SCAN_START, scan, SCAN_SUBCODES[operation], 0, address);
}

/** Switch auxiliary switch `switchNumber` (0-255; 1 is the wiper) on (8CH) or off (8DH). */
export function auxiliaryCommand(on: boolean, switchNumber: number, address: number = PTZ_DEFAULT_ADDRESS): string {
  checkRange('switch number', switchNumber, 0, 0xff);
  return encodePtzBytes(on ? AUX_ON : AUX_OFF, switchNumber, 0, 0, address);
}

function twelveBits(low: number, high: number): number {
  return low | (high << 8);
}

/**
 * Decode a PTZCmd string, checking header, byte 2 and the checksum. Case and surrounding
 * whitespace are ignored.
 * @throws PtzCommandError when it is not a valid control code.
 */
export function parsePtzCommand(hex: string): PtzCommand {
  const text = hex.trim();
  if (text.length !== 16) throw new PtzCommandError('length', `PTZCmd must be 16 hex digits, got ${text.length} characters`);
  if (!/^[0-9A-Fa-f]{16}$/.test(text)) throw new PtzCommandError('hex', `PTZCmd is not hexadecimal: ${JSON.stringify(text)}`);
  const b = Array.from({ length: 8 }, (_, i) => parseInt(text.slice(i * 2, i * 2 + 2), 16));
  const [b1, b2, b3, b4, b5, b6, b7, b8] = b as [number, number, number, number, number, number, number, number];
  if (b1 !== HEADER) throw new PtzCommandError('header', `byte 1 must be A5, got ${text.slice(0, 2)}`);
  if ((b2 & 0x0f) !== ((0xa + 0x5 + (b2 >> 4)) & 0x0f)) throw new PtzCommandError('header', `byte 2 check nibble wrong: ${text.slice(2, 4)}`);
  const expected = ptzChecksum(b);
  if (b8 !== expected) throw new PtzCommandError('checksum', `checksum ${text.slice(14)} should be ${expected.toString(16).toUpperCase().padStart(2, '0')}`);
  const address = b3 | ((b7 & 0x0f) << 8);
  const data3 = b7 >> 4;
  if (b4 === 0x00) return { kind: 'stop', address };
  if ((b4 & 0xc0) === 0x00) {
    if ((b4 & 0x03) === 0x03 || (b4 & 0x0c) === 0x0c || (b4 & 0x30) === 0x30) {
      throw new PtzCommandError('instruction', `opposite directions at once: ${text.slice(6, 8)}`);
    }
    return {
      kind: 'motion',
      address,
      pan: b4 & 0x01 ? 'right' : b4 & 0x02 ? 'left' : null,
      tilt: b4 & 0x04 ? 'down' : b4 & 0x08 ? 'up' : null,
      zoom: b4 & 0x10 ? 'in' : b4 & 0x20 ? 'out' : null,
      panSpeed: b5,
      tiltSpeed: b6,
      zoomSpeed: data3,
    };
  }
  if ((b4 & 0xf0) === 0x40) {
    if ((b4 & 0x03) === 0x03 || (b4 & 0x0c) === 0x0c) throw new PtzCommandError('instruction', `opposite focus/iris at once: ${text.slice(6, 8)}`);
    return {
      kind: 'focusIris',
      address,
      focus: b4 & 0x01 ? 'far' : b4 & 0x02 ? 'near' : null,
      iris: b4 & 0x04 ? 'open' : b4 & 0x08 ? 'close' : null,
      focusSpeed: b5,
      irisSpeed: b6,
    };
  }
  switch (b4) {
    case 0x81:
    case 0x82:
    case 0x83: {
      const operation = (['set', 'goto', 'delete'] as const)[b4 - 0x81]!;
      return { kind: 'preset', address, operation, preset: b6 };
    }
    case 0x84:
    case 0x85:
      return { kind: 'cruise', address, operation: b4 === 0x84 ? 'add' : 'remove', cruise: b5, value: b6 };
    case 0x86:
    case 0x87:
      return { kind: 'cruise', address, operation: b4 === 0x86 ? 'speed' : 'dwell', cruise: b5, value: twelveBits(b6, data3) };
    case 0x88:
      return { kind: 'cruise', address, operation: 'start', cruise: b5, value: 0 };
    case SCAN_START: {
      const operation = (['start', 'left-boundary', 'right-boundary'] as const)[b6];
      if (!operation) throw new PtzCommandError('instruction', `scan sub-operation ${b6} undefined`);
      return { kind: 'scan', address, operation, scan: b5, value: 0 };
    }
    case SCAN_SPEED:
      return { kind: 'scan', address, operation: 'speed', scan: b5, value: twelveBits(b6, data3) };
    case AUX_ON:
    case AUX_OFF:
      return { kind: 'auxiliary', address, on: b4 === AUX_ON, switchNumber: b5 };
    default:
      throw new PtzCommandError('instruction', `instruction code ${text.slice(6, 8)} is not defined by A.3`);
  }
}
