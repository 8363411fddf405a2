import { type Bus, type BusEvent, deliverToEach } from './bus';

/**
 * The bus of a single server process: delivers to local subscribers only. A subscriber that
 * throws is reported to `onError` and the others still get the event: a throw escaping the
 * microtask would end the process.
 */
export function inProcessBus(onError: (error: unknown) => void = reportToStderr): Bus {
  const handlers = new Set<(event: BusEvent) => void>();
  const deliver = (event: BusEvent) => deliverToEach(handlers, event, onError);
  return {
    async publish(event) {
      // Delivered on the next tick so a publisher never runs subscriber code re-entrantly.
      queueMicrotask(() => deliver(event));
    },
    async publishAll(events) {
      const all = [...events];
      queueMicrotask(() => {
        for (const event of all) deliver(event);
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

function reportToStderr(error: unknown): void {
  console.error('a bus subscriber failed:', error);
}
