import { setFlagsFromString } from 'node:v8';

/**
 * Sets how far V8 lets the old generation grow past what a full collection left alive before
 * it starts the next: `percent` over the live heap (100: to twice the live heap). 0 leaves
 * V8's own choice, which changes with the measured speed of collecting and allocating.
 *
 * Why the server sets it: while bytes stream through a node (a remote terminal printing a
 * large file, recorded as it goes) the node allocates buffers outside V8's heap fast and very
 * few objects inside it. V8 then chose a growth of about 1.5 times the live heap and, with that
 * little room, marked the whole heap ten times a second, on every core: a 100 MiB `cat`
 * through a terminal took 0.85 of a core on the node and ran at 36-50 MiB/s. At 100 % the node
 * marked about once a cat, took 0.38 of a core, and the cat ran at 74-90 MiB/s (same machine,
 * same minutes; bench/results/terminal.md). The price is a heap that may hold up to twice its
 * live size in garbage between collections. V8 reads the flag each time it sets the limit, so
 * it takes effect after start (unlike --initial-old-space-size, which works as well but must be
 * given to node at launch). Process-wide.
 */
export function applyHeapGrowth(
  percent: number,
  setFlags: (flags: string) => void = setFlagsFromString,
): void {
  if (!(Number.isInteger(percent) && percent >= 0 && percent <= 1000))
    throw new RangeError(`heap growth is a whole percent from 0 to 1000, not ${percent}`);
  if (percent > 0) setFlags(`--heap-growing-percent=${percent}`);
}
