import { randomUUID } from 'node:crypto';
import { inGroup } from '../access/scope';
import type {
  AlertCandidate,
  AlertRecord,
  AlertRuleRecord,
  AlertStore,
  MachineRuleCheck,
  MaintenanceWindowRecord,
  NewAlert,
} from '../store/alert-record';
import type { CommandChange } from '../store/command-record';
import type { MachineReader } from '../store/interfaces';
import { alertMessages } from './alert-messages';

/** Tuning of the evaluator. */
export interface AlertEvaluatorSettings {
  /** How often the timed conditions are evaluated. */
  intervalMs: number;
  /** Alerts opened or resolved per tick at most; the rest follow at the next ticks. Default 1,000. */
  batchLimit?: number;
  /** How often every machine is read again, not only what changed since the last evaluation. Default 10 minutes. */
  fullScanEveryMs?: number;
}

/** How far an evaluation read the machines of a timed rule. */
interface ScannedRule {
  /** The rule as it was then: a changed rule is read in full again. */
  updatedAt: number;
  cutoff: number;
}

// Disconnects remembered for the next evaluations; past this many, the next one reads everything.
const MAX_RECENT_DISCONNECTS = 2000;
// Machine ids one evaluation statement lists at most (SQLite binds up to 32,766 parameters).
const MAX_LISTED_IDS = 20_000;

/** A command outcome waiting for the next tick. */
interface CommandOutcome {
  failed: boolean;
  at: number;
}

const NO_RECIPIENTS = { emails: [], webhook: false };

/**
 * Decides which alerts fire and resolve. Timed conditions (offline, never checked in) are read
 * on a timer in a few indexed statements for all machines and rules together (see
 * AlertStore.machineAlertCandidates), never per machine and never on the check-in path; events
 * (warnings, command outcomes) arrive through onWarning and onCommandChanges. An alert whose
 * machine is in a maintenance window in force does not fire; if its condition still holds
 * after the window, it fires then.
 */
export class AlertEvaluator {
  private readonly batchLimit: number;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;
  private rules: AlertRuleRecord[] | null = null;
  /** Per timed rule, how far the last evaluation read: the next one reads only past it. */
  private scanned = new Map<string, ScannedRule>();
  private lastWindows = '';
  private lastFullScanAt = Number.NEGATIVE_INFINITY;
  /** Machines that disconnected on this node lately, with when (see machineDisconnected). */
  private recentDisconnects = new Map<string, number>();
  private disconnectsOverflowed = false;
  /** Latest outcome per machine and command type since the last tick. */
  private outcomes = new Map<string, Map<string, CommandOutcome>>();

  constructor(
    private readonly store: AlertStore,
    private readonly machines: Pick<MachineReader, 'findMachine' | 'findMachines'>,
    private readonly settings: AlertEvaluatorSettings,
    private readonly clock: () => number,
    private readonly onError: (error: unknown) => void,
  ) {
    this.batchLimit = settings.batchLimit ?? 1000;
  }

