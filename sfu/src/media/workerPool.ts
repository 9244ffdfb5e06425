import os from 'node:os';
import * as mediasoup from 'mediasoup';
import type { types } from 'mediasoup';
import type { Logger } from '../log.js';
import { routerMediaCodecs } from './mediaCodecs.js';

export interface WorkerPoolOptions {
  /** Number of workers; 0 = one per CPU core. */
  numWorkers: number;
  logLevel: types.WorkerLogLevel;
  /** Worker log tags (debugging); empty for none. */
  logTags: types.WorkerLogTag[];
  log: Logger;
  /** Called when a worker dies (mediasoup cannot revive it; the process should restart). */
  onWorkerDied: (error: Error) => void;
}

/**
 * mediasoup workers (one C++ process each, one core each) with one router per worker.
 *
 * Ingest producers are spread over the routers round-robin; each wall connection gets the
 * router with the fewest connections. A producer consumed on another router is piped there
 * once (`router.pipeToRouter`) and the pipe is reused by every later consumer on that router.
 */
export class WorkerPool {
  private nextIngest = 0;
  private readonly peersPerRouter = new Map<string, number>();
  /** `${producerId}>${routerId}` → pipe in progress or done. */
  private readonly pipes = new Map<string, Promise<void>>();

  private constructor(
    readonly workers: types.Worker[],
    readonly routers: types.Router[],
  ) {
    for (const router of routers) this.peersPerRouter.set(router.id, 0);
  }

  /** Start the workers and their routers. @throws when a worker cannot start (binary missing, ports). */
  static async create(options: WorkerPoolOptions): Promise<WorkerPool> {
    const count = options.numWorkers > 0 ? options.numWorkers : os.availableParallelism();
    const workers: types.Worker[] = [];
    const routers: types.Router[] = [];
    for (let i = 0; i < count; i++) {
      const worker = await mediasoup.createWorker({ logLevel: options.logLevel, ...(options.logTags.length ? { logTags: options.logTags } : {}) });
      worker.on('died', (error) => {
        options.log.error('mediasoup worker died', { pid: worker.pid, error });
        options.onWorkerDied(error);
      });
      workers.push(worker);
      routers.push(await worker.createRouter({ mediaCodecs: routerMediaCodecs }));
    }
    options.log.info('mediasoup ready', { workers: count, version: mediasoup.version });
    return new WorkerPool(workers, routers);
  }

  /** Router for the next ingested source (round-robin). */
  routerForIngest(): types.Router {
    const router = this.routers[this.nextIngest % this.routers.length]!;
    this.nextIngest++;
    return router;
  }

  /** Router for a new wall connection (fewest connections); release it with {@link releasePeerRouter}. */
  routerForPeer(): types.Router {
    let best = this.routers[0]!;
    for (const router of this.routers) {
      if ((this.peersPerRouter.get(router.id) ?? 0) < (this.peersPerRouter.get(best.id) ?? 0)) best = router;
    }
    this.peersPerRouter.set(best.id, (this.peersPerRouter.get(best.id) ?? 0) + 1);
    return best;
  }

  releasePeerRouter(router: types.Router): void {
    this.peersPerRouter.set(router.id, Math.max(0, (this.peersPerRouter.get(router.id) ?? 0) - 1));
  }

  /**
   * Make `producer` (living on `source`) consumable on `target`: a no-op on the same router,
   * else a pipe created on first use and shared afterwards. The pipe closes with the producer.
   * The pipe runs NACK/RTX (`enableRtx`): a packet lost between two workers (UDP on loopback,
   * dropped when the receiving worker is briefly starved of CPU during a keyframe burst) is
   * retransmitted, instead of leaving every wall behind the pipe waiting for the next keyframe.
   */
  async ensureProducerOn(producer: types.Producer, source: types.Router, target: types.Router): Promise<void> {
    if (source === target) return;
    const key = `${producer.id}>${target.id}`;
    let pipe = this.pipes.get(key);
    if (!pipe) {
      pipe = source.pipeToRouter({ producerId: producer.id, router: target, enableRtx: true }).then(() => undefined);
      this.pipes.set(key, pipe);
      pipe.catch(() => this.pipes.delete(key));
      producer.observer.once('close', () => this.pipes.delete(key));
    }
    await pipe;
  }

  async close(): Promise<void> {
    for (const worker of this.workers) worker.close();
  }
}
