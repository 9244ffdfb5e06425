import { describe, expect, it } from 'vitest';
import {
  auxiliaryCommand,
  cruiseCommand,
  encodePtzBytes,
  focusIrisCommand,
  parsePtzCommand,
  presetCommand,
  PtzCommandError,
  ptzCommand,
  ptzStop,
  scanCommand,
  type PtzCommand,
} from '../../../sfu/src/ingest/gb28181/manscdp/index.js';

/** The A.3 checksum, computed here independently of the module: sum of bytes 1-7 mod 256. */
function independentChecksum(hex: string): number {
  let sum = 0;
  for (let i = 0; i < 14; i += 2) sum += parseInt(hex.slice(i, i + 2), 16);
  return sum % 256;
}

function bytes(hex: string): number[] {
  return Array.from({ length: 8 }, (_, i) => parseInt(hex.slice(i * 2, i * 2 + 2), 16));
}

function checkFrame(hex: string): void {
  expect(hex).toMatch(/^[0-9A-F]{16}$/);
  const b = bytes(hex);
  expect(b[0]).toBe(0xa5);
  expect(b[1]).toBe(0x0f); // version 0, check (0xA + 0x5 + 0x0) & 0xF
  expect(b[7]).toBe(independentChecksum(hex));
}

function reason(hex: string): string {
  try {
    parsePtzCommand(hex);
    return 'valid';
  } catch (err) {
    expect(err).toBeInstanceOf(PtzCommandError);
    return (err as PtzCommandError).reason;
  }
}

describe('published PTZCmd frames, checksums recomputed here', () => {
  const frames: [string, PtzCommand][] = [
    // SRS capture (srs4_capture/ptz_devicecontrol_body.xml): pan left at 1FH.
    ['A50F01021F0000D6', { kind: 'motion', address: 1, pan: 'left', tilt: null, zoom: null, panSpeed: 0x1f, tiltSpeed: 0, zoomSpeed: 0 }],
    // Tilt up at FAH.
    ['A50F010800FA00B7', { kind: 'motion', address: 1, pan: null, tilt: 'up', zoom: null, panSpeed: 0, tiltSpeed: 0xfa, zoomSpeed: 0 }],
    // A platform that fills every speed even for idle axes (seen in WVP-style senders): tilt up.
    ['A50F01081E1E1009', { kind: 'motion', address: 1, pan: null, tilt: 'up', zoom: null, panSpeed: 0x1e, tiltSpeed: 0x1e, zoomSpeed: 1 }],
    ['A50F0100000000B5', { kind: 'stop', address: 1 }],
    ['A50F018100010037', { kind: 'preset', address: 1, operation: 'set', preset: 1 }],
    ['A50F01840103003D', { kind: 'cruise', address: 1, operation: 'add', cruise: 1, value: 3 }],
    ['A50F01850103003E', { kind: 'cruise', address: 1, operation: 'remove', cruise: 1, value: 3 }],
    ['A50F0186012C1078', { kind: 'cruise', address: 1, operation: 'speed', cruise: 1, value: 300 }],
    ['A50F018702FFF02D', { kind: 'cruise', address: 1, operation: 'dwell', cruise: 2, value: 4095 }],
    ['A50F01880100003E', { kind: 'cruise', address: 1, operation: 'start', cruise: 1, value: 0 }],
    ['A50F01890000003E', { kind: 'scan', address: 1, operation: 'start', scan: 0, value: 0 }],
    ['A50F01890001003F', { kind: 'scan', address: 1, operation: 'left-boundary', scan: 0, value: 0 }],
    ['A50F018900020040', { kind: 'scan', address: 1, operation: 'right-boundary', scan: 0, value: 0 }],
    ['A50F018A007800B7', { kind: 'scan', address: 1, operation: 'speed', scan: 0, value: 120 }],
    ['A50F018C01000042', { kind: 'auxiliary', address: 1, on: true, switchNumber: 1 }],
    ['A50F018D01000043', { kind: 'auxiliary', address: 1, on: false, switchNumber: 1 }],
  ];

  it.each(frames)('%s has a valid checksum and decodes', (hex, decoded) => {
    checkFrame(hex);
    expect(parsePtzCommand(hex)).toEqual(decoded);
  });

  it('the encoders produce the same frames', () => {
    expect(ptzCommand({ pan: 'left', tilt: null, zoom: null, speed: 0x1f })).toBe('A50F01021F0000D6');
    expect(ptzCommand({ pan: null, tilt: 'up', zoom: null, speed: 0xfa })).toBe('A50F010800FA00B7');
    expect(ptzCommand({ pan: null, tilt: 'up', zoom: null, speed: 0x1e, panSpeed: 0x1e })).not.toBe('A50F01081E1E1009'); // idle axes get speed 0
    expect(ptzStop()).toBe('A50F0100000000B5');
    expect(presetCommand('set', 1)).toBe('A50F018100010037');
    expect(cruiseCommand('add', 1, 3)).toBe('A50F01840103003D');
    expect(cruiseCommand('remove', 1, 3)).toBe('A50F01850103003E');
    expect(cruiseCommand('speed', 1, 300)).toBe('A50F0186012C1078');
    expect(cruiseCommand('dwell', 2, 4095)).toBe('A50F018702FFF02D');
    expect(cruiseCommand('start', 1)).toBe('A50F01880100003E');
    expect(scanCommand('start', 0)).toBe('A50F01890000003E');
    expect(scanCommand('left-boundary', 0)).toBe('A50F01890001003F');
    expect(scanCommand('right-boundary', 0)).toBe('A50F018900020040');
    expect(scanCommand('speed', 0, 120)).toBe('A50F018A007800B7');
    expect(auxiliaryCommand(true, 1)).toBe('A50F018C01000042');
    expect(auxiliaryCommand(false, 1)).toBe('A50F018D01000043');
  });
});

