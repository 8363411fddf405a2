import { setFlagsFromString } from 'node:v8';

let paused = false;

/**
 * Stops V8 from optimizing more functions with TurboFan, its optimizing compiler.
 *
 * An agent that only checks in runs a little code once a period: the interpreter and the
 * baseline compiler are plenty. But after a few check-ins V8 finds the check-in path hot and
 * optimizes it, which maps in TurboFan's own code from the node executable and allocates its
 * working memory. Measured on the single executable (bench/footprint, `--no-opt` against the
 * default, side by side): the idle agent's RSS stepped up by 3.3 to 3.5 MB of file-backed pages
 * two to four minutes after start, and its private memory was lower without TurboFan too.
 * V8 reads the flag each time it considers optimizing, so the change takes effect at once
 * (functions already optimized stay so).
 */
export function pauseOptimizingCompiler(): void {
  if (paused) return;
  setFlagsFromString('--no-opt');
  paused = true;
}

/**
 * Lets V8 optimize again, for work whose speed matters: replication hashes and matches blocks
 * in JavaScript loops that run several times slower without TurboFan.
 */
export function resumeOptimizingCompiler(): void {
  if (!paused) return;
  setFlagsFromString('--opt');
  paused = false;
}

/** Whether optimizing is paused now. */
export function optimizingCompilerPaused(): boolean {
  return paused;
}
