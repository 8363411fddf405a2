import { useCallback, useSyncExternalStore } from 'react';
import { useSession } from '../app/session';

/**
 * The Machine ID / Group ID filter: one filter for the whole console (the Machines page and the
 * Check-In Control page list the same machines), remembered per signed-in user in this browser,
 * so it is still in force after a reload or the next sign-in. Another user signing in on the same
 * browser starts from their own filter, not the previous user's.
 *
 * The filter means what it means in the API (packages/server/src/domain/machine-filter.ts): with
 * "*" a pattern over the whole Machine.Group ID ("*.web.acme", "pc*.acme"); without, a machine id
 * or a group and its subgroups ("web.acme", "acme"). An empty filter shows every machine in scope.
 */

const STORAGE_PREFIX = 'muster.machine-filter.';
const listeners = new Set<() => void>();

/** The longest filter the API takes. */
export const MAX_FILTER_LENGTH = 300;

/**
 * Why a filter would be refused by the API, or null when it is acceptable (empty means "no
 * filter"). Checked here too so a typo is explained before anything is sent; the server checks
 * again and its message is shown if it disagrees.
 */
export function machineFilterProblem(text: string): string | null {
  const filter = text.trim();
  if (filter === '') return null;
  if (filter.length > MAX_FILTER_LENGTH) return `a filter has at most ${MAX_FILTER_LENGTH} characters`;
  if (!/^[A-Za-z0-9_.*-]+$/.test(filter)) {
    return 'a filter holds only machine and group names (letters, digits, "-", "_", ".") and "*" wildcards, such as "*.web.acme" or "web.acme"';
  }
  return null;
}

/** The filter as the API wants it: trimmed and lower-case, or undefined for none. */
export function normalizedFilter(text: string): string | undefined {
  const filter = text.trim().toLowerCase();
  return filter === '' ? undefined : filter;
}

const keyOf = (userId: string) => `${STORAGE_PREFIX}${userId}`;

function read(userId: string): string {
  try {
    return localStorage.getItem(keyOf(userId)) ?? '';
  } catch {
    // Storage switched off (a private window's policy): the filter then lasts for the page only.
    return memory.get(userId) ?? '';
  }
}

/** Where the filter lives when localStorage refuses to keep it. */
const memory = new Map<string, string>();

function write(userId: string, filter: string): void {
  memory.set(userId, filter);
  try {
    if (filter === '') localStorage.removeItem(keyOf(userId));
    else localStorage.setItem(keyOf(userId), filter);
  } catch {
    // Kept in memory only (see read).
  }
  for (const listener of listeners) listener();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  // Another tab of the same user changing the filter changes it here too.
  const fromOtherTab = (event: StorageEvent) => {
    if (event.key?.startsWith(STORAGE_PREFIX)) listener();
  };
  window.addEventListener('storage', fromOtherTab);
  return () => {
    listeners.delete(listener);
    window.removeEventListener('storage', fromOtherTab);
  };
}

/**
 * The signed-in user's machine filter (normalized, '' for none) and the function that sets it.
 * Every component that uses it sees a change at once.
 */
export function useMachineFilter(): [string, (filter: string) => void] {
  const userId = useSession().me.user.id;
  const filter = useSyncExternalStore(subscribe, () => read(userId));
  const set = useCallback((next: string) => write(userId, normalizedFilter(next) ?? ''), [userId]);
  return [filter, set];
}
