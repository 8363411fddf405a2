import { EVERYTHING, type ScopeFilter } from '../access/scope';
import type { Bus } from '../bus/bus';
import { invalidInput, notFound } from '../domain/errors';
import { parseMachineFilter } from '../domain/machine-filter';
import { MACHINE_STATUSES, type MachineStatus } from '../domain/machine-status';
import type { MachineReader, MachineScope, MachineWriter } from '../store/interfaces';
import {
  type KeysetPosition,
  MACHINE_SORT_KEYS,
  type MachineSort,
  type SortOrder,
} from '../store/list-record';
import type { MachineRecord } from '../store/machine-record';
import { decodeCursor, encodeCursor } from './list-cursor';
import { type MachineView, machineView } from './machine-view';

/** What a caller asks of the machine list (see http/list-query.ts). */
export interface MachineListRequest {
  filter?: string | undefined;
  search?: string | undefined;
  status?: readonly MachineStatus[] | undefined;
  sort?: MachineSort | undefined;
  order?: SortOrder | undefined;
  after?: string | undefined;
  limit?: number | undefined;
}

/** One page of the machine list. */
export interface MachineListAnswer {
  items: MachineView[];
  next: string | null;
  total: number;
}

/**
 * The position a machine list's cursor names. By id ascending (the default, and the order
 * before sorting existed) the cursor is the last machine id itself, which clients already send;
 * such an id in any other order is refused, since it says nothing of that order's key.
 */
function machineCursor(after: string, sort: MachineSort, order: SortOrder): KeysetPosition {
  if (after.includes('.')) {
    if (sort === 'id' && order === 'asc') return { key: after.toLowerCase(), id: after.toLowerCase() };
    throw invalidInput(
      `"after" is a machine id, which continues only the list by id ascending; with sort=${sort}&order=${order} pass the "next" of the page before`,
    );
  }
  return decodeCursor<string>(after, sort, order, MACHINE_SORT_KEYS[sort], 'string');
}

/** Answers whether this node holds a live session for a machine. */
export type SessionProbe = (machineId: string) => boolean;

/** Lists and shows machines, and changes their suspend and remote-control switches. */
export class MachinesService {
  constructor(
    private readonly machines: MachineReader & MachineWriter,
    private readonly hasSession: SessionProbe,
    private readonly bus: Bus,
    private readonly clock: () => number,
  ) {}

  /**
   * One page of the machines in scope (the scope is part of the query, so nothing else is
   * read): filtered, searched, sorted, from the cursor `after`, at most `limit` (all without),
   * with the cursor of the next page (null after the last) and the count of the whole list.
   */
  async list(query: MachineListRequest, scope: MachineScope): Promise<MachineListAnswer> {
    const sort = query.sort ?? 'id';
    const order = query.order ?? 'asc';
    const after = query.after === undefined ? undefined : machineCursor(query.after, sort, order);
    const { rows, total } = await this.machines.listMachinePage(
      {
        likePatterns: query.filter ? parseMachineFilter(query.filter).likePatterns : null,
        ...(query.search === undefined ? {} : { search: query.search }),
        ...(query.status === undefined
          ? {}
          : { statusKeys: query.status.map((s) => MACHINE_STATUSES.indexOf(s)) }),
        sort,
        order,
        ...(after === undefined ? {} : { after }),
        ...(query.limit === undefined ? {} : { limit: query.limit }),
      },
      scope,
    );
    const now = this.clock();
    const last = rows.at(-1);
    const full = query.limit !== undefined && rows.length === query.limit && last !== undefined;
    return {
      items: rows.map((r) => machineView(r.machine, now, this.hasSession(r.machine.id))),
      next: !full
        ? null
        : sort === 'id' && order === 'asc'
          ? last.machine.id
          : encodeCursor(sort, order, { key: last.key, id: last.machine.id }),
      total,
    };
  }

  /** One machine in scope; out of scope it is unknown (404), exactly like a missing one. */
  async show(id: string, scope: ScopeFilter): Promise<MachineView> {
    return machineView(await this.get(id, scope), this.clock(), this.hasSession(id.toLowerCase()));
  }

  /** One machine in scope (omitted: the server's own view). */
  async get(id: string, scope: ScopeFilter = EVERYTHING): Promise<MachineRecord> {
    const m = await this.machines.findMachine(id.toLowerCase(), scope);
    if (!m) throw notFound(`no machine "${id}"`);
    return m;
  }

  /** Suspends a machine in scope: its agent stays connected and is given no work. */
  async setSuspended(id: string, suspended: boolean, scope: ScopeFilter): Promise<MachineView> {
    await this.get(id, scope);
    if (!(await this.machines.setSuspended(id.toLowerCase(), suspended)))
      throw notFound(`no machine "${id}"`);
    await this.bus.publish({ type: 'machine-suspension', machineId: id.toLowerCase(), suspended });
    return this.show(id, scope);
  }

  /** Switches remote control of a machine in scope. */
  async setRemoteControlEnabled(id: string, enabled: boolean, scope: ScopeFilter): Promise<MachineView> {
    await this.get(id, scope);
    if (!(await this.machines.setRemoteControlEnabled(id.toLowerCase(), enabled))) {
      throw notFound(`no machine "${id}"`);
    }
    return this.show(id, scope);
  }
}
