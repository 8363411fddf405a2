import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';

/**
 * Collects the JSON lines a child prints and lets the parent wait for one that matches; lines
 * that are not JSON (a stray warning) are kept apart as text for error messages.
 */
export class JsonLines<T> {
  readonly lines: T[] = [];
  readonly text: string[] = [];
  private readonly waiters: { match: (line: T) => boolean; resolve: (line: T) => void }[] = [];

  constructor(stream: Readable) {
    createInterface({ input: stream }).on('line', (raw) => {
      let value: T;
      try {
        value = JSON.parse(raw) as T;
      } catch {
        this.text.push(raw);
        return;
      }
      this.lines.push(value);
      for (const waiter of [...this.waiters]) {
        if (!waiter.match(value)) continue;
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        waiter.resolve(value);
      }
    });
  }

  /** The first line (already seen or still to come) that matches, or undefined after `timeoutMs`. */
  waitFor(match: (line: T) => boolean, timeoutMs: number): Promise<T | undefined> {
    const seen = this.lines.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        resolve(undefined);
      }, timeoutMs);
      const waiter = {
        match,
        resolve: (line: T) => {
          clearTimeout(timer);
          resolve(line);
        },
      };
      this.waiters.push(waiter);
    });
  }
}
