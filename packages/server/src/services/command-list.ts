import type { ScopeFilter } from '../access/scope';
import { invalidInput } from '../domain/errors';
import { parseMachineFilter } from '../domain/machine-filter';
import type { CommandQuery, CommandRecord, CommandStatus } from '../store/command-record';
import {
  COMMAND_SORT_KEYS,
  type CommandSort,
  type KeysetPosition,
  type SortOrder,
} from '../store/list-record';
import { decodeCursor, encodeCursor } from './list-cursor';

/** What a caller asks of a command list (GET /commands, GET /machines/{id}/commands). */
export interface CommandListRequest {
  target?: string | undefined;
  filter?: string | undefined;
  status?: CommandStatus | undefined;
  type?: string | undefined;
  /** ISO 8601 times: created at or after `from`, before `to`. */
  from?: string | undefined;
  to?: string | undefined;
  /** The older cursor: a seq, newest first only. */
  before?: number | undefined;
  after?: string | undefined;
  sort?: CommandSort | undefined;
  order?: SortOrder | undefined;
  search?: string | undefined;
  limit: number;
}

/** The default direction of an order: newest first by creation, else ascending. */
const directionOf = (sort: CommandSort, order: SortOrder | undefined): SortOrder =>
  order ?? (sort === 'created' ? 'desc' : 'asc');

/**
 * The store query of a request, in the caller's scope (and, for one machine's list, fixed to
 * it). The cursor of the order by creation is the seq itself, digits (as `before` always
 * took); other orders have encoded cursors. Contradictions are invalid input.
 */
export function commandQuery(
  request: CommandListRequest,
  scope: ScopeFilter,
  fixed: Pick<CommandQuery, 'targetKind' | 'targetId'> = {},
): CommandQuery {
  const sort = request.sort ?? 'created';
  const order = directionOf(sort, request.order);
  const query: CommandQuery = { limit: request.limit, scope, sort, order, ...fixed };
  if (request.target) query.targetId = request.target.toLowerCase();
  if (request.filter) query.targetLike = parseMachineFilter(request.filter).likePatterns;
  if (request.status) query.status = request.status;
  if (request.type) query.type = request.type;
  if (request.search) query.search = request.search;
  if (request.from) query.createdFrom = Date.parse(request.from);
  if (request.to) query.createdTo = Date.parse(request.to);
  if (
    query.createdFrom !== undefined &&
    query.createdTo !== undefined &&
    query.createdFrom > query.createdTo
  ) {
    throw invalidInput('"from" is after "to"');
  }
  if (request.before !== undefined) {
    if (request.after !== undefined) throw invalidInput('give "after" or "before", not both');
    if (sort !== 'created' || order !== 'desc') {
      throw invalidInput(
        `"before" pages only the newest-first order; with sort=${sort}&order=${order} use "after"`,
      );
    }
    query.beforeSeq = request.before;
  }
  if (request.after !== undefined) query.after = position(request.after, sort, order);
  return query;
}

function position(after: string, sort: CommandSort, order: SortOrder): KeysetPosition<number> {
  if (/^\d+$/.test(after)) {
    if (sort !== 'created') {
      throw invalidInput(
        `"after" is a command sequence number, which continues only the order by creation; with sort=${sort} pass the "next" of the page before`,
      );
    }
    const seq = Number(after);
    if (!Number.isSafeInteger(seq)) throw invalidInput('"after" is not a cursor of this list');
    return { key: seq, id: seq };
  }
  return decodeCursor<number>(after, sort, order, COMMAND_SORT_KEYS[sort], 'number');
}

/** The `next` of a page: null unless it is full; the last seq by creation, else encoded. */
export function nextCommandCursor(query: CommandQuery, rows: readonly CommandRecord[]): string | null {
  const last = rows.at(-1);
  if (rows.length < query.limit || last === undefined) return null;
  const sort = query.sort ?? 'created';
  if (sort === 'created') return String(last.seq);
  const key = sort === 'status' ? last.status : sort === 'type' ? last.type : last.targetId;
  return encodeCursor(sort, directionOf(sort, query.order), { key, id: last.seq });
}
