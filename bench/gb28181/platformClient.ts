import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { FromPlatform, PlatformFinal, PlatformLaunch, PlatformSample, ToPlatform } from './platformIpc.js';

const PLATFORM_SCRIPT = fileURLToPath(new URL('./platformProcess.js', import.meta.url));

/** How long the platform process may take to answer a sample (it may be saturated), ms. */
const SAMPLE_TIMEOUT_MS = 60_000;

/**
 * The benchmark's handle on the platform process (platformProcess.ts): start it, sample it, stop
 * it. Its stderr (the platform's log, level from ARGUS_LOG_LEVEL, default warn) goes to ours.
 */
export class PlatformClient {
  private readonly waiting = new Map<number | 'ready' | 'stopped', { resolve: (message: FromPlatform) => void; reject: (error: Error) => void }>();
  private nextId = 1;
  private exited: Error | null = null;

  private constructor(readonly process: ChildProcess) {
    process.on('message', (message: FromPlatform) => {
      const key = message.type === 'sample' ? message.id : message.type === 'failed' ? null : message.type;
      if (key === null) return this.failAll(new Error(`platform process failed: ${message.type === 'failed' ? message.message : ''}`));
      const waiter = this.waiting.get(key);
      this.waiting.delete(key);
      waiter?.resolve(message);
    });
    process.once('exit', (code, signal) => this.failAll(new Error(`platform process exited (${code ?? signal})`)));
  }

  /**
   * Fork the platform process and wait until it listens.
   * @returns the client, the platform's SIP port and how long GbPlatform.start took (ms)
   */
  static async start(launch: PlatformLaunch, timeoutMs = 120_000): Promise<{ client: PlatformClient; port: number; startMs: number }> {
    const child = fork(PLATFORM_SCRIPT, [JSON.stringify(launch)], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      serialization: 'json',
      env: { ...process.env, ARGUS_LOG_LEVEL: process.env.ARGUS_LOG_LEVEL ?? 'warn' },
    });
    const client = new PlatformClient(child);
    const ready = await client.request('ready', null, timeoutMs);
    if (ready.type !== 'ready') throw new Error('platform process did not start');
    return { client, port: ready.port, startMs: ready.startMs };
  }

  /**
   * CPU, memory, counters and event-loop delay of the platform process now; with `withStore`,
   * also the devices the store says are online (read after the rest).
   */
  async sample(withStore = false): Promise<PlatformSample> {
    const id = this.nextId++;
    const answer = await this.request(id, { type: 'sample', id, withStore }, SAMPLE_TIMEOUT_MS);
    if (answer.type !== 'sample') throw new Error('unexpected answer to sample');
    return answer.sample;
  }

  /** Last sample and store state, then close the platform and let the process exit. */
  async stop(timeoutMs = 120_000): Promise<PlatformFinal> {
    const answer = await this.request('stopped', { type: 'stop' }, timeoutMs);
    if (answer.type !== 'stopped') throw new Error('unexpected answer to stop');
    await new Promise<void>((resolve) => (this.process.exitCode !== null || this.process.signalCode !== null ? resolve() : this.process.once('exit', () => resolve())));
    return answer.final;
  }

  /** SIGKILL the process if it still runs (clean-up after a failure). */
  kill(): void {
    if (this.process.exitCode === null && this.process.signalCode === null) this.process.kill('SIGKILL');
  }

  private request(key: number | 'ready' | 'stopped', message: ToPlatform | null, timeoutMs: number): Promise<FromPlatform> {
    if (this.exited) return Promise.reject(this.exited);
    return new Promise<FromPlatform>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(key);
        reject(new Error(`platform process: no answer (${String(key)}) within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiting.set(key, {
        resolve: (answer) => {
          clearTimeout(timer);
          resolve(answer);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      if (message) this.process.send(message);
    });
  }

  private failAll(error: Error): void {
    this.exited ??= error;
    for (const waiter of this.waiting.values()) waiter.reject(error);
    this.waiting.clear();
  }
}
