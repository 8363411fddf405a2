import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import {
  optimizingCompilerPaused,
  pauseOptimizingCompiler,
  resumeOptimizingCompiler,
} from './optimizing-compiler';

// V8's own view of a function: %GetOptimizationStatus, readable once natives syntax is allowed
// (a flag the parser reads when it parses, so functions made after this line may use it).
setFlagsFromString('--allow-natives-syntax');
const statusOf = new Function('f', 'return %GetOptimizationStatus(f)') as (f: unknown) => number;
/** The "optimized" bit of V8's optimization status (kOptimized in runtime-test.cc). */
const OPTIMIZED = 1 << 4;

/**
 * Makes a fresh function hot: up to 50 rounds of calls with a turn of the event loop between
 * them (V8 optimizes on a background thread and installs the result later), ending early once
 * V8 reports it optimized. Whether it is optimized is for the caller to judge.
 */
async function heat(): Promise<(n: number) => number> {
  const f = new Function(
    'n',
    'let a = 1; for (let i = 0; i < n; i++) a = (a * 31 + i) % 65521; return a;',
  ) as (n: number) => number;
  for (let round = 0; round < 50 && (statusOf(f) & OPTIMIZED) === 0; round++) {
    for (let k = 0; k < 20; k++) f(20_000);
    await new Promise((resolve) => setImmediate(resolve));
  }
  return f;
}

describe('the optimizing compiler switch', () => {
  it('paused, a hot function stays unoptimized; resumed, a hot function is optimized', async () => {
    pauseOptimizingCompiler();
    assert.equal(optimizingCompilerPaused(), true);
    const whilePaused = await heat();
    assert.equal(statusOf(whilePaused) & OPTIMIZED, 0, 'optimized while paused');

    resumeOptimizingCompiler();
    assert.equal(optimizingCompilerPaused(), false);
    const afterResume = await heat();
    assert.notEqual(statusOf(afterResume) & OPTIMIZED, 0, 'not optimized after resuming');
  });
});
