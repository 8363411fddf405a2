/**
 * Waits `ms`, or less when `signal` aborts. The abort listener is removed when the wait ends
 * either way: the agent's one long-lived signal sees a wait per reconnect attempt and per
 * probe tick, and a listener left behind by each would pile up for the life of the process.
 */
export function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
