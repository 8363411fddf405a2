import type { Bus } from '../bus/bus';
import { ErrorCode, MusterError, notFound } from '../domain/errors';
import type { CommandChange } from '../store/command-record';
import type { MachineRemover } from '../store/interfaces';

/** What deleting a machine did to its unfinished commands. */
export interface RemovedMachine {
  id: string;
  /** Pending commands canceled (they never ran). */
  canceledCommands: number;
  /** Delivered commands ended `unknown` (they may have run; no result will come). */
  unknownCommands: number;
}

/**
 * Deletes machine accounts at an administrator's request. The account and its unfinished
 * commands end in one transaction; then every node is told, so the node holding the agent
 * closes its session (close code 4016, machine removed), exactly as after an uninstall.
 */
export class MachineRemovalService {
  constructor(
    private readonly remover: MachineRemover,
    private readonly onCommandChanges: (changes: readonly CommandChange[]) => Promise<void>,
    private readonly bus: Bus,
    private readonly clock: () => number,
  ) {}

  async remove(id: string): Promise<RemovedMachine> {
    const machineId = id.toLowerCase();
    const result = await this.remover.removeMachine(machineId, this.clock());
    if (result.kind === 'not-found') throw notFound(`no machine "${id}"`);
    if (result.kind === 'offsite-in-use') {
      throw new MusterError(
        ErrorCode.conflict,
        `machine ${machineId} is the offsite server of local servers ${result.localServerIds.join(', ')}; delete those local servers first`,
        { localServerIds: result.localServerIds },
      );
    }
    await this.bus.publish({ type: 'machines-removed', machineIds: [machineId] });
    await this.onCommandChanges(result.changes);
    return {
      id: machineId,
      canceledCommands: result.changes.filter((c) => c.status === 'canceled').length,
      unknownCommands: result.changes.filter((c) => c.status !== 'canceled').length,
    };
  }
}
