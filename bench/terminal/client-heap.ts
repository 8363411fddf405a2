import { ServerConfigSchema } from '../../packages/server/src/config';
import { applyHeapGrowth } from '../../packages/server/src/heap-growth';

/**
 * V8's heap growth for this process: the servers' default (heapGrowthPercent). This process
 * reads 100 MiB of terminal output per cat over TLS, as an administrator's browser would on its
 * own machine; here it shares the two cores with the system it measures, and at V8's own
 * growth its full collections took as much CPU as its reading.
 */
export const CLIENT_HEAP_GROWTH_PERCENT: number = ServerConfigSchema.properties.heapGrowthPercent.default;

/** Applies CLIENT_HEAP_GROWTH_PERCENT to this process, as a server applies its setting. */
export function useClientHeapGrowth(): void {
  applyHeapGrowth(CLIENT_HEAP_GROWTH_PERCENT);
}
