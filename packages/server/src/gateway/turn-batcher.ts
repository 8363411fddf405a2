import { yieldToEventLoop } from '../services/target-batches';

/**
 * Gathers items for one turn of the event loop and hands them to `settle` in chunks, one chunk
 * after the other. A burst (a thousand agents reconnecting, a mass disconnect) then costs a few
 * transactions instead of one per item. One batch is settled at a time: what arrives while one
 * is settled waits for it and goes with the next (a group commit), so under load the batches
 * grow instead of the transactions multiplying. A fan-out's results, a turn's worth each, kept
 * every pooled connection of a node in a transaction of its own, and each transaction's round
 * trips cost a socket write that the machine's other processes then waited for (bench:scale).
 * Every caller's promise resolves once its batch is done; `settle` reports its own errors,
 * since callers only wait.
 */
export class TurnBatcher<T> {
  private items: T[] = [];
  /** The batch still gathering items, if any. */
  private gathering: Promise<void> | null = null;
  /** The batch gathered last: the next one starts once it is done. */
  private last: Promise<void> = Promise.resolve();

  constructor(
    private readonly chunkSize: number,
    private readonly settle: (chunk: T[]) => Promise<void>,
  ) {}

  /** Adds an item to the batch being gathered; resolves when that batch has been settled. */
  add(item: T): Promise<void> {
    this.items.push(item);
    if (!this.gathering) {
      this.gathering = this.settleNext(this.last);
      this.last = this.gathering;
    }
    return this.gathering;
  }

  private async settleNext(previous: Promise<void>): Promise<void> {
    await yieldToEventLoop();
    await previous;
    const batch = this.items;
    this.items = [];
    this.gathering = null;
    for (let i = 0; i < batch.length; i += this.chunkSize) {
      // SQLite answers synchronously: without a turn between chunks, a batch of 20,000
      // would hold the event loop for all of them.
      if (i > 0) await yieldToEventLoop();
      await this.settle(batch.slice(i, i + this.chunkSize)).catch(() => undefined);
    }
  }
}
