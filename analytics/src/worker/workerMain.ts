#!/usr/bin/env node
/**
 * The analytics worker process, started (and restarted) by the SFU with an IPC channel
 * (`serialization: 'advanced'`): see shared/src/analyticsProtocol.ts for the messages. It holds
 * the face gallery, one RTP decoder (ffmpeg) per attached camera and the analysers (Human on
 * tfjs-backend-wasm: one busy core), and reports sign-ins, unknown faces and alerts with their
 * JPEG snapshots. It writes nothing itself: the SFU stores what it reports.
 */
import type { CameraAssignment, FromWorker, ToWorker, WorkerSettings } from '@argus/shared';
import { FaceEngine } from '../face/faceEngine.js';
import { FaceGallery } from '../gallery/faceGallery.js';
import { decodeImageBytes, type RgbImage } from '../media/imageDecode.js';
import { AnalysisLoop } from './analysisLoop.js';
import { RtpFrameSource } from './rtpFrameSource.js';
import { CameraAnalysers, type AnalyserFactory } from './cameraAnalysers.js';

const DESCRIPTOR_LENGTH = 1024;
/** How often each camera's counters are reported, ms. */
const STATS_EVERY_MS = 2000;

function send(message: FromWorker): void {
  if (process.connected) process.send!(message);
}

interface AttachedCamera {
  assignment: CameraAssignment;
  source: RtpFrameSource;
  analysers: CameraAnalysers;
  framesAnalysed: number;
}

async function main(): Promise<void> {
  if (!process.send) {
    process.stderr.write('the analytics worker is started by the SFU (it needs an IPC channel)\n');
    process.exit(2);
  }
  let settings: WorkerSettings = { matchThreshold: 0.62, signInFrames: 3, livenessThreshold: 0.5, minFaceWidthPx: 48, maxWidth: 960 };
  let gallery = new FaceGallery(DESCRIPTOR_LENGTH);
  const engine = await FaceEngine.create();
  const factory: AnalyserFactory = { engine, gallery: () => gallery, settings: () => settings };
  const cameras = new Map<string, AttachedCamera>();

  const loop = new AnalysisLoop<{ image: RgbImage; atMs: number }>(
    async (cameraId, frame) => {
      const camera = cameras.get(cameraId);
      if (!camera) return;
      const reports = await camera.analysers.process(frame.image, frame.atMs);
      camera.framesAnalysed++;
      for (const report of reports) send(report);
    },
    (cameraId, error) => {
      if (cameraId) send({ type: 'cameraError', cameraId, message: `analysis failed: ${error.message}` });
      else process.stderr.write(`analytics worker: ${error.stack ?? error.message}\n`);
    },
  );

  const stats = setInterval(() => {
    for (const [cameraId, camera] of cameras) {
      send({ type: 'cameraStats', cameraId, framesDecoded: camera.source.framesDecoded, framesAnalysed: camera.framesAnalysed, tracks: camera.analysers.activeTracks });
    }
  }, STATS_EVERY_MS);
  stats.unref();

  const detach = (cameraId: string) => {
    const camera = cameras.get(cameraId);
    if (!camera) return;
    camera.source.stop();
    loop.forget(cameraId);
    cameras.delete(cameraId);
  };

  const handle = async (message: ToWorker): Promise<void> => {
    switch (message.type) {
      case 'settings':
        settings = message.settings;
        return;
      case 'gallery': {
        const fresh = new FaceGallery(DESCRIPTOR_LENGTH, Math.max(1024, message.entries.length));
        for (const entry of message.entries) fresh.add(entry.personId, entry.descriptor);
        gallery = fresh;
        return;
      }
      case 'enrol':
        for (const descriptor of message.descriptors) gallery.add(message.personId, descriptor);
        return;
      case 'unenrol':
        gallery.remove(message.personId);
        return;
      case 'attach': {
        detach(message.camera.cameraId);
        const { camera: assignment } = message;
        const analysers = await CameraAnalysers.create(factory, assignment);
        const source = new RtpFrameSource({
          sdp: assignment.sdp,
          fps: assignment.fps,
          maxWidth: settings.maxWidth,
          onFrame: (image, atMs) => loop.offer(assignment.cameraId, { image, atMs }),
          onNeedKeyframe: () => send({ type: 'needKeyframe', cameraId: assignment.cameraId }),
          onError: (error) => send({ type: 'cameraError', cameraId: assignment.cameraId, message: error }),
        });
        cameras.set(assignment.cameraId, { assignment, source, analysers, framesAnalysed: 0 });
        source.start();
        return;
      }
      case 'update': {
        const camera = cameras.get(message.camera.cameraId);
        if (camera) await camera.analysers.update(message.camera);
        return;
      }
      case 'detach':
        detach(message.cameraId);
        return;
      case 'ping':
        return;
      case 'describe': {
        const { requestId, picture } = message;
        try {
          const image = await decodeImageBytes(picture);
          const faces = await loop.runSoon(() => engine.describe(image));
          send({
            type: 'described',
            requestId,
            width: image.width,
            height: image.height,
            faces: faces.map((face) => ({ box: face.box, score: face.score, descriptor: face.descriptor, real: face.real, live: face.live })),
          });
        } catch (error) {
          send({ type: 'describeFailed', requestId, message: (error as Error).message });
        }
        return;
      }
    }
  };

  // Messages are handled in order (an attach must finish before its update or detach).
  let queue = Promise.resolve();
  process.on('message', (message: ToWorker) => {
    if (message?.type === 'ping') return send({ type: 'pong', at: message.at });
    queue = queue
      .then(() => handle(message))
      .catch((error: Error) => {
        process.stderr.write(`analytics worker: ${message?.type}: ${error.stack ?? error.message}\n`);
      });
  });
  // The SFU went away: so do we (and our ffmpeg children with us).
  process.on('disconnect', () => {
    for (const id of [...cameras.keys()]) detach(id);
    loop.stop();
    process.exit(0);
  });
  send({ type: 'ready' });
}

main().catch((error: Error) => {
  process.stderr.write(`analytics worker failed to start: ${error.stack ?? error.message}\n`);
  process.exit(1);
});
