import type { ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { fileURLToPath } from 'node:url';
import type { FromWorker, ToWorker } from '@argus/shared';
import { backoffDelayMs } from '@argus/shared';
import type { Logger } from '../log.js';
import { spawnTied } from '../process/spawnTied.js';

export type AnalyticsWorkerState = 'starting' | 'ready' | 'restarting' | 'stopped';

export interface AnalyticsWorkerEvents {
  /** The process is up and answered `ready`: send it its settings, gallery and cameras. */
  ready: [];
  /** The process died (it is restarted after a backoff): everything it held is gone. */
  died: [reason: string];
  message: [message: FromWorker];
}

/** Where the worker's entry point is (the analytics workspace's build). */
export function workerEntry(): string {
  return fileURLToPath(import.meta.resolve('@argus/analytics/worker'));
}

/**
 * One analytics worker process (`analytics/dist/worker/workerMain.js`), started with an IPC
 * channel (structured clone) and tied to this process's life (`setpriv --pdeathsig`). When it
 * dies it is started again after `restartDelayMs`, doubling to 30 s while it keeps dying within
 * a minute of starting; the SFU and its walls are not affected.
 */
export class AnalyticsWorker extends EventEmitter<AnalyticsWorkerEvents> {
  private child: ChildProcess | null = null;
  private timer: NodeJS.Timeout | null = null;
  /** Consecutive quick deaths (the backoff's attempt number). */
  private quickDeaths = 0;
  private delay = 0;
  private startedAt = 0;
  private heartbeat: NodeJS.Timeout | null = null;
  private lastPong = 0;
  state: AnalyticsWorkerState = 'starting';
  restarts = 0;

  constructor(
    readonly index: number,
    private readonly options: { restartDelayMs: number; log: Logger; entry?: string; execArgv?: string[]; hangTimeoutMs?: number },
  ) {
    super();
  }

  get pid(): number | null {
    return this.child?.pid ?? null;
  }

  start(): void {
    const { log } = this.options;
    this.state = 'starting';
    this.startedAt = Date.now();
    const child = spawnTied(process.execPath, [...(this.options.execArgv ?? []), this.options.entry ?? workerEntry()], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      serialization: 'advanced',
    });
    this.child = child;
    child.on('message', (message: FromWorker) => {
      if (message?.type === 'pong') {
        this.lastPong = Date.now();
        return;
      }
      if (message?.type === 'ready') {
        this.state = 'ready';
        this.watch(child);
        log.info('analytics worker ready', { worker: this.index, pid: child.pid });
        this.emit('ready');
        return;
      }
      this.emit('message', message);
    });
    child.on('error', (error) => log.error('analytics worker process error', { worker: this.index, error }));
    child.once('exit', (code, signal) => {
      if (this.child !== child) return;
      this.unwatch();
      this.child = null;
      if (this.state === 'stopped') return;
      const reason = signal ? `killed by ${signal}` : `exited with code ${code}`;
      // A worker that ran a minute or more starts again quickly; one that keeps dying backs off.
      this.quickDeaths = Date.now() - this.startedAt >= 60_000 ? 0 : this.quickDeaths + 1;
      this.delay = backoffDelayMs(Math.max(0, this.quickDeaths - 1), { initialMs: this.options.restartDelayMs, maxMs: Math.max(this.options.restartDelayMs, 30_000) });
      this.state = 'restarting';
      this.restarts++;
      log.error('analytics worker died; restarting', { worker: this.index, reason, restartInMs: this.delay });
      this.emit('died', reason);
      this.timer = setTimeout(() => this.start(), this.delay);
    });
  }

  /**
   * Ping the ready process every sixth of `hangTimeoutMs`; one that has not answered for
   * `hangTimeoutMs` (stopped, stuck in a loop, swapping) is killed, and so restarted.
   */
  private watch(child: ChildProcess): void {
    this.unwatch();
    const hangTimeoutMs = this.options.hangTimeoutMs ?? 30_000;
    this.lastPong = Date.now();
    this.heartbeat = setInterval(() => {
      if (Date.now() - this.lastPong > hangTimeoutMs) {
        this.options.log.error('analytics worker hung (no heartbeat); killing it', { worker: this.index, pid: child.pid, silentMs: Date.now() - this.lastPong });
        this.unwatch();
        child.kill('SIGKILL');
        return;
      }
      if (child.connected) child.send({ type: 'ping', at: Date.now() } satisfies ToWorker);
    }, Math.max(100, Math.floor(hangTimeoutMs / 6)));
    this.heartbeat.unref();
  }

  private unwatch(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
  }

  /** Send if the process is up; false when it is not (the message is dropped: state is re-sent on `ready`). */
  send(message: ToWorker): boolean {
    if (this.state !== 'ready' || !this.child?.connected) return false;
    this.child.send(message);
    return true;
  }

  /** Kill the process (tests: a crash mid-stream). */
  kill(signal: NodeJS.Signals = 'SIGKILL'): void {
    this.child?.kill(signal);
  }

  async stop(): Promise<void> {
    this.state = 'stopped';
    this.unwatch();
    if (this.timer) clearTimeout(this.timer);
    const child = this.child;
    this.child = null;
    if (!child || child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
  }
}
