/**
 * One analysis at a time in a worker process: tfjs-backend-wasm runs one thread, so jobs run
 * strictly in turn. Each camera keeps only its newest undigested picture (older ones are
 * dropped: a slow frame never builds a backlog, latency stays one analysis); enrolment requests
 * go before camera pictures.
 */
export class AnalysisLoop<F> {
  private readonly latest = new Map<string, F>();
  private readonly urgent: Array<() => Promise<void>> = [];
  private order: string[] = [];
  /** The camera analysed last: the turn goes on after it. */
  private lastPicked: string | null = null;
  private wake: (() => void) | null = null;
  private running = false;
  private stopped = false;
  /** Pictures replaced before they were analysed. */
  dropped = 0;

  constructor(
    private readonly analyse: (cameraId: string, frame: F) => Promise<void>,
    private readonly onError: (cameraId: string | null, error: Error) => void,
  ) {}

  /** Hand in a camera's newest picture (replacing one not yet analysed). */
  offer(cameraId: string, frame: F): void {
    if (this.latest.has(cameraId)) this.dropped++;
    else if (!this.order.includes(cameraId)) this.order.push(cameraId);
    this.latest.set(cameraId, frame);
    this.kick();
  }

  /** Forget a camera's pending picture (it was detached). */
  forget(cameraId: string): void {
    this.latest.delete(cameraId);
    this.order = this.order.filter((id) => id !== cameraId);
  }

  /** Run `job` before any further camera picture. */
  runSoon<T>(job: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.urgent.push(() => job().then(resolve, reject));
      this.kick();
    });
  }

  private kick(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
    if (!this.running) void this.run();
  }

  private async run(): Promise<void> {
    this.running = true;
    while (!this.stopped) {
      const job = this.urgent.shift();
      if (job) {
        await job().catch((error: Error) => this.onError(null, error));
        continue;
      }
      const cameraId = this.pick();
      if (cameraId === null) {
        await new Promise<void>((resolve) => (this.wake = resolve));
        continue;
      }
      const frame = this.latest.get(cameraId)!;
      this.latest.delete(cameraId);
      try {
        await this.analyse(cameraId, frame);
      } catch (error) {
        this.onError(cameraId, error as Error);
      }
    }
    this.running = false;
  }

  /** Round-robin over cameras with a picture waiting. */
  private pick(): string | null {
    const start = this.lastPicked === null ? 0 : this.order.indexOf(this.lastPicked) + 1;
    for (let i = 0; i < this.order.length; i++) {
      const id = this.order[(start + i) % this.order.length]!;
      if (this.latest.has(id)) {
        this.lastPicked = id;
        return id;
      }
    }
    return null;
  }

  stop(): void {
    this.stopped = true;
    this.kick();
  }
}
