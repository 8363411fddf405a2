import { invalidInput } from '../domain/errors';
import type { KeysetPosition, SortKeyKind, SortOrder } from '../store/list-record';

/*
 * The `next`/`after` cursor of the lists: an opaque string that carries the position of the
 * last item of a page in its order (sort key and id) and the order it belongs to, so a cursor
 * taken to another order is refused instead of starting somewhere arbitrary. It holds nothing
 * the caller could not see on the page (the key is a column of that item), so it is encoded,
 * not signed: a forged cursor only starts the caller's own list at another place.
 *
 * Default orders keep their plain cursors, which clients already use: a machine id for the
 * machine list by id (it contains a dot, which an encoded cursor never does), a command's
 * sequence number for the newest-first command list (only digits, which an encoded cursor,
 * starting with "W", never is).
 */

/** Encodes a position of a list order as its cursor. */
export function encodeCursor(
  sort: string,
  order: SortOrder,
  position: KeysetPosition<string | number>,
): string {
  return Buffer.from(JSON.stringify([sort, order, position.key, position.id]), 'utf8').toString('base64url');
}

/**
 * Reads a cursor made by encodeCursor for this order, checking its key is of the kind the
 * order compares and its id of the kind of the list's ids. Anything else is invalid input.
 */
export function decodeCursor<Id extends string | number>(
  cursor: string,
  sort: string,
  order: SortOrder,
  keyKind: SortKeyKind,
  idKind: Id extends number ? 'number' : 'string',
): KeysetPosition<Id> {
  let parsed: unknown;
  try {
    parsed = /^[A-Za-z0-9_-]+$/.test(cursor)
      ? JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
      : null;
  } catch {
    parsed = null;
  }
  if (
    !Array.isArray(parsed) ||
    parsed.length !== 4 ||
    typeof parsed[0] !== 'string' ||
    typeof parsed[1] !== 'string'
  ) {
    throw invalidInput('"after" is not a cursor of this list: pass the "next" of the page before');
  }
  const [madeSort, madeOrder, key, id] = parsed as [string, string, unknown, unknown];
  if (madeSort !== sort || madeOrder !== order) {
    throw invalidInput(
      `"after" belongs to the order sort=${madeSort}&order=${madeOrder}, not sort=${sort}&order=${order}: a changed order starts again from its first page (without "after")`,
    );
  }
  const keyOk =
    keyKind === 'number' ? typeof key === 'number' && Number.isFinite(key) : typeof key === 'string';
  const idOk = idKind === 'number' ? Number.isSafeInteger(id) : typeof id === 'string';
  if (!keyOk || !idOk)
    throw invalidInput('"after" is not a cursor of this list: pass the "next" of the page before');
  return { key: key as string | number, id: id as Id };
}
