import { yieldToEventLoop } from '../services/target-batches';

/**
 * Gathers items for one turn of the event loop and hands them to `settle` in chunks, one chunk
 * after the other. A burst (a thousand agents reconnecting, a mass disconnect) then costs a few
 * transactions instead of one per item. Every caller's promise resolves once its batch is done;
 * `settle` reports its own errors, since callers only wait.
 */
export class TurnBatcher<T> {
  private items: T[] = [];
  private pending: Promise<void> | null = null;

  constructor(
    private readonly chunkSize: number,
    private readonly settle: (chunk: T[]) => Promise<void>,
  ) {}

  /** Adds an item to this turn's batch; resolves when the batch has been settled. */
  add(item: T): Promise<void> {
    this.items.push(item);
    this.pending ??= new Promise<void>((resolve) => {
      setImmediate(async () => {
        const batch = this.items;
        this.items = [];
        this.pending = null;
        for (let i = 0; i < batch.length; i += this.chunkSize) {
          // SQLite answers synchronously: without a turn between chunks, a batch of 20,000
          // would hold the event loop for all of them.
          if (i > 0) await yieldToEventLoop();
          await this.settle(batch.slice(i, i + this.chunkSize)).catch(() => undefined);
        }
        resolve();
      });
    });
    return this.pending;
  }
}
