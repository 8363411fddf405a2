const started = performance.now();

/** Prints a progress line to stderr (stdout carries only the results table). */
export function say(message: string): void {
  const t = ((performance.now() - started) / 1000).toFixed(1).padStart(7);
  process.stderr.write(`[${t}s] ${message}\n`);
}

/** Calls `say` at most once per `everyMs`. */
export function throttled(everyMs: number): (message: string) => void {
  let last = 0;
  return (message) => {
    const now = performance.now();
    if (now - last < everyMs) return;
    last = now;
    say(message);
  };
}
