import { type CheckinControl, hostProblem, portProblem, type ServerAddress } from '@muster/protocol';
import { type Bus, chunkIds } from '../bus/bus';
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

/**
 * Bulk updates of check-in control (the spec's Update button). Validates every host and port
 * before touching anything, stores the settings with a new revision per machine, and tells
 * every server node so connected agents get them at once; offline agents get them at their
 * next check-in because the welcome carries the stored settings.
 */
export class CheckinControlService {
  constructor(
    private readonly machines: MachineReader & MachineWriter,
    private readonly policies: CheckinPolicyService,
    private readonly bus: Bus,
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
    const updates: Array<{ id: string; checkinControl: CheckinControl }> = [];
    for (const m of targets) {
      const merged: CheckinControl = { ...m.checkinControl, ...patch };
      const { applied, clamped: c } = await this.policies.clampFor(m.id, m.groupId, merged.periodSeconds);
      if (c) clamped.push(c);
      updates.push({ id: m.id, checkinControl: { ...merged, periodSeconds: applied } });
    }
    await this.machines.updateCheckinControl(updates);
    await this.announce(updates.map((u) => u.id));
    return { updated: updates.length, clamped };
  }

  /** Re-applies a group's policy to its machines (after the policy changed). */
  async reclampGroup(groupId: string): Promise<ClampedPeriod[]> {
    const members = await this.machines.listMachines(parseMachineFilter(`*.${groupId}`).likePattern);
    const clamped: ClampedPeriod[] = [];
    const updates: Array<{ id: string; checkinControl: CheckinControl }> = [];
    for (const m of members) {
      const { applied, clamped: c } = await this.policies.clampFor(
        m.id,
        m.groupId,
        m.checkinControl.periodSeconds,
      );
      if (!c) continue;
      clamped.push(c);
      updates.push({ id: m.id, checkinControl: { ...m.checkinControl, periodSeconds: applied } });
    }
    await this.machines.updateCheckinControl(updates);
    await this.announce(updates.map((u) => u.id));
    return clamped;
  }

  private async announce(ids: string[]): Promise<void> {
    for (const chunk of chunkIds(ids))
      await this.bus.publish({ type: 'settings-changed', machineIds: chunk });
  }
}

function validateAddress(slot: string, address: ServerAddress): void {
  const problem = hostProblem(address.host) ?? portProblem(address.port);
  if (problem) throw invalidInput(`${slot}: ${problem}`, { field: slot });
}

/** Checks every host and port of a patch; the first problem is reported and nothing changes. */
export function validatePatch(patch: CheckinControlPatch): void {
  if (patch.primary) validateAddress('primary', patch.primary);
  if (patch.secondary) validateAddress('secondary', patch.secondary);
}