describe('encode → decode for every command kind', () => {
  it('pan × tilt × zoom, at several speeds and addresses', () => {
    const pans = ['left', 'right', null] as const;
    const tilts = ['up', 'down', null] as const;
    const zooms = ['in', 'out', null] as const;
    let frames = 0;
    for (const pan of pans) for (const tilt of tilts) for (const zoom of zooms) for (const speed of [1, 0x1f, 0x80, 0xff]) for (const address of [0, 1, 0xff, 0x100, 0xfff]) {
      const hex = ptzCommand({ pan, tilt, zoom, speed, address });
      checkFrame(hex);
      const b = bytes(hex);
      expect(b[2]).toBe(address & 0xff);
      expect(b[6]! & 0x0f).toBe(address >> 8);
      const decoded = parsePtzCommand(hex);
      if (!pan && !tilt && !zoom) {
        expect(decoded).toEqual({ kind: 'stop', address });
      } else {
        expect(decoded).toEqual({ kind: 'motion', address, pan, tilt, zoom, panSpeed: pan ? speed : 0, tiltSpeed: tilt ? speed : 0, zoomSpeed: zoom ? Math.max(1, speed >> 4) : 0 });
      }
      frames++;
    }
    expect(frames).toBe(27 * 4 * 5);
  });

  it('the instruction bits are those of A.3: right 01, left 02, down 04, up 08, in 10, out 20', () => {
    const code = (m: Parameters<typeof ptzCommand>[0]) => bytes(ptzCommand(m))[3];
    expect(code({ pan: 'right', tilt: null, zoom: null, speed: 1 })).toBe(0x01);
    expect(code({ pan: 'left', tilt: null, zoom: null, speed: 1 })).toBe(0x02);
    expect(code({ pan: null, tilt: 'down', zoom: null, speed: 1 })).toBe(0x04);
    expect(code({ pan: null, tilt: 'up', zoom: null, speed: 1 })).toBe(0x08);
    expect(code({ pan: null, tilt: null, zoom: 'in', speed: 1 })).toBe(0x10);
    expect(code({ pan: null, tilt: null, zoom: 'out', speed: 1 })).toBe(0x20);
    expect(code({ pan: 'left', tilt: 'up', zoom: 'out', speed: 1 })).toBe(0x2a);
  });

  it('separate pan, tilt and zoom speeds', () => {
    const hex = ptzCommand({ pan: 'right', tilt: 'up', zoom: 'in', speed: 10, panSpeed: 200, tiltSpeed: 100, zoomSpeed: 15 });
    expect(hex.slice(6, 14)).toBe('19C864F0'); // right 01 + up 08 + in 10
    expect(parsePtzCommand(hex)).toMatchObject({ panSpeed: 200, tiltSpeed: 100, zoomSpeed: 15 });
    expect(parsePtzCommand(ptzCommand({ pan: null, tilt: null, zoom: 'in', speed: 0 }))).toMatchObject({ zoom: 'in', zoomSpeed: 0 });
  });

  it('focus and iris (FI: 40H family)', () => {
    for (const focus of ['near', 'far', null] as const) for (const iris of ['open', 'close', null] as const) {
      const hex = focusIrisCommand({ focus, iris, speed: 0x60 });
      checkFrame(hex);
      expect(bytes(hex)[3]! & 0xf0).toBe(0x40);
      expect(parsePtzCommand(hex)).toEqual({ kind: 'focusIris', address: 1, focus, iris, focusSpeed: focus ? 0x60 : 0, irisSpeed: iris ? 0x60 : 0 });
    }
    expect(focusIrisCommand({ focus: 'far', iris: null, speed: 1 }).slice(6, 8)).toBe('41');
    expect(focusIrisCommand({ focus: 'near', iris: null, speed: 1 }).slice(6, 8)).toBe('42');
    expect(focusIrisCommand({ focus: null, iris: 'open', speed: 1 }).slice(6, 8)).toBe('44');
    expect(focusIrisCommand({ focus: null, iris: 'close', speed: 1 }).slice(6, 8)).toBe('48');
  });

  it('presets 1-255: set 81H, goto 82H, delete 83H, number in byte 6', () => {
    for (const [operation, code] of [['set', 0x81], ['goto', 0x82], ['delete', 0x83]] as const) {
      for (let preset = 1; preset <= 255; preset++) {
        const hex = presetCommand(operation, preset);
        checkFrame(hex);
        expect(bytes(hex).slice(3, 7)).toEqual([code, 0, preset, 0]);
        expect(parsePtzCommand(hex)).toEqual({ kind: 'preset', address: 1, operation, preset });
      }
    }
  });

  it('cruise, scan and auxiliary switches', () => {
    for (const operation of ['add', 'remove', 'speed', 'dwell', 'start'] as const) {
      for (const value of operation === 'start' ? [0] : operation === 'speed' || operation === 'dwell' ? [0, 1, 255, 256, 4095] : [0, 1, 255]) {
        const hex = cruiseCommand(operation, 7, value, 2);
        checkFrame(hex);
        expect(parsePtzCommand(hex)).toEqual({ kind: 'cruise', address: 2, operation, cruise: 7, value });
      }
    }
    for (const operation of ['start', 'left-boundary', 'right-boundary', 'speed'] as const) {
      const value = operation === 'speed' ? 3000 : 0;
      const hex = scanCommand(operation, 4, value);
      checkFrame(hex);
      expect(parsePtzCommand(hex)).toEqual({ kind: 'scan', address: 1, operation, scan: 4, value });
    }
    for (const on of [true, false]) for (const switchNumber of [0, 1, 2, 255]) {
      const hex = auxiliaryCommand(on, switchNumber);
      checkFrame(hex);
      expect(parsePtzCommand(hex)).toEqual({ kind: 'auxiliary', address: 1, on, switchNumber });
    }
  });

  it('encodePtzBytes is the general form', () => {
    expect(encodePtzBytes(0x02, 0x1f, 0, 0, 1)).toBe('A50F01021F0000D6');
    // Address FFFH: low 8 bits in byte 3, high 4 bits in the low nibble of byte 7. A5+0F+FF+0F = 1C2.
    expect(encodePtzBytes(0x00, 0, 0, 0, 0xfff)).toBe('A50FFF0000000FC2');
    expect(independentChecksum('A50FFF0000000F')).toBe(0xc2);
    expect(parsePtzCommand('A50FFF0000000FC2')).toEqual({ kind: 'stop', address: 0xfff });
  });
});

