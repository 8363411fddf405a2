import type { Bus, BusEvent } from './bus';

/** The bus of a single server process: delivers to local subscribers only. */
export function inProcessBus(): Bus {
  const handlers = new Set<(event: BusEvent) => void>();
  return {
    async publish(event) {
      // Delivered on the next tick so a publisher never runs subscriber code re-entrantly.
      queueMicrotask(() => {
        for (const h of handlers) h(event);
      });
    },
    subscribe(handler) {
      handlers.add(handler);
      return () => handlers.delete(handler);
    },
    async close() {
      handlers.clear();
    },
  };
}
