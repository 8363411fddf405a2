import { TurnBatcher } from '../gateway/turn-batcher';
import type { CommandRecord, CommandRefusal, FinishRequest } from '../store/command-record';
import type { CommandQueueStore } from '../store/interfaces';

/** How many results one transaction stores at most: well under every database's parameter limit. */
export const RESULTS_PER_TRANSACTION = 500;

/** A result waiting for its turn's transaction, with its caller's promise. */
interface PendingResult {
  request: FinishRequest;
  resolve(result: CommandRecord | CommandRefusal): void;
  reject(error: unknown): void;
}

/**
 * Stores endpoints' results a turn of the event loop at a time: the results that arrive in one
 * turn go to the store together, one transaction per RESULTS_PER_TRANSACTION, and each caller
 * gets its own record or refusal. A fan-out answered by 20,000 agents then costs tens of
 * commits, not 20,000, and a commit on PostgreSQL is the costly part of a result (a WAL flush).
 * A lone result still waits only for the end of its turn, and for a transaction under way
 * (results that arrive meanwhile go together in the next, see TurnBatcher). When a transaction
 * fails, every result in it fails, and each endpoint reports its result again (it keeps it
 * until it is acknowledged).
 */
export class ResultBatcher {
  private readonly turns: TurnBatcher<PendingResult>;

  constructor(
    store: Pick<CommandQueueStore, 'finishMany'>,
    clock: () => number,
    chunkSize = RESULTS_PER_TRANSACTION,
  ) {
    this.turns = new TurnBatcher<PendingResult>(chunkSize, async (chunk) => {
      try {
        const results = await store.finishMany(
          chunk.map((pending) => pending.request),
          clock(),
        );
        chunk.forEach((pending, index) => {
          pending.resolve(results[index] ?? 'not-found');
        });
      } catch (error) {
        for (const pending of chunk) pending.reject(error);
      }
    });
  }

  /** Stores one result with the others of this turn; resolves with its record or why it was refused. */
  finish(request: FinishRequest): Promise<CommandRecord | CommandRefusal> {
    return new Promise((resolve, reject) => {
      void this.turns.add({ request, resolve, reject });
    });
  }
}