describe('parsePtzCommand rejects what is not a valid code', () => {
  it('checksum, header, length, hex, undefined instructions', () => {
    expect(reason('A50F01021F0000D6')).toBe('valid');
    expect(reason(' a50f01021f0000d6 ')).toBe('valid');
    expect(reason('A50F01021F0000D7')).toBe('checksum');
    expect(reason('A50F01021F0001D6')).toBe('checksum');
    expect(reason('A60F01021F0000D7')).toBe('header');
    expect(reason('A50E01021F0000D5')).toBe('header');
    expect(reason('A50F01021F00D6')).toBe('length');
    expect(reason('A50F01021F0000D600')).toBe('length');
    expect(reason('')).toBe('length');
    expect(reason('A50F01021G0000D6')).toBe('hex');
    const withCode = (code: number, d1 = 0, d2 = 0) => encodePtzBytes(code, d1, d2, 0, 1);
    for (const code of [0x03, 0x0c, 0x30, 0x43, 0x4c, 0x50, 0x80, 0x8b, 0x8e, 0x91, 0xc0, 0xff]) expect(reason(withCode(code)), code.toString(16)).toBe('instruction');
    expect(reason(withCode(0x89, 0, 3))).toBe('instruction');
  });

  it('every single-bit flip of a valid frame is rejected or decodes to something else', () => {
    const good = 'A50F01021F0000D6';
    for (let bit = 0; bit < 64; bit++) {
      const b = bytes(good);
      b[bit >> 3]! ^= 1 << (bit & 7);
      const hex = b.map((x) => x.toString(16).toUpperCase().padStart(2, '0')).join('');
      expect(reason(hex), hex).not.toBe('valid'); // a single flipped bit always breaks the checksum or header
    }
  });
});

describe('encoder arguments', () => {
  it('throws RangeError outside the fields', () => {
    expect(() => ptzCommand({ pan: 'left', tilt: null, zoom: null, speed: 256 })).toThrow(RangeError);
    expect(() => ptzCommand({ pan: 'left', tilt: null, zoom: null, speed: -1 })).toThrow(RangeError);
    expect(() => ptzCommand({ pan: null, tilt: null, zoom: 'in', speed: 1, zoomSpeed: 16 })).toThrow(RangeError);
    expect(() => ptzCommand({ pan: 'left', tilt: null, zoom: null, speed: 1, address: 4096 })).toThrow(RangeError);
    expect(() => presetCommand('set', 0)).toThrow(RangeError);
    expect(() => presetCommand('goto', 256)).toThrow(RangeError);
    expect(() => cruiseCommand('speed', 1, 4096)).toThrow(RangeError);
    expect(() => scanCommand('start', 256)).toThrow(RangeError);
    expect(() => auxiliaryCommand(true, 1.5)).toThrow(RangeError);
  });
});
