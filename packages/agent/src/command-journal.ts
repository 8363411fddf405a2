import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { CommandResultMessage } from '@muster/protocol';
import { writeFileAtomic } from './atomic-file';

/** What the journal knows of one command. */
export type JournalEntry =
  | { id: string; state: 'running' }
  | { id: string; state: 'done'; result: CommandResultMessage };

const SAFE_ID = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * The agent's command journal: one small file per command id in the state directory, written
 * (with fsync) before a command starts and again with its result. A command found here is
 * never run twice: a finished one is answered from its stored result, and one that was running
 * when the agent died is reported failed rather than started again. Entries go once the
 * server acknowledges the result.
 */
export class CommandJournal {
  private readonly dir: string;

  constructor(stateDir: string) {
    this.dir = join(stateDir, 'journal');
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
  }

  private file(id: string): string {
    if (!SAFE_ID.test(id)) throw new Error(`unsafe command id "${id.slice(0, 70)}"`);
    return join(this.dir, `${id}.json`);
  }

  get(id: string): JournalEntry | null {
    const file = this.file(id);
    if (!existsSync(file)) return null;
    try {
      return JSON.parse(readFileSync(file, 'utf8')) as JournalEntry;
    } catch {
      // A torn write cannot happen (atomic rename), but a damaged file must not block the queue.
      return { id, state: 'running' };
    }
  }

  started(id: string): void {
    writeFileAtomic(this.file(id), JSON.stringify({ id, state: 'running' }));
  }

  finished(result: CommandResultMessage): void {
    writeFileAtomic(this.file(result.id), JSON.stringify({ id: result.id, state: 'done', result }));
  }

  /** The server stored the result: the entry is no longer needed. */
  acknowledged(id: string): void {
    if (SAFE_ID.test(id)) rmSync(this.file(id), { force: true });
  }

  /** Ids of every entry (for inspection and tests). */
  ids(): string[] {
    return readdirSync(this.dir)
      .filter((f) => f.endsWith('.json'))
      .map((f) => f.slice(0, -5));
  }
}
