import { EVERYTHING, type ScopeFilter } from '../access/scope';
import type { Bus } from '../bus/bus';
import { notFound } from '../domain/errors';
import { parseMachineFilter } from '../domain/machine-filter';
import type { MachinePage, MachineReader, MachineWriter } from '../store/interfaces';
import type { MachineRecord } from '../store/machine-record';
import { type MachineView, machineView } from './machine-view';

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
   * Machines in scope, by filter, ordered by id; the scope is part of the query, so nothing
   * else is read. With `page.limit`, one page and the cursor of the next (null after the last).
   */
  async list(
    filter: string | undefined,
    scope: ScopeFilter,
    page: MachinePage = {},
  ): Promise<{ items: MachineView[]; next: string | null }> {
    const patterns = filter ? parseMachineFilter(filter).likePatterns : null;
    const now = this.clock();
    const rows = await this.machines.listMachines(patterns, scope, page);
    const full = page.limit !== undefined && rows.length === page.limit;
    return {
      items: rows.map((m) => machineView(m, now, this.hasSession(m.id))),
      next: full ? (rows.at(-1)?.id ?? null) : null,
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
