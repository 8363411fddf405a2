import { readFileSync } from 'node:fs';

/**
 * Open files a node keeps for everything but agent connections when it sizes the agent limit
 * itself: the store's pool and bus listener, the API's and the device port's clients, terminal
 * relays, file transfers, logs. A quarter of the process's limit, at most this many.
 */
export const OPEN_FILE_RESERVE = 1000;

/**
 * The process's soft limit of open files, from /proc/self/limits (node raises the soft limit to
 * the hard one as it starts); null where that cannot be read (not Linux) or says "unlimited".
 */
export function openFileLimit(
  read: () => string = () => readFileSync('/proc/self/limits', 'utf8'),
): number | null {
  let text: string;
  try {
    text = read();
  } catch {
    return null;
  }
  const line = text.split('\n').find((l) => l.startsWith('Max open files'));
  const soft = line?.slice('Max open files'.length).trim().split(/\s+/)[0];
  if (soft === undefined || !/^\d+$/.test(soft)) return null;
  return Number(soft);
}

/**
 * How many agent connections a node holds at most. `configured` above 0 is taken as it is; 0
 * means size it from the open-file limit, leaving OPEN_FILE_RESERVE (or a quarter of a small
 * limit) for the node's own files. A node that accepted agents up to the limit itself could no
 * longer open a store connection: at 20,000 open files, bench:scale's node loss left nodes at
 * EMFILE, their check-ins and command claims failing. Infinity when the limit is not known.
 */
export function agentConnectionLimit(configured: number, openFiles: number | null): number {
  if (configured > 0) return configured;
  if (openFiles === null) return Number.POSITIVE_INFINITY;
  return Math.max(1, openFiles - Math.min(OPEN_FILE_RESERVE, Math.floor(openFiles / 4)));
}
