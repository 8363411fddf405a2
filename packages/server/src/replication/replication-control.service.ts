import {
  hostProblem,
  OFFSITE_PORT_MAX,
  OFFSITE_PORT_MIN,
  type ReplicationStatusMessage,
  type StartLocalParams,
  type StartOffsiteParams,
} from '@muster/protocol';
import { Cron } from 'croner';
import { EVERYTHING, type ScopeFilter } from '../access/scope';
import { ErrorCode, invalidInput, MusterError, notFound } from '../domain/errors';
import type { NotificationService } from '../services/notification.service';
import { newId } from '../services/secrets';
import type { MachineReader } from '../store/interfaces';
import type { MachineRecord } from '../store/machine-record';
import type {
  LocalReport,
  LocalServerFields,
  LocalServerRecord,
  OffsiteServerFields,
  OffsiteServerRecord,
  ReplicationStore,
} from '../store/replication-record';

/** Queues replication procedures on agents (the command queue, ahead of ordinary work). */
export type ProcedureQueue = (
  type:
    | 'start-offsite-server'
    | 'stop-offsite-server'
    | 'verify-offsite-server'
    | 'start-local-server'
    | 'stop-local-server'
    | 'replicate-now',
  machine: MachineRecord,
  params: Record<string, unknown>,
) => Promise<string>;

/** Settings of replication that are server-wide. */
export interface ReplicationSettings {
  deleteDelaySeconds: number;
  retention: StartOffsiteParams['retention'];
  verifySchedule: string;
}

/** The result of a change: the record, the procedures queued, and warnings for the admin. */
export interface RoleChange<T> {
  record: T;
  procedures: string[];
  warnings: string[];
}

const SAME_MACHINE_WARNING =
  'the local server and its offsite server are the same machine: replication then needs an open port just to copy between drives, and the copy is not offsite, so it gives no disaster-recovery benefit';

/** A path an agent can use: POSIX absolute, a drive letter or a UNC path. */
function checkDirectory(directory: string, field: string): string {
  const d = directory.trim();
  if (!(d.startsWith('/') || /^[A-Za-z]:[\\/]/.test(d) || /^\\\\[^\\]+\\[^\\]+/.test(d)))
    throw invalidInput(`${field}: "${directory}" is not an absolute path (POSIX, drive letter or UNC)`, {
      field,
    });
  return d;
}

/** Checks a cron expression (five fields, or six with seconds). */
export function checkSchedule(schedule: string): string {
  try {
    new Cron(schedule, { paused: true });
  } catch (error) {
    throw invalidInput(`schedule: "${schedule}" is not a cron expression (${(error as Error).message})`, {
      field: 'schedule',
    });
  }
  return schedule.trim();
}

/**
 * Offsite and local servers: validates what the administrator asks for, stores it and queues
 * the start/stop procedures that make the agents take or drop a role. Pins come from the agent
 * keys the server already holds, so a role talks only to the peers assigned to it.
 */
export class ReplicationControlService {
  constructor(
    private readonly store: ReplicationStore,
    private readonly machines: MachineReader,
    private readonly queue: ProcedureQueue,
    private readonly settings: ReplicationSettings,
    private readonly notifications: Pick<NotificationService, 'raise'>,
    private readonly clock: () => number,
  ) {}

  async createOffsite(fields: OffsiteServerFields): Promise<RoleChange<OffsiteServerRecord>> {
    const checked = await this.checkOffsite(fields);
    const id = newId();
    if (!(await this.store.createOffsite(id, checked, this.clock())))
      throw portClash(checked.machineId, checked.port);
    const record = (await this.store.getOffsite(id)) as OffsiteServerRecord;
    return { record, procedures: [await this.startOffsite(record)], warnings: [] };
  }

  async updateOffsite(
    id: string,
    patch: Partial<OffsiteServerFields>,
  ): Promise<RoleChange<OffsiteServerRecord>> {
    const current = await this.offsite(id);
    const checked = await this.checkOffsite({ ...current, ...patch });
    if (!(await this.store.updateOffsite(id, checked, this.clock())))
      throw portClash(checked.machineId, checked.port);
    const record = await this.offsite(id);
    const procedures: string[] = [];
    // Moved to another machine: the old one stops listening.
    if (current.machineId !== record.machineId)
      procedures.push(await this.queueOn(current.machineId, 'stop-offsite-server', { offsiteServerId: id }));
    procedures.push(await this.startOffsite(record));
    // Local servers follow the new address and key.
    for (const local of await this.store.listLocal(id)) procedures.push(await this.startLocal(local, record));
    return { record, procedures, warnings: [] };
  }

  async deleteOffsite(id: string): Promise<string[]> {
    const current = await this.offsite(id);
    const outcome = await this.store.deleteOffsite(id);
    if (outcome === 'in-use')
      throw new MusterError(
        ErrorCode.conflict,
        `offsite server ${id} still has local servers; delete or move them first`,
      );
    if (outcome === 'not-found') throw notFound(`no offsite server "${id}"`);
    return [await this.queueOn(current.machineId, 'stop-offsite-server', { offsiteServerId: id })];
  }

