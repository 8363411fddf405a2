/** What a bulk action over machines did: the machines it was done to and the refusals. */
export interface BulkOutcome {
  done: string[];
  failed: Array<{ id: string; message: string }>;
}

/** How many requests of one bulk action run at once: quick, without flooding the server. */
const PARALLEL = 4;

/**
 * Runs one request per machine (the API has no bulk suspend, resume or delete), a few at a time,
 * and collects every refusal with the server's message instead of stopping at the first: the
 * administrator learns exactly which machines were not changed and why.
 */
export async function forEachMachine(
  ids: readonly string[],
  act: (id: string) => Promise<unknown>,
): Promise<BulkOutcome> {
  const outcome: BulkOutcome = { done: [], failed: [] };
  let next = 0;
  const worker = async () => {
    while (next < ids.length) {
      const id = ids[next++] as string;
      try {
        await act(id);
        outcome.done.push(id);
      } catch (error) {
        outcome.failed.push({ id, message: error instanceof Error ? error.message : String(error) });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL, ids.length) }, worker));
  return outcome;
}
