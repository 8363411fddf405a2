import type { Bus } from '../bus/bus';
import type { CommandQueueService, CommandQueueSettings } from '../services/command-queue.service';
import { EventHub } from '../services/event-hub';
import type { StoreBackend } from '../store/interfaces';

/** The settings tests run the queue with, unless they say otherwise. */
const TEST_SETTINGS: CommandQueueSettings = {
  maxAttempts: 3,
  leaseSeconds: 60,
  outputLimitBytes: 65536,
  defaultTtlSeconds: 0,
};

/**
 * The real queue service over a store and a bus, with no device queue and no group policies
 * (tests only). `Queue` may be a subclass (one that holds claims, say).
 */
export function queueOver<Q extends CommandQueueService>(
  Queue: new (...args: ConstructorParameters<typeof CommandQueueService>) => Q,
  store: StoreBackend,
  bus: Bus,
  clock: () => number,
  settings: Partial<CommandQueueSettings> = {},
): Q {
  return new Queue(
    store.commands,
    store.machines,
    store.machines,
    { groupsOf: async () => new Map(), validate: () => undefined, queued: async () => undefined },
    new EventHub(bus),
    bus,
    { ...TEST_SETTINGS, ...settings },
    clock,
  );
}
