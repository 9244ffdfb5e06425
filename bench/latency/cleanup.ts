import type { ChildProcess } from 'node:child_process';

/**
 * Everything the benchmark started, torn down in reverse order of start-up: on normal
 * completion, on an error, on SIGINT / SIGTERM, and (child processes only, SIGKILL) when the
 * Node process exits any other way.
 */
export class Cleanup {
  private readonly steps: Array<{ name: string; run: () => Promise<void> | void }> = [];
  private readonly children = new Set<ChildProcess>();
  private running: Promise<void> | null = null;
  private signalled: NodeJS.Signals | null = null;

  constructor(private readonly stepTimeoutMs = 10_000) {
    process.once('exit', () => {
      for (const child of this.children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    });
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      process.on(signal, () => {
        if (this.signalled) return; // clean-up already under way
        this.signalled = signal;
        process.stderr.write(`\n${signal}: cleaning up\n`);
        void this.run().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
      });
    }
  }

  /** The signal (SIGINT or SIGTERM) that started clean-up, or null. */
  get interrupted(): NodeJS.Signals | null {
    return this.signalled;
  }

  /** Run `run` at clean-up (last added runs first). */
  add(name: string, run: () => Promise<void> | void): void {
    this.steps.push({ name, run });
  }

  /** SIGKILL `child` if it is still running when Node exits (a safety net behind its `add` step). */
  track(child: ChildProcess): void {
    this.children.add(child);
    child.once('exit', () => this.children.delete(child));
  }

  /** Run every step once (each bounded by the step timeout, errors reported to stderr, not thrown). */
  run(): Promise<void> {
    this.running ??= (async () => {
      for (const step of this.steps.reverse()) {
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<void>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`did not finish in ${this.stepTimeoutMs} ms`)), this.stepTimeoutMs);
        });
        try {
          await Promise.race([Promise.resolve().then(step.run), timeout]);
        } catch (error) {
          process.stderr.write(`clean-up of ${step.name} failed: ${(error as Error).message}\n`);
        } finally {
          clearTimeout(timer);
        }
      }
      for (const child of this.children) child.kill('SIGKILL');
    })();
    return this.running;
  }
}