  /** Evaluates every intervalMs. */
  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.tick(), this.settings.intervalMs);
    this.timer.unref();
    this.tick();
  }

  /** Stops the timer and waits for a tick under way. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  /** One evaluation: resolves cleared alerts, fires new ones. Returns what changed. */
  async evaluate(): Promise<{ fired: AlertRecord[]; resolved: AlertRecord[] }> {
    const now = this.clock();
    const rules = await this.store.enabledRules();
    this.rules = rules;
    const byId = new Map(rules.map((r) => [r.id, r]));
    const messagesOf = (alert: AlertRecord) =>
      alertMessages(alert, byId.get(alert.ruleId) ?? NO_RECIPIENTS, now);

    const cleared = await this.store.clearedMachineAlerts(this.batchLimit);
    const resolved = await this.store.resolveAlerts(cleared, now, messagesOf);

    const timed = rules.filter(
      (r): r is AlertRuleRecord & { condition: 'offline' | 'never-checked-in'; minutes: number } =>
        (r.condition === 'offline' || r.condition === 'never-checked-in') && r.minutes !== null,
    );
    const windows = timed.length === 0 ? [] : await this.store.activeWindows(now);
    const checks = this.timedChecks(timed, windows, now);
    const fired: AlertRecord[] = [];
    const candidates =
      checks.length === 0 ? [] : await this.store.machineAlertCandidates(checks, this.batchLimit);
    this.rememberScan(timed, checks, candidates.length < this.batchLimit, now);
    if (candidates.length > 0) {
      const news = candidates
        .filter((c) => !suppressed(c, windows))
        .flatMap((c) => {
          const rule = byId.get(c.ruleId);
          return rule
            ? [newAlert(rule, c.machineId, c.groupId, '', timedMessage(rule, c.machineId), now)]
            : [];
        });
      fired.push(...(await this.store.openAlerts(news, now)));
    }
    const commands = await this.commandOutcomes(rules, now);
    fired.push(...commands.fired);
    resolved.push(...commands.resolved);
    return { fired, resolved };
  }

  /**
   * A machine's session ended on this node. Its last check-in may lie before the cutoff an
   * earlier evaluation read up to, so the incremental reads include it by id until the longest
   * offline rule has had time to see it. A map entry per disconnect: nothing is read here.
   */
  machineDisconnected(machineId: string): void {
    if (this.recentDisconnects.size >= MAX_RECENT_DISCONNECTS) this.disconnectsOverflowed = true;
    else this.recentDisconnects.set(machineId, this.clock());
  }

  /**
   * What to read for each timed rule. Steady state is incremental: machines that crossed the
   * rule's cutoff since the previous evaluation, and machines that disconnected lately (their
   * last check-in can be older), so machines alerted long ago are not read again at every
   * evaluation. Everything is read again when an earlier read may not have seen a machine: a
   * new or changed rule, a maintenance window that ended or was removed, an evaluation cut
   * short by its batch limit, too many disconnects to list, and every fullScanEveryMs (a
   * machine resumed while long offline; disconnects recorded on another node or by a restart).
   */
  private timedChecks(
    timed: ReadonlyArray<AlertRuleRecord & { condition: 'offline' | 'never-checked-in'; minutes: number }>,
    windows: readonly MaintenanceWindowRecord[],
    now: number,
  ): MachineRuleCheck[] {
    const windowKey = windows
      .map((w) => w.id)
      .sort()
      .join(',');
    const recent = [...this.recentDisconnects.keys()];
    // Bound the statement's parameters (each offline rule lists the recent disconnects).
    const offlineRules = timed.filter((r) => r.condition === 'offline').length;
    const full =
      this.disconnectsOverflowed ||
      recent.length * offlineRules > MAX_LISTED_IDS ||
      windowKey !== this.lastWindows ||
      now - this.lastFullScanAt >= (this.settings.fullScanEveryMs ?? 600_000);
    this.lastWindows = windowKey;
    return timed.map((rule) => {
      const cutoff = now - rule.minutes * 60_000;
      const before = this.scanned.get(rule.id);
      if (full || before === undefined || before.updatedAt !== rule.updatedAt) {
        return { ruleId: rule.id, condition: rule.condition, groupId: rule.groupId, cutoff };
      }
      return {
        ruleId: rule.id,
        condition: rule.condition,
        groupId: rule.groupId,
        cutoff,
        after: before.cutoff,
        ...(rule.condition === 'offline' && recent.length > 0 ? { machines: recent } : {}),
      };
    });
  }

  /** Records how far this evaluation read, and forgets disconnects every rule has seen. */
  private rememberScan(
    timed: readonly AlertRuleRecord[],
    checks: readonly MachineRuleCheck[],
    complete: boolean,
    now: number,
  ): void {
    const updated = new Map(timed.map((r) => [r.id, r.updatedAt]));
    // An evaluation cut short read part of its ranges: the next one reads them whole.
    this.scanned = complete
      ? new Map(checks.map((c) => [c.ruleId, { updatedAt: updated.get(c.ruleId) ?? 0, cutoff: c.cutoff }]))
      : new Map();
    if (complete && checks.every((c) => c.after === undefined)) {
      this.lastFullScanAt = now;
      this.disconnectsOverflowed = false;
    }
    // A disconnect at time d has a last check-in before d, so it is past the cutoff of a rule
    // of N minutes from d + N on: keep it until the longest rule (plus a margin) has seen it.
    const longest = Math.max(0, ...timed.map((r) => (r.condition === 'offline' ? (r.minutes ?? 0) : 0)));
    const keepMs = longest * 60_000 + 2 * this.settings.intervalMs + 60_000;
    for (const [id, at] of this.recentDisconnects) {
      if (now - at > keepMs) this.recentDisconnects.delete(id);
    }
  }

  /**
   * A warning was raised (notification.service.ts): fires the warning rules covering the
   * machine, once per warning (its type and dedupe key), unless a window is in force.
   */
  async onWarning(type: string, machineId: string | null, message: string, dedupeKey: string): Promise<void> {
    try {
      if (machineId === null) return;
      const rules = (await this.currentRules()).filter((r) => r.condition === 'warning');
      if (rules.length === 0) return;
      const machine = await this.machines.findMachine(machineId);
      if (!machine) return;
      const now = this.clock();
      const covering = rules.filter((r) => inGroup(machine.groupId, r.groupId));
      if (covering.length === 0) return;
      const windows = await this.store.activeWindows(now);
      if (suppressed({ machineId, groupId: machine.groupId }, windows)) return;
      await this.store.openAlerts(
        covering.map((r) => newAlert(r, machineId, machine.groupId, `${type}:${dedupeKey}`, message, now)),
        now,
      );
    } catch (error) {
      this.onError(error);
    }
  }

  /** A warning's condition cleared (a local server active again): resolves its open alerts. */
  async clearWarning(type: string, machineId: string): Promise<void> {
    try {
      const rules = (await this.currentRules()).filter((r) => r.condition === 'warning');
      if (rules.length === 0) return;
      const open = await this.store.openAlertsOf(
        rules.map((r) => r.id),
        [machineId],
      );
      const ids = open.filter((a) => a.detail.startsWith(`${type}:`)).map((a) => a.id);
      if (ids.length === 0) return;
      const now = this.clock();
      const byId = new Map(rules.map((r) => [r.id, r]));
      await this.store.resolveAlerts(ids, now, (a) =>
        alertMessages(a, byId.get(a.ruleId) ?? NO_RECIPIENTS, now),
      );
    } catch (error) {
      this.onError(error);
    }
  }

  /**
   * Command changes of this node (the event hub's hook): failures and completions of machine
   * commands are kept, the latest per machine and type, for the next tick. Nothing is read
   * here, so a burst of results costs a map entry each.
   */
  onCommandChanges(changes: readonly CommandChange[]): void {
    if (this.rules !== null && !this.rules.some((r) => r.condition === 'command-failed')) return;
    for (const change of changes) {
      if (change.targetKind !== 'machine') continue;
      if (change.status !== 'failed' && change.status !== 'complete') continue;
      let types = this.outcomes.get(change.targetId);
      if (!types) {
        types = new Map();
        this.outcomes.set(change.targetId, types);
      }
      types.set(change.type, { failed: change.status === 'failed', at: change.at });
    }
  }

  private async commandOutcomes(
    rules: readonly AlertRuleRecord[],
    now: number,
  ): Promise<{ fired: AlertRecord[]; resolved: AlertRecord[] }> {
    const outcomes = this.outcomes;
    this.outcomes = new Map();
    const commandRules = rules.filter((r) => r.condition === 'command-failed');
    if (outcomes.size === 0 || commandRules.length === 0) return { fired: [], resolved: [] };
    const failedOn = [...outcomes].filter(([, types]) => [...types.values()].some((o) => o.failed));
    const machines = await this.machines.findMachines(failedOn.map(([id]) => id));
    const groupOf = new Map(machines.map((m) => [m.id, m.groupId]));
    const windows = failedOn.length > 0 ? await this.store.activeWindows(now) : [];
    const news: NewAlert[] = [];
    for (const [machineId, types] of failedOn) {
      const groupId = groupOf.get(machineId);
      if (groupId === undefined || suppressed({ machineId, groupId }, windows)) continue;
      for (const [type, outcome] of types) {
        if (!outcome.failed) continue;
        for (const rule of commandRules) {
          if (!inGroup(groupId, rule.groupId)) continue;
          news.push(
            newAlert(rule, machineId, groupId, type, `a ${type} command failed on ${machineId}`, now),
          );
        }
      }
    }
    const fired = await this.store.openAlerts(news, now);
    // A later success of the same type on the machine clears the failure.
    const ruleIds = commandRules.map((r) => r.id);
    const succeededOn = [...outcomes]
      .filter(([, types]) => [...types.values()].some((o) => !o.failed))
      .map(([id]) => id);
    const clearedIds = (await this.store.openAlertsOf(ruleIds, succeededOn))
      .filter((alert) => outcomes.get(alert.machineId)?.get(alert.detail)?.failed === false)
      .map((alert) => alert.id);
    const byId = new Map(commandRules.map((r) => [r.id, r]));
    const resolved = await this.store.resolveAlerts(clearedIds, now, (a) =>
      alertMessages(a, byId.get(a.ruleId) ?? NO_RECIPIENTS, now),
    );
    return { fired, resolved };
  }

  private async currentRules(): Promise<AlertRuleRecord[]> {
    if (this.rules === null) this.rules = await this.store.enabledRules();
    return this.rules;
  }

  private tick(): void {
    if (this.running) return;
    this.running = this.evaluate()
      .catch(this.onError)
      .finally(() => {
        this.running = null;
      });
  }
}

/** Whether a maintenance window in force covers the machine. */
export function suppressed(
  target: Pick<AlertCandidate, 'machineId' | 'groupId'>,
  windows: readonly MaintenanceWindowRecord[],
): boolean {
  return windows.some((w) =>
    w.machineId !== null ? w.machineId === target.machineId : inGroup(target.groupId, w.groupId),
  );
}

function timedMessage(rule: AlertRuleRecord, machineId: string): string {
  return rule.condition === 'offline'
    ? `${machineId} has been offline for more than ${rule.minutes} minute(s)`
    : `${machineId} was enrolled more than ${rule.minutes} minute(s) ago and has never checked in`;
}

function newAlert(
  rule: AlertRuleRecord,
  machineId: string,
  groupId: string,
  detail: string,
  message: string,
  now: number,
): NewAlert {
  const id = randomUUID();
  const record: AlertRecord = {
    id,
    ruleId: rule.id,
    ruleName: rule.name,
    condition: rule.condition,
    machineId,
    groupId,
    detail,
    state: 'firing',
    message,
    firedAt: now,
    resolvedAt: null,
  };
  const { state: _state, resolvedAt: _resolved, ...fields } = record;
  return { ...fields, messages: alertMessages(record, rule, now) };
}
