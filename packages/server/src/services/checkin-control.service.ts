import { type CheckinControl, hostProblem, portProblem, type ServerAddress } from '@muster/protocol';
import { invalidInput, notFound } from '../domain/errors';
import { parseMachineFilter } from '../domain/machine-filter';
import type { MachineReader, MachineWriter } from '../store/interfaces';
import type { MachineRecord } from '../store/machine-record';
import type { CheckinPolicyService, ClampedPeriod } from './checkin-policy.service';

/** Which machines a bulk change targets: a list of ids or a Machine.Group ID filter. */
export type MachineSelection = { machines: string[] } | { filter: string };

/** The settings an administrator may change; any subset. */
export type CheckinControlPatch = Partial<CheckinControl>;

/** What a bulk update did. */
export interface CheckinControlUpdateResult {
  updated: number;
  clamped: ClampedPeriod[];
}

/** One machine's new settings, as the agent must receive them. */
export interface SettingsChange {
  machineId: string;
  groupId: string;
  checkinControl: CheckinControl;
  revision: number;
}

/** Gets new settings to agents: the command queue's `update-checkin-control` procedure. */
export type SettingsDelivery = (changes: readonly SettingsChange[]) => Promise<void>;

/**
 * Bulk updates of check-in control (the spec's Update button). Validates every host and port
 * before touching anything, stores the settings with a new revision per machine, and queues an
 * `update-checkin-control` procedure per machine: connected agents run it at once, offline
 * ones at their next connection (whose welcome already carries the stored settings, so the
 * procedure then only confirms them), and each shows in the machine's pending procedures.
 */
export class CheckinControlService {
  constructor(
    private readonly machines: MachineReader & MachineWriter,
    private readonly policies: CheckinPolicyService,
    private readonly deliver: SettingsDelivery,
  ) {}

  /** Resolves a selection to machines; unknown ids are an error naming them. */
  async select(selection: MachineSelection): Promise<MachineRecord[]> {
    if ('filter' in selection) {
      return this.machines.listMachines(parseMachineFilter(selection.filter).likePattern);
    }
    const found: MachineRecord[] = [];
    const missing: string[] = [];
    for (const id of new Set(selection.machines.map((m) => m.toLowerCase()))) {
      const m = await this.machines.findMachine(id);
      if (m) found.push(m);
      else missing.push(id);
    }
    if (missing.length > 0) throw notFound(`unknown machine(s): ${missing.join(', ')}; nothing was changed`);
    return found;
  }

  async update(selection: MachineSelection, patch: CheckinControlPatch): Promise<CheckinControlUpdateResult> {
    validatePatch(patch);
    const targets = await this.select(selection);
    const clamped: ClampedPeriod[] = [];
    const updates: Update[] = [];
    for (const m of targets) {
      const merged: CheckinControl = { ...m.checkinControl, ...patch };
      const { applied, clamped: c } = await this.policies.clampFor(m.id, m.groupId, merged.periodSeconds);
      if (c) clamped.push(c);
      updates.push({ id: m.id, groupId: m.groupId, checkinControl: { ...merged, periodSeconds: applied } });
    }
    await this.store(updates);
    return { updated: updates.length, clamped };
  }

  /** Re-applies a group's policy to its machines (after the policy changed). */
  async reclampGroup(groupId: string): Promise<ClampedPeriod[]> {
    const members = await this.machines.listMachines(parseMachineFilter(`*.${groupId}`).likePattern);
    const clamped: ClampedPeriod[] = [];
    const updates: Update[] = [];
    for (const m of members) {
      const { applied, clamped: c } = await this.policies.clampFor(
        m.id,
        m.groupId,
        m.checkinControl.periodSeconds,
      );
      if (!c) continue;
      clamped.push(c);
      updates.push({
        id: m.id,
        groupId: m.groupId,
        checkinControl: { ...m.checkinControl, periodSeconds: applied },
      });
    }
    await this.store(updates);
    return clamped;
  }

  private async store(updates: readonly Update[]): Promise<void> {
    if (updates.length === 0) return;
    const revisions = new Map(
      (await this.machines.updateCheckinControl(updates)).map((r) => [r.id, r.revision]),
    );
    await this.deliver(
      updates.flatMap((u) => {
        const revision = revisions.get(u.id);
        return revision === undefined
          ? []
          : [{ machineId: u.id, groupId: u.groupId, checkinControl: u.checkinControl, revision }];
      }),
    );
  }
}

type Update = { id: string; groupId: string; checkinControl: CheckinControl };

function validateAddress(slot: string, address: ServerAddress): void {
  const problem = hostProblem(address.host) ?? portProblem(address.port);
  if (problem) throw invalidInput(`${slot}: ${problem}`, { field: slot });
}

/** Checks every host and port of a patch; the first problem is reported and nothing changes. */
export function validatePatch(patch: CheckinControlPatch): void {
  if (patch.primary) validateAddress('primary', patch.primary);
  if (patch.secondary) validateAddress('secondary', patch.secondary);
}
