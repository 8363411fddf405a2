import { setFlagsFromString } from 'node:v8';

/**
 * The V8 flags: the young generation stays at its initial size, and the old generation is
 * collected after 2 MiB of growth instead of 8 (optimize-for-size; V8 reads both each time it
 * sizes a space, so they take effect after start).
 */
export const MEMORY_FLAGS = ['--semi-space-growth-factor=1', '--optimize-for-size'] as const;

let applied = false;

/**
 * Keeps V8's young generation at its initial size (two 1 MiB semi-spaces) in this process.
 * A transfer allocates small objects fast (frames, promises, hashes), and V8 answers by
 * growing the young generation to 16 MiB per semi-space, 32 MiB it never gives back: that was
 * the largest part of a replicating process's peak resident set. Scavenging a small young
 * generation costs little more, because the bulk data lives outside the heap. But objects
 * alive across two scavenges are promoted sooner, so more die in the old generation, where V8
 * lets 8 MiB of garbage (and the buffers it holds) pile up before collecting: optimize-for-size
 * makes that 2 MiB (measured: an offsite patching a 1 GiB file peaked 4-7 MiB lower, same CPU).
 *
 * `--max-semi-space-size` would say the same but is read only when the heap is made; the agent
 * runs as one executable where NODE_OPTIONS does not apply, so the growth factor is set here,
 * where the replication engine starts: V8 reads it each time it would grow the space.
 * Process-wide and idempotent.
 */
export function keepYoungGenerationSmall(): void {
  if (applied) return;
  applied = true;
  for (const flag of MEMORY_FLAGS) setFlagsFromString(flag);
}
