import { setFlagsFromString } from 'node:v8';

/**
 * V8's heap growth for this process, in percent over the live heap: the servers' default
 * (heapGrowthPercent, packages/server/src/heap-growth.ts). This process reads 100 MiB of
 * terminal output per cat over TLS, as an administrator's browser would on its own machine;
 * here it shares the two cores with the system it measures, and at V8's own growth its full
 * collections took as much CPU as its reading.
 */
export const CLIENT_HEAP_GROWTH_PERCENT = 100;

/** Applies CLIENT_HEAP_GROWTH_PERCENT to this process. */
export function useClientHeapGrowth(): void {
  setFlagsFromString(`--heap-growing-percent=${CLIENT_HEAP_GROWTH_PERCENT}`);
}
