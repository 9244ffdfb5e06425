import { describe, expect, it } from 'vitest';
import { describeIssues, signallingRequests } from '@argus/shared';

const dtlsParameters = { role: 'client', fingerprints: [{ algorithm: 'sha-256', value: 'AB:CD' }] };

describe('signalling request schemas', () => {
  it('accepts well-formed requests', () => {
    expect(signallingRequests.listCameras.safeParse({}).success).toBe(true);
    expect(signallingRequests.connectTransport.safeParse({ transportId: 't1', dtlsParameters }).success).toBe(true);
    expect(
      signallingRequests.consume.safeParse({
        transportId: 't1',
        cameraId: 'cam-1',
        rtpCapabilities: { codecs: [{ kind: 'video', mimeType: 'video/H264', clockRate: 90000, parameters: {} }], headerExtensions: [] },
      }).success,
    ).toBe(true);
    expect(signallingRequests.setConsumerPaused.safeParse({ consumerId: 'c1', paused: true }).success).toBe(true);
  });

  it('rejects payloads of the wrong type, with the field named', () => {
    const wrongType = signallingRequests.setConsumerPaused.safeParse({ consumerId: 'c1', paused: 'yes' });
    expect(wrongType.success).toBe(false);
    if (!wrongType.success) expect(describeIssues(wrongType.error)).toMatch(/^paused: /);

    for (const payload of [null, undefined, 42, 'consume', [], { transportId: '', cameraId: 'x', rtpCapabilities: {} }]) {
      expect(signallingRequests.consume.safeParse(payload).success).toBe(false);
    }
  });

  it('rejects unknown fields and oversized ids', () => {
    expect(signallingRequests.closeConsumer.safeParse({ consumerId: 'c1', extra: 1 }).success).toBe(false);
    expect(signallingRequests.closeConsumer.safeParse({ consumerId: 'x'.repeat(129) }).success).toBe(false);
  });

  it('rejects DTLS parameters without fingerprints and capabilities with a bad codec kind', () => {
    expect(signallingRequests.connectTransport.safeParse({ transportId: 't', dtlsParameters: { fingerprints: [] } }).success).toBe(false);
    expect(
      signallingRequests.consume.safeParse({
        transportId: 't',
        cameraId: 'c',
        rtpCapabilities: { codecs: [{ kind: 'data', mimeType: 'x', clockRate: 1 }] },
      }).success,
    ).toBe(false);
  });
});

describe('ptz request schema', () => {
  const ptz = signallingRequests.ptz;
  it('takes moves with a direction and a speed, stop, and presets 1-255', () => {
    expect(ptz.safeParse({ cameraId: 'c', command: { type: 'move', pan: 'left', tilt: 'up', speed: 200 } }).success).toBe(true);
    expect(ptz.safeParse({ cameraId: 'c', command: { type: 'move', zoom: 'in', speed: 1 } }).success).toBe(true);
    expect(ptz.safeParse({ cameraId: 'c', command: { type: 'stop' } }).success).toBe(true);
    expect(ptz.safeParse({ cameraId: 'c', command: { type: 'preset', operation: 'goto', preset: 255 } }).success).toBe(true);
  });

  it('refuses a move without a direction, speeds and presets out of range, and unknown commands', () => {
    for (const command of [
      { type: 'move', speed: 5 },
      { type: 'move', pan: 'left', speed: 0 },
      { type: 'move', pan: 'left', speed: 256 },
      { type: 'move', pan: 'up', speed: 5 },
      { type: 'preset', operation: 'goto', preset: 0 },
      { type: 'preset', operation: 'call', preset: 1 },
      { type: 'reboot' },
      { type: 'stop', extra: 1 },
    ]) {
      expect(ptz.safeParse({ cameraId: 'c', command }).success, JSON.stringify(command)).toBe(false);
    }
  });
});

describe('signalling origin policy', () => {
  it('allows non-browser clients, the wall itself and configured origins; refuses others', async () => {
    const { isOriginAllowed } = await import('@argus/sfu');
    expect(isOriginAllowed(undefined, '10.0.0.2:8080', [])).toBe(true);
    expect(isOriginAllowed('http://10.0.0.2:8080', '10.0.0.2:8080', [])).toBe(true);
    expect(isOriginAllowed('http://evil.example', '10.0.0.2:8080', [])).toBe(false);
    expect(isOriginAllowed('http://10.0.0.2:5173', '10.0.0.2:8080', ['http://10.0.0.2:5173/'])).toBe(true);
    expect(isOriginAllowed('null', '10.0.0.2:8080', [])).toBe(false);
  });
});
