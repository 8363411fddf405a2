import {
  type CheckinControl,
  hostProblem,
  portProblem,
  type ServerAddress,
  secondaryProblem,
} from '@muster/protocol';
import type { ScopeFilter } from '../access/scope';
import { type CheckinPolicy, clampPeriod } from '../domain/checkin-policy';
import { invalidInput, notFound } from '../domain/errors';
import { noMatchMessage, parseMachineFilter } from '../domain/machine-filter';
import type { MachineReader, MachineWriter } from '../store/interfaces';
import type { MachineRecord } from '../store/machine-record';
import type { CheckinPolicyService, ClampedPeriod } from './checkin-policy.service';
import { findMachinesInChunks, targetChunks, yieldToEventLoop } from './target-batches';

/** Which machines a bulk change targets: a list of ids or a Machine.Group ID filter. */
export type MachineSelection = { machines: string[] } | { filter: string };

/** A selection as a request gives it; exactly one of the two must be there. */
export interface RequestedSelection {
  machines?: string[] | undefined;
  filter?: string | undefined;
}

/** Checks that a request names its machines exactly one way. */
export function parseSelection(requested: RequestedSelection): MachineSelection {
  if (requested.machines !== undefined && requested.filter === undefined)
    return { machines: requested.machines };
  if (requested.filter !== undefined && requested.machines === undefined) return { filter: requested.filter };
  throw invalidInput(
    'give exactly one of "machines" (ids) or "filter" (Machine.Group ID filter); nothing was changed',
  );
}

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

  /**
   * Resolves a selection to machines. Unknown ids, and a filter that matches no machine, are
   * errors naming them. Ids are looked up in chunks with yields between them (the API takes
   * 100,000), so one bulk request never holds the event loop.
   */
  async select(selection: MachineSelection, scope: ScopeFilter): Promise<MachineRecord[]> {
    if ('filter' in selection) {
      const filter = parseMachineFilter(selection.filter);
      const matched = await this.machines.listMachines(filter.likePatterns, scope);
      if (matched.length === 0) throw invalidInput(noMatchMessage(filter, 'nothing was changed'));
      return matched;
    }
    const ids = [...new Set(selection.machines.map((m) => m.toLowerCase()))];
    const { found, missing } = await findMachinesInChunks(this.machines, ids, scope);
    if (missing.length > 0) {
      const more = missing.length > 20 ? ` and ${missing.length - 20} more` : '';
      throw notFound(`unknown machine(s): ${missing.slice(0, 20).join(', ')}${more}; nothing was changed`);
    }
    return found;
  }

  /**
   * Changes the given settings of the selected machines, clamping periods to their group's
   * policy. Bad settings or targets change nothing.
   */
  async update(
    selection: MachineSelection,
    patch: CheckinControlPatch,
    scope: ScopeFilter,
  ): Promise<CheckinControlUpdateResult> {
    validatePatch(patch);
    // Machines out of scope are unknown: a filter never reaches them, ids naming them are 404.
    const targets = await this.select(selection, scope);
    const clamped: ClampedPeriod[] = [];
    const updates: Update[] = [];
    const clampOf = this.groupClamp();
    for (const chunk of targetChunks(targets)) {
      for (const m of chunk) {
        const merged: CheckinControl = { ...m.checkinControl, ...patch };
        // Checked per machine: a patch with only one of the two meets each machine's other one.
        const twin = secondaryProblem(merged.primary, merged.secondary);
        if (twin) throw invalidInput(`${m.id}: ${twin}; nothing was changed`, { field: 'secondary' });
        const { applied, clamped: c } = await clampOf(m, merged.periodSeconds);
        if (c) clamped.push(c);
        updates.push({ id: m.id, groupId: m.groupId, checkinControl: { ...merged, periodSeconds: applied } });
      }
      await yieldToEventLoop();
    }
    await this.store(updates);
    return { updated: updates.length, clamped };
  }

  /** Clamps by each group's policy, looked up once per group rather than once per machine. */
  private groupClamp(): (
    m: MachineRecord,
    requested: number,
  ) => Promise<{ applied: number; clamped: ClampedPeriod | null }> {
    const policyOf = new Map<string, Promise<CheckinPolicy>>();
    return async (m, requested) => {
      let policy = policyOf.get(m.groupId);
      if (!policy) {
        policy = this.policies.policyFor(m.groupId);
        policyOf.set(m.groupId, policy);
      }
      const applied = clampPeriod(requested, await policy);
      return { applied, clamped: applied === requested ? null : { machineId: m.id, requested, applied } };
    };
  }

  /** Re-applies a group's policy to its machines (after the policy changed). */
  async reclampGroup(groupId: string): Promise<ClampedPeriod[]> {
    const members = await this.machines.listMachines(parseMachineFilter(`*.${groupId}`).likePatterns);
    const clamped: ClampedPeriod[] = [];
    const updates: Update[] = [];
    const clampOf = this.groupClamp();
    for (const chunk of targetChunks(members)) {
      for (const m of chunk) {
        const { applied, clamped: c } = await clampOf(m, m.checkinControl.periodSeconds);
        if (!c) continue;
        clamped.push(c);
        updates.push({
          id: m.id,
          groupId: m.groupId,
          checkinControl: { ...m.checkinControl, periodSeconds: applied },
        });
      }
      await yieldToEventLoop();
    }
    await this.store(updates);
    return clamped;
  }

  /**
   * Stores the new settings and hands them to the agents, STORE_BATCH machines per transaction
   * with the event loop let go between batches. Everything that can refuse the change (validation,
   * scope, clamping) has run before the first write, so a bulk change is all or nothing unless
   * the server stops half-way; then the machines done keep their new settings and running the
   * same change again finishes it. One transaction for 100,000 machines would hold SQLite's only
   * connection, and with it every other request, for seconds.
   */
  private async store(updates: readonly Update[]): Promise<void> {
    for (let i = 0; i < updates.length; i += STORE_BATCH) {
      if (i > 0) await yieldToEventLoop();
      const batch = updates.slice(i, i + STORE_BATCH);
      const revisions = new Map(
        (await this.machines.updateCheckinControl(batch)).map((r) => [r.id, r.revision]),
      );
      await this.deliver(
        batch.flatMap((u) => {
          const revision = revisions.get(u.id);
          return revision === undefined
            ? []
            : [{ machineId: u.id, groupId: u.groupId, checkinControl: u.checkinControl, revision }];
        }),
      );
    }
  }
}

type Update = { id: string; groupId: string; checkinControl: CheckinControl };

/** Machines whose settings are stored per transaction: short enough that a request waiting behind one (SQLite has one connection) answers quickly, now that each row also updates the list indexes. */
const STORE_BATCH = 250;

function validateAddress(slot: string, address: ServerAddress): void {
  const problem = hostProblem(address.host) ?? portProblem(address.port);
  if (problem) throw invalidInput(`${slot}: ${problem}`, { field: slot });
}

/** Checks every host and port of a patch; the first problem is reported and nothing changes. */
export function validatePatch(patch: CheckinControlPatch): void {
  if (Object.keys(patch).length === 0) {
    throw invalidInput(
      'no setting to change: "settings" needs at least one of primary, secondary, periodSeconds, bindToServer or bandwidthKBps; nothing was changed',
    );
  }
  if (patch.primary) validateAddress('primary', patch.primary);
  if (patch.secondary) validateAddress('secondary', patch.secondary);
}
