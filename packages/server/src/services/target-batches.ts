import type { MachineReader, MachineScope } from '../store/interfaces';
import type { MachineRecord } from '../store/machine-record';

/**
 * How many ids one store lookup takes. Small enough that a chunk's query and the work on its
 * rows take a few milliseconds, well inside every backend's limit on bound parameters.
 */
export const TARGET_CHUNK = 1000;

/**
 * Lets the event loop run (timers, sockets, other requests) before going on. A microtask
 * (a bare `await`) is not enough: SQLite answers synchronously, so a long run of awaited
 * queries would otherwise hold the loop for the whole request.
 */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Splits ids into chunks of TARGET_CHUNK. */
export function targetChunks<T>(items: readonly T[], size = TARGET_CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** The machines found among ids, in the order of `ids`, and the ids no machine has. */
export interface MachineLookup {
  found: MachineRecord[];
  missing: string[];
}

/**
 * Looks up many machine ids (already normalized and without duplicates) one chunk per query,
 * yielding to the event loop between chunks, so a bulk request of 200,000 ids neither runs
 * 200,000 queries nor keeps the server from answering anyone else meanwhile.
 */
export async function findMachinesInChunks(
  reader: Pick<MachineReader, 'findMachines'>,
  ids: readonly string[],
  /** Machines out of scope are looked up as missing, exactly like unknown ones. */
  scope?: MachineScope,
): Promise<MachineLookup> {
  const found: MachineRecord[] = [];
  const missing: string[] = [];
  for (const [i, chunk] of targetChunks(ids).entries()) {
    // Between chunks, not after the last: a command to one machine would wait a turn for nothing.
    if (i > 0) await yieldToEventLoop();
    const byId = new Map((await reader.findMachines(chunk, scope)).map((m) => [m.id, m]));
    for (const id of chunk) {
      const m = byId.get(id);
      if (m) found.push(m);
      else missing.push(id);
    }
  }
  return { found, missing };
}
