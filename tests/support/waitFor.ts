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
