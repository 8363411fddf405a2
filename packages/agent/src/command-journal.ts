import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { CommandResultMessage } from '@muster/protocol';
import { writeFileAtomic } from './atomic-file';

/**
 * What the journal knows of one command: started (with its type, so an interrupted transfer
 * can be told from a command that must not run again), or done with the result to report.
 */
export type JournalEntry =
  | { id: string; state: 'running'; type?: string; startedAt?: number }
  | { id: string; state: 'done'; result: CommandResultMessage };

const SAFE_ID = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * The agent's command journal: one small file per command id in the state directory, written
 * (with fsync) before a command starts and again with its result. A command found here is
 * never run twice: a finished one is answered from its stored result, and one that was running
 * when the agent died is reported failed rather than started again. An entry goes only when the
 * server has accepted the command's result; until then the result is reported again at every
 * connection.
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

  /** The entry of a command, or null if the journal has none. */
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

  /** Written before a command starts: from here on it is never started again. */
  started(id: string, type: string, at: number): void {
    writeFileAtomic(this.file(id), JSON.stringify({ id, state: 'running', type, startedAt: at }));
  }

  /** The command's result, kept until the server accepts it. */
  finished(result: CommandResultMessage): void {
    writeFileAtomic(this.file(result.id), JSON.stringify({ id: result.id, state: 'done', result }));
  }

  /** The server holds the command's result: the entry is no longer needed. */
  acknowledged(id: string): void {
    if (SAFE_ID.test(id)) rmSync(this.file(id), { force: true });
  }

  /** Every entry (damaged ones read as running). */
  entries(): JournalEntry[] {
    return this.ids()
      .filter((id) => SAFE_ID.test(id))
      .map((id) => this.get(id))
      .filter((e): e is JournalEntry => e !== null);
  }

  /** Ids of every entry (for inspection and tests). */
  ids(): string[] {
    return readdirSync(this.dir)
      .filter((f) => f.endsWith('.json'))
      .map((f) => f.slice(0, -5));
  }
}