  async restartOffsite(id: string): Promise<string[]> {
    return [await this.startOffsite(await this.offsite(id))];
  }

  /** Re-hashes the offsite copies against their manifests now (outside the verify schedule). */
  async verifyOffsite(id: string): Promise<string[]> {
    const record = await this.offsite(id);
    return [await this.queueOn(record.machineId, 'verify-offsite-server', { offsiteServerId: id })];
  }

  async createLocal(fields: LocalServerFields): Promise<RoleChange<LocalServerRecord>> {
    const { checked, offsite } = await this.checkLocal(fields);
    const id = newId();
    await this.store.createLocal(id, checked, this.clock());
    const record = await this.local(id);
    const procedures = [await this.startOffsite(offsite), await this.startLocal(record, offsite)];
    return {
      record,
      procedures,
      warnings: record.machineId === offsite.machineId ? [SAME_MACHINE_WARNING] : [],
    };
  }

  async updateLocal(id: string, patch: Partial<LocalServerFields>): Promise<RoleChange<LocalServerRecord>> {
    const current = await this.local(id);
    const { checked, offsite } = await this.checkLocal({ ...current, ...patch });
    await this.store.updateLocal(id, checked, this.clock());
    const record = await this.local(id);
    const procedures: string[] = [];
    if (current.machineId !== record.machineId)
      procedures.push(await this.queueOn(current.machineId, 'stop-local-server', { localServerId: id }));
    // The allow list of the old and the new offsite server changes with the assignment.
    if (current.offsiteServerId !== record.offsiteServerId) {
      const previous = await this.store.getOffsite(current.offsiteServerId);
      if (previous) procedures.push(await this.startOffsite(previous));
    }
    procedures.push(await this.startOffsite(offsite), await this.startLocal(record, offsite));
    return {
      record,
      procedures,
      warnings: record.machineId === offsite.machineId ? [SAME_MACHINE_WARNING] : [],
    };
  }

  async deleteLocal(id: string): Promise<string[]> {
    const current = await this.local(id);
    await this.store.deleteLocal(id);
    const procedures = [await this.queueOn(current.machineId, 'stop-local-server', { localServerId: id })];
    const offsite = await this.store.getOffsite(current.offsiteServerId);
    if (offsite) procedures.push(await this.startOffsite(offsite));
    return procedures;
  }

  async restartLocal(id: string): Promise<string[]> {
    const record = await this.local(id);
    return [await this.startLocal(record, await this.offsite(record.offsiteServerId))];
  }

  async replicateNow(id: string): Promise<string[]> {
    const record = await this.local(id);
    return [await this.queueOn(record.machineId, 'replicate-now', { localServerId: id })];
  }

  /**
   * Stores what an agent reports of a role it runs; reports for roles of other machines are
   * ignored. Returns the local server report as stored (for its progress event), or null: an
   * offsite server's report, or one ignored.
   */
  async report(machineId: string, m: ReplicationStatusMessage): Promise<LocalReport | null> {
    const now = this.clock();
    if (m.role === 'offsite-server') {
      await this.store.reportOffsite(
        m.id,
        machineId,
        {
          running: m.running,
          error: m.error,
          freeBytes: m.freeBytes ?? null,
          sessions: m.sessions ?? 0,
          lastVerification: m.lastVerification ?? null,
        },
        now,
      );
      const found = m.lastVerification;
      if (found && (found.corrupted.length > 0 || found.missing > 0)) {
        const files = found.corrupted.map((c) => `${c.guid}/${c.path} (${c.blocks} block(s))`).join(', ');
        await this.notifications.raise(
          'offsite-corruption',
          machineId,
          `verification of offsite server ${m.id} at ${new Date(found.at).toISOString()} found ${found.corrupted.length} damaged file(s)${files ? `: ${files}` : ''}${found.missing ? ` and ${found.missing} missing` : ''}; the damaged blocks are fetched again at the next transfer`,
          `${m.id}:${found.at}`,
        );
      }
      return null;
    }
    const report: LocalReport = {
      running: m.running,
      state: m.state ?? 'idle',
      active: m.active ?? false,
      error: m.error,
      lastContactAt: m.lastContactAt ?? null,
      lastTransferAt: m.lastTransferAt ?? null,
      bytesRemaining: m.bytesRemaining ?? 0,
      rateBytesPerSecond: m.rateBytesPerSecond ?? 0,
      etaSeconds: m.etaSeconds ?? null,
      nextRunAt: m.nextRunAt ?? null,
      lastPass: m.lastPass ?? null,
    };
    return (await this.store.reportLocal(m.id, machineId, report, now)) ? report : null;
  }

  /** Offsite servers whose machine is in scope. */
  listOffsite(scope: ScopeFilter): Promise<OffsiteServerRecord[]> {
    return this.store.listOffsite(scope);
  }

  /** Local servers whose machine is in scope. */
  listLocal(scope: ScopeFilter): Promise<LocalServerRecord[]> {
    return this.store.listLocal(undefined, scope);
  }

