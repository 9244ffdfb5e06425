import { isAnalysed, type BehaviourRule, type CameraAssignment, type FromWorker, type WorkerSettings } from '@argus/shared';
import type { FaceEngine } from '../face/faceEngine.js';
import type { FaceGallery } from '../gallery/faceGallery.js';
import type { RgbImage } from '../media/imageDecode.js';
import { encodeJpeg } from '../media/snapshot.js';
import { SignInPipeline } from '../signin/signInPipeline.js';
import { BehaviourPipeline } from '../behaviour/behaviourPipeline.js';
import { PersonDetector } from '../behaviour/personDetector.js';

/** What the analysers of every camera of a worker share: one face engine, the gallery, the settings. */
export interface AnalyserFactory {
  engine: FaceEngine;
  gallery: () => FaceGallery;
  settings: () => WorkerSettings;
}

let personDetector: Promise<PersonDetector> | null = null;
/** One person detector per process, made when the first camera with behaviour rules comes. */
function sharedPersonDetector(): Promise<PersonDetector> {
  // The same low detector floor BehaviourPipeline.create uses: tracks are kept on weak detections.
  personDetector ??= PersonDetector.create({ minScore: 0.1 });
  return personDetector;
}

/** JPEG quality of snapshots (sign-in crops, alert frames). */
const SNAPSHOT_QUALITY = 85;

/**
 * The analysers of one camera: the sign-in pipeline when it is a sign-in point, the behaviour
 * pipeline when it has enabled rules. Turns their events into the reports sent to the SFU, with
 * JPEG snapshots (a face crop for sign-ins and unknown faces, the whole frame for alerts).
 */
export class CameraAnalysers {
  private signIn: SignInPipeline | null = null;
  private behaviour: BehaviourPipeline | null = null;

  private constructor(
    private readonly factory: AnalyserFactory,
    private cameraId: string,
  ) {}

  static async create(factory: AnalyserFactory, assignment: Pick<CameraAssignment, 'cameraId' | 'signIn' | 'rules'>): Promise<CameraAnalysers> {
    const analysers = new CameraAnalysers(factory, assignment.cameraId);
    await analysers.update(assignment);
    return analysers;
  }

  /** Apply a camera's new sign-in flag and rules (a pipeline's tracks survive when it stays). */
  async update(assignment: Pick<CameraAssignment, 'cameraId' | 'signIn' | 'rules'>): Promise<void> {
    this.cameraId = assignment.cameraId;
    const settings = this.factory.settings();
    if (assignment.signIn && !this.signIn) {
      const factory = this.factory;
      // The gallery object is replaced on a full reload: always search the current one.
      const gallery = { search: (query: Float32Array, k?: number) => factory.gallery().search(query, k) };
      this.signIn = new SignInPipeline(this.factory.engine, gallery, settings);
    } else if (!assignment.signIn) {
      this.signIn = null;
    }
    const rules: BehaviourRule[] = assignment.rules.filter((rule) => rule.enabled);
    if (isAnalysed({ signIn: false, rules })) {
      if (this.behaviour) this.behaviour.setRules(rules);
      else this.behaviour = new BehaviourPipeline(await sharedPersonDetector(), rules);
    } else {
      this.behaviour = null;
    }
  }

  /** Tracks alive now (faces and people). */
  get activeTracks(): number {
    return (this.signIn?.stats.activeTracks ?? 0) + (this.behaviour?.stats.activeTracks ?? 0);
  }

  /** Analyse one picture taken at `atMs` (epoch ms); returns the reports for the SFU. */
  async process(image: RgbImage, atMs: number): Promise<FromWorker[]> {
    const reports: FromWorker[] = [];
    const cameraId = this.cameraId;
    if (this.signIn) {
      for (const event of await this.signIn.process(image, atMs)) {
        const snapshot = encodeJpeg(event.snapshot, SNAPSHOT_QUALITY);
        if (event.kind === 'signIn') {
          reports.push({ type: 'signIn', cameraId, personId: event.personId, similarity: event.similarity, live: event.live, real: event.real, at: event.atMs, snapshot });
        } else {
          reports.push({ type: 'unknownFace', cameraId, at: event.atMs, snapshot });
        }
      }
    }
    if (this.behaviour) {
      for (const event of await this.behaviour.process(image, atMs)) {
        reports.push({ type: 'alert', cameraId, ruleId: event.ruleId, at: event.atMs, detail: event.detail, snapshot: encodeJpeg(event.snapshot, SNAPSHOT_QUALITY) });
      }
    }
    return reports;
  }
}
