/** Anything with Node-style `on`/`off`: an EventEmitter, a socket.io client socket. */
export interface Listenable {
  on(event: string, listener: (...args: any[]) => void): unknown;
  off(event: string, listener: (...args: any[]) => void): unknown;
}

/**
 * Resolve with the first `event` payload that satisfies `predicate`; reject after `timeoutMs`
 * with `what` in the message. Event-driven: no polling, no sleeps.
 */
export function waitForEvent<T>(emitter: Listenable, event: string, predicate: (value: T) => boolean, timeoutMs: number, what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      emitter.off(event, listener);
      reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
    }, timeoutMs);
    const listener = (value: T) => {
      if (!predicate(value)) return;
      clearTimeout(timer);
      emitter.off(event, listener);
      resolve(value);
    };
    emitter.on(event, listener);
  });
}

/**
 * Resolve once `condition` holds, checking every 20 ms; reject after `timeoutMs` with `what` in
 * the message. For state with no event to wait on: counters a device simulator updates from its
 * socket callbacks, producer stats.
 */
export async function waitUntil(condition: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
