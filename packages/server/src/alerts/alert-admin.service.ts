import { randomUUID } from 'node:crypto';
import { EVERYTHING, filterContains, type ScopeFilter } from '../access/scope';
import { notFound } from '../domain/errors';
import type {
  AlertRecord,
  AlertRuleRecord,
  AlertState,
  AlertStore,
  MaintenanceWindowRecord,
} from '../store/alert-record';
import type { MachineReader } from '../store/interfaces';
import { type AlertRuleInput, parseAlertRule } from './alert-rule-input';
import { type MaintenanceWindowInput, parseMaintenanceWindow } from './maintenance-window-input';

/**
 * Alert rules, the alert list and maintenance windows, as administrators manage them. Every
 * call takes the caller's scope for the route's permission: a group or machine outside it is
 * answered as unknown, and lists are scoped in the store's queries.
 */
export class AlertAdminService {
  constructor(
    private readonly store: AlertStore,
    /** Whether a machine group or organization exists. */
    private readonly groupKnown: (id: string) => Promise<boolean>,
    private readonly machines: Pick<MachineReader, 'findMachine'>,
    private readonly clock: () => number,
  ) {}

  /** Creates a rule; an unknown group (or one out of scope) is refused and nothing is stored. */
  async createRule(input: AlertRuleInput, scope: ScopeFilter = EVERYTHING): Promise<AlertRuleRecord> {
    const parsed = parseAlertRule(input);
    await this.requireGroup(parsed.groupId, scope);
    const now = this.clock();
    const rule: AlertRuleRecord = { id: randomUUID(), ...parsed, createdAt: now, updatedAt: now };
    await this.store.putRule(rule);
    return rule;
  }

  /** Replaces a rule's settings; its open alerts stay as they are. */
  async updateRule(
    id: string,
    input: AlertRuleInput,
    scope: ScopeFilter = EVERYTHING,
  ): Promise<AlertRuleRecord> {
    const existing = await this.store.getRule(id, scope);
    if (!existing) throw notFound(`no alert rule ${id}`);
    const parsed = parseAlertRule(input);
    await this.requireGroup(parsed.groupId, scope);
    const rule: AlertRuleRecord = { ...existing, ...parsed, updatedAt: this.clock() };
    await this.store.putRule(rule);
    return rule;
  }

  /** A rule in scope. */
  async getRule(id: string, scope: ScopeFilter = EVERYTHING): Promise<AlertRuleRecord> {
    const rule = await this.store.getRule(id, scope);
    if (!rule) throw notFound(`no alert rule ${id}`);
    return rule;
  }

  /** Rules in scope, by name. */
  listRules(scope: ScopeFilter = EVERYTHING): Promise<AlertRuleRecord[]> {
    return this.store.listRules(scope);
  }

  /** Deletes a rule; its open alerts are resolved without messages. */
  async deleteRule(id: string, scope: ScopeFilter = EVERYTHING): Promise<void> {
    if (!(await this.store.deleteRule(id, this.clock(), scope))) throw notFound(`no alert rule ${id}`);
  }

  /** Alerts in scope, newest first. */
  listAlerts(
    state: AlertState | undefined,
    limit: number,
    scope: ScopeFilter = EVERYTHING,
  ): Promise<AlertRecord[]> {
    return this.store.listAlerts({ state, limit }, scope);
  }

  /** Creates a maintenance window of a machine or a group in scope. */
  async createWindow(
    input: MaintenanceWindowInput,
    scope: ScopeFilter = EVERYTHING,
  ): Promise<MaintenanceWindowRecord> {
    const now = this.clock();
    const parsed = parseMaintenanceWindow(input, now);
    let machineId: string | null = null;
    let groupId: string;
    if (parsed.target.kind === 'machine') {
      const machine = await this.machines.findMachine(parsed.target.id, scope);
      if (!machine) throw notFound(`no machine "${parsed.target.id}"`);
      machineId = machine.id;
      groupId = machine.groupId;
    } else {
      groupId = parsed.target.id;
      await this.requireGroup(groupId, scope);
    }
    const window: MaintenanceWindowRecord = {
      id: randomUUID(),
      machineId,
      groupId,
      startsAt: parsed.startsAt,
      endsAt: parsed.endsAt,
      reason: parsed.reason,
      createdAt: now,
    };
    await this.store.createWindow(window);
    return window;
  }

  /** Windows in scope that have not ended. */
  listWindows(scope: ScopeFilter = EVERYTHING): Promise<MaintenanceWindowRecord[]> {
    return this.store.listWindows(this.clock(), scope);
  }

  /** Deletes a window (ends it early). */
  async deleteWindow(id: string, scope: ScopeFilter = EVERYTHING): Promise<void> {
    if (!(await this.store.deleteWindow(id, scope))) throw notFound(`no maintenance window ${id}`);
  }

  private async requireGroup(groupId: string, scope: ScopeFilter): Promise<void> {
    // Out of scope reads as unknown, so a rule cannot probe which groups exist elsewhere.
    if (!filterContains(scope, groupId, null) || !(await this.groupKnown(groupId))) {
      throw notFound(`no machine group or organization "${groupId}"`);
    }
  }
}
