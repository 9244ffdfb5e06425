import dgram from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CameraSummary } from '@argus/shared';
import { startCameraRig, type CameraRig } from '../support/cameraRig.js';
import { sharedData } from '../support/paths.js';
import { waitForEvent } from '../support/waitFor.js';

/** Offset of the payload in an RTP packet: fixed header, CSRCs, header extension (RFC 3550 §5.1, §5.3.1). */
function rtpPayloadOffset(packet: Buffer): number {
  let offset = 12 + 4 * (packet[0]! & 0x0f);
  if (packet[0]! & 0x10) offset += 4 + 4 * packet.readUInt16BE(offset + 2);
  return offset;
}

/**
 * Real RTSP server on loopback playing the pedestrians video (H.264 Main with B-frames, AAC)
 * and a B-frame-free H.264 test pattern → ffmpeg ingest → mediasoup PlainTransport producers →
 * a PlainTransport consumer in the test.
 */
describe('RTSP ingest into mediasoup', () => {
  let rig: CameraRig;
  const cameraChanges = (id: string, state: CameraSummary['state'], timeoutMs: number) =>
    waitForEvent<CameraSummary>(rig.sfu.cameras, 'change', (c) => c.id === id && c.state === state, timeoutMs, `${id} ${state}`);

  beforeAll(async () => {
    rig = await startCameraRig([
      { id: 'ped', name: '行人通道', file: sharedData('video/pedestrians_vtest_480x360.mp4'), withAudio: true },
      { id: 'gate', name: '东门', pattern: { video: 'h264', h264Profile: 'high' } },
    ], {
      staticDir: null,
      sfuConfig: { mediasoup: { numWorkers: 1 } },
    });
    await Promise.all([cameraChanges('ped', 'live', 30_000), cameraChanges('gate', 'live', 30_000)]);
  });

  afterAll(async () => {
    await rig?.close();
  });

  it('passes B-frame-free H.264 through untouched, without audio', () => {
    const summary = rig.sfu.cameras.get('gate')!.summary;
    expect(summary).toMatchObject({ state: 'live', sourceCodec: 'h264', videoPath: 'passthrough', audioProducerId: null });
    expect(summary.videoProducerId).toBeTruthy();
  });

  it('transcodes H.264 with B-frames (WebRTC receivers cannot reorder) and the AAC audio to an Opus producer', () => {
    const summary = rig.sfu.cameras.get('ped')!.summary;
    expect(summary).toMatchObject({ state: 'live', sourceCodec: 'h264', videoPath: 'transcode', lastError: null });
    expect(summary.videoProducerId).toBeTruthy();
    expect(summary.audioProducerId).toBeTruthy();
  });

  it('delivers RTP of the negotiated payload type and SSRC to a PlainTransport consumer', async () => {
    const source = rig.sfu.cameras.get('ped')!;
    const router = source.router;
    const socket = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
    const transport = await router.createPlainTransport({ listenInfo: { protocol: 'udp', ip: '127.0.0.1' }, rtcpMux: true, comedia: false });
    try {
      await transport.connect({ ip: '127.0.0.1', port: socket.address().port });
      const consumer = await transport.consume({ producerId: source.videoProducer!.id, rtpCapabilities: router.rtpCapabilities });
      const expectedPt = consumer.rtpParameters.codecs[0]!.payloadType;
      const expectedSsrc = consumer.rtpParameters.encodings![0]!.ssrc;
      expect(consumer.rtpParameters.codecs[0]!.mimeType).toBe('video/H264');

      const packets = await new Promise<Buffer[]>((resolve, reject) => {
        const got: Buffer[] = [];
        const timer = setTimeout(() => reject(new Error(`only ${got.length} RTP packets in 20 s`)), 20_000);
        socket.on('message', (packet) => {
          if (packet.length < 12 || (packet[1]! >= 192 && packet[1]! <= 223)) return; // RTCP (RFC 5761 §4)
          // mediasoup's bandwidth probation packets (PT 127, SSRC 1234) share the transport.
          if (packet.readUInt32BE(8) !== expectedSsrc) {
            expect(packet[1]! & 0x7f).toBe(127);
            return;
          }
          got.push(packet);
          if (got.length === 50) {
            clearTimeout(timer);
            resolve(got);
          }
        });
      });
      for (const packet of packets) {
        expect(packet[0]! >> 6).toBe(2); // RTP version 2
        expect(packet[1]! & 0x7f).toBe(expectedPt);
      }
      // H.264 payloads (RFC 6184 §5.2): NAL unit types 1-23 single, 24 STAP-A, 28 FU-A.
      const nalTypes = new Set(packets.map((p) => p[rtpPayloadOffset(p)]! & 0x1f));
      for (const type of nalTypes) expect(type === 24 || type === 28 || (type >= 1 && type <= 23)).toBe(true);
    } finally {
      transport.close();
      socket.close();
    }
  });

  it('turns the camera lost within 5 s when the RTSP server stops, and live again when it returns, without an SFU restart', async () => {
    const before = rig.sfu.cameras.get('ped')!.summary.videoProducerId;
    const lost = cameraChanges('ped', 'lost', 5000);
    const stoppedAt = Date.now();
    await rig.rtsp.stop();
    const lostSummary = await lost;
    expect(Date.now() - stoppedAt).toBeLessThan(5000);
    expect(lostSummary.videoProducerId).toBeNull();
    expect(lostSummary.lastError).toBeTruthy();

    const live = cameraChanges('ped', 'live', 45_000);
    await rig.restartRtsp();
    const liveSummary = await live;
    expect(liveSummary.videoProducerId).toBeTruthy();
    expect(liveSummary.videoProducerId).not.toBe(before);
  });
});
