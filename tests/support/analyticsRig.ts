import { startCameraRig, type CameraRig } from './cameraRig.js';
import { buildFaceVideo, makeVideoFolder } from './faceVideos.js';
import { sharedData } from './paths.js';
import { waitUntil } from './waitFor.js';

/** The enrolled person of the analytics tests: photos Human's faceres matches well (0.7-0.8) across views. */
export const ID10 = (name: string) => sharedData(`faces/deepface/deepface_id10/${name}`);
/** Photos to enrol (the sign-in video shows others of the same person). */
export const ENROL_PHOTOS = ['img29.jpg', 'img30.jpg'].map(ID10);

export interface AnalyticsRig extends CameraRig {
  /** The root org unit's id (cameras and test persons live there). */
  root: string;
}

/**
 * An SFU with one analytics worker and two RTSP cameras: `signin-cam` (签到点一) loops a video of
 * photos of the enrolled person that are not the enrolment photos, with nobody in view between
 * them; `path-cam` (校园小路) loops the OpenCV pedestrian scene. Resolves when the worker is ready.
 */
export async function startAnalyticsRig(staticDir: string | null): Promise<AnalyticsRig> {
  const videos = await makeVideoFolder();
  const signInVideo = await buildFaceVideo(videos.file('sign-in.mp4'), [
    { photo: ID10('img31.jpg'), seconds: 3, place: 'centre' },
    { photo: null, seconds: 1 },
    { photo: ID10('img33.jpg'), seconds: 3, place: 'centre' },
  ]);
  const rig = await startCameraRig(
    [
      { id: 'signin-cam', name: '签到点一', file: signInVideo },
      { id: 'path-cam', name: '校园小路', file: sharedData('video/pedestrians_vtest_480x360.mp4') },
    ],
    { staticDir, sfuConfig: { analytics: { enabled: true, workers: 1, fps: 4, behaviourFps: 2, restartDelayMs: 200, hangTimeoutMs: 10_000 } } },
  );
  const root = (await rig.sfu.store.orgUnits.list()).find((unit) => unit.parentId === null)!.id;
  await waitUntil(() => rig.sfu.analytics!.status().workers.every((w) => w.state === 'ready'), 90_000, 'the analytics worker to be ready');
  const close = rig.close.bind(rig);
  return Object.assign(rig, {
    root,
    async close() {
      await close();
      await videos.remove();
    },
  });
}
