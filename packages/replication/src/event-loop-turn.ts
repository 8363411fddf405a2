import { setImmediate as nextTurn } from 'node:timers/promises';

/** Longest stretch of work between two turns of the event loop, in milliseconds. */
const SLICE_MS = 4;

let sliceStart = performance.now();

/**
 * Lets the event loop run (timers, sockets: an agent's check-in and commands) when the
 * current stretch of synchronous work, counted from the last turn given here, has lasted a
 * slice. Awaiting a resolved promise is not enough: it runs before any I/O. Cheap to call
 * often (one clock read); call it between pieces of work, not inside a per-byte loop.
 */
export async function yieldIfBusy(): Promise<void> {
  const now = performance.now();
  if (now - sliceStart < SLICE_MS) return;
  await nextTurn();
  sliceStart = performance.now();
}