  /** An offsite server whose machine is in scope (omitted: everything); otherwise unknown. */
  async offsite(id: string, scope: ScopeFilter = EVERYTHING): Promise<OffsiteServerRecord> {
    const record = await this.store.getOffsite(id, scope);
    if (!record) throw notFound(`no offsite server "${id}"`);
    return record;
  }

  /** A local server whose machine is in scope (omitted: everything); otherwise unknown. */
  async local(id: string, scope: ScopeFilter = EVERYTHING): Promise<LocalServerRecord> {
    const record = await this.store.getLocal(id, scope);
    if (!record) throw notFound(`no local server "${id}"`);
    return record;
  }

  private async machine(id: string, field: string): Promise<MachineRecord> {
    const machine = await this.machines.findMachine(id.toLowerCase());
    if (!machine) throw notFound(`${field}: no machine "${id}"`);
    return machine;
  }

  private async checkOffsite(f: OffsiteServerFields): Promise<OffsiteServerFields> {
    const problem = hostProblem(f.host);
    if (problem) throw invalidInput(`host: ${problem}`, { field: 'host' });
    if (!Number.isInteger(f.port) || f.port < OFFSITE_PORT_MIN || f.port > OFFSITE_PORT_MAX)
      throw invalidInput(
        `port: offsite server ports are ${OFFSITE_PORT_MIN}-${OFFSITE_PORT_MAX}; ${f.port} is not`,
        {
          field: 'port',
        },
      );
    const machine = await this.machine(f.machineId, 'machineId');
    return { ...f, machineId: machine.id, directory: checkDirectory(f.directory, 'directory') };
  }

  private async checkLocal(
    f: LocalServerFields,
  ): Promise<{ checked: LocalServerFields; offsite: OffsiteServerRecord }> {
    const machine = await this.machine(f.machineId, 'machineId');
    const offsite = await this.store.getOffsite(f.offsiteServerId);
    if (!offsite) throw notFound(`offsiteServerId: no offsite server "${f.offsiteServerId}"`);
    const offsiteMachine = await this.machines.findMachine(offsite.machineId);
    if (!offsiteMachine?.keyFingerprint)
      throw new MusterError(
        ErrorCode.invalidState,
        `the offsite server's machine ${offsite.machineId} has never connected, so there is no key to pin yet`,
      );
    if (!Number.isInteger(f.bandwidthKBps) || f.bandwidthKBps < 0)
      throw invalidInput('bandwidthKBps: a whole number of KB/s, 0 for unlimited', {
        field: 'bandwidthKBps',
      });
    return {
      checked: {
        ...f,
        machineId: machine.id,
        directory: checkDirectory(f.directory, 'directory'),
        schedule: checkSchedule(f.schedule),
      },
      offsite,
    };
  }

  private async startOffsite(offsite: OffsiteServerRecord): Promise<string> {
    const allow: StartOffsiteParams['allow'] = [];
    for (const local of await this.store.listLocal(offsite.id)) {
      const machine = await this.machines.findMachine(local.machineId);
      if (machine?.keyFingerprint) allow.push({ guid: machine.guid, keyFingerprint: machine.keyFingerprint });
    }
    const params: StartOffsiteParams = {
      offsiteServerId: offsite.id,
      port: offsite.port,
      directory: offsite.directory,
      syntheticFull: offsite.syntheticFull,
      retention: this.settings.retention,
      verifySchedule: this.settings.verifySchedule,
      allow,
    };
    return this.queueOn(offsite.machineId, 'start-offsite-server', params);
  }

  private async startLocal(local: LocalServerRecord, offsite: OffsiteServerRecord): Promise<string> {
    const [machine, offsiteMachine] = await Promise.all([
      this.machine(local.machineId, 'machineId'),
      this.machine(offsite.machineId, 'offsite machineId'),
    ]);
    if (!offsiteMachine.keyFingerprint)
      throw new MusterError(
        ErrorCode.invalidState,
        `the offsite server's machine ${offsiteMachine.id} has never connected, so its key is unknown`,
      );
    const params: StartLocalParams = {
      localServerId: local.id,
      directory: local.directory,
      guid: machine.guid,
      offsite: { host: offsite.host, port: offsite.port, keyFingerprint: offsiteMachine.keyFingerprint },
      schedule: local.schedule,
      bandwidthKBps: local.bandwidthKBps,
      deleteDelaySeconds: this.settings.deleteDelaySeconds,
      sameMachineAsOffsite: machine.id === offsiteMachine.id,
    };
    return this.queue('start-local-server', machine, params);
  }

  private async queueOn(
    machineId: string,
    type: Parameters<ProcedureQueue>[0],
    params: Record<string, unknown>,
  ): Promise<string> {
    return this.queue(type, await this.machine(machineId, 'machineId'), params);
  }
}

function portClash(machineId: string, port: number): MusterError {
  return new MusterError(
    ErrorCode.conflict,
    `machine ${machineId} already has an offsite server on port ${port}`,
  );
}
