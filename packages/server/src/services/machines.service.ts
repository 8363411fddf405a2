import type { Bus } from '../bus/bus';
import { notFound } from '../domain/errors';
import { parseMachineFilter } from '../domain/machine-filter';
import type { MachineReader, MachineWriter } from '../store/interfaces';
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

  async list(filter?: string): Promise<MachineView[]> {
    const patterns = filter ? parseMachineFilter(filter).likePatterns : null;
    const now = this.clock();
    return (await this.machines.listMachines(patterns)).map((m) =>
      machineView(m, now, this.hasSession(m.id)),
    );
  }

  async show(id: string): Promise<MachineView> {
    return machineView(await this.get(id), this.clock(), this.hasSession(id.toLowerCase()));
  }

  async get(id: string): Promise<MachineRecord> {
    const m = await this.machines.findMachine(id.toLowerCase());
    if (!m) throw notFound(`no machine "${id}"`);
    return m;
  }

  /** Suspends a machine: its agent stays connected and is given no work. */
  async setSuspended(id: string, suspended: boolean): Promise<MachineView> {
    if (!(await this.machines.setSuspended(id.toLowerCase(), suspended)))
      throw notFound(`no machine "${id}"`);
    await this.bus.publish({ type: 'machine-suspension', machineId: id.toLowerCase(), suspended });
    return this.show(id);
  }

  async setRemoteControlEnabled(id: string, enabled: boolean): Promise<MachineView> {
    if (!(await this.machines.setRemoteControlEnabled(id.toLowerCase(), enabled))) {
      throw notFound(`no machine "${id}"`);
    }
    return this.show(id);
  }
}
