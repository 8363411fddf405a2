import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { ScopeFilter } from '../../access/scope';
import type { AlertRuleRecord, MachineRuleCheck, NewAlert, NewAlertMessage } from '../alert-record';
import { account, T0 } from './conformance-fixtures';
import type { StoreRef } from './store-conformance';

const ACME_ONLY: ScopeFilter = {
  all: false,
  scopes: [{ includeGroups: ['acme'], includeMachines: [], excludeGroups: [], excludeMachines: [] }],
};

const rule = (id: string, groupId: string, fields: Partial<AlertRuleRecord> = {}): AlertRuleRecord => ({
  id,
  name: `rule ${id}`,
  groupId,
  condition: 'offline',
  minutes: 5,
  emails: ['ops@example.com'],
  webhook: false,
  enabled: true,
  createdAt: T0,
  updatedAt: T0,
  ...fields,
});

const mail = (id: string): NewAlertMessage => ({
  id,
  channel: 'email',
  recipients: ['ops@example.com'],
  subject: `subject ${id}`,
  body: 'body',
});

const alert = (id: string, ruleId: string, machineId: string, messages: NewAlertMessage[]): NewAlert => ({
  id,
  ruleId,
  ruleName: `rule ${ruleId}`,
  condition: 'offline',
  machineId,
  groupId: machineId.slice(machineId.indexOf('.') + 1),
  detail: '',
  message: `${machineId} is offline`,
  firedAt: T0 + 10_000,
  messages,
});

/** Rules: create, replace, read, list and delete, with the caller's scope applied in the query. */
export function alertRuleTests(store: StoreRef): void {
  it('creates, replaces, lists and deletes rules within the scope', async () => {
    await store().alerts.putRule(rule('r1', 'office.acme'));
    await store().alerts.putRule(rule('r2', 'beta', { enabled: false, condition: 'never-checked-in' }));
    await store().alerts.putRule(
      rule('r1', 'office.acme', { name: 'renamed', minutes: 9, createdAt: T0 + 5 }),
    );
    const r1 = await store().alerts.getRule('r1');
    assert.deepEqual(r1, { ...rule('r1', 'office.acme'), name: 'renamed', minutes: 9 }, 'keeps createdAt');
    assert.deepEqual(
      (await store().alerts.listRules()).map((r) => r.id),
      ['r1', 'r2'],
    );
    assert.deepEqual(
      (await store().alerts.listRules(ACME_ONLY)).map((r) => r.id),
      ['r1'],
    );
    assert.equal(await store().alerts.getRule('r2', ACME_ONLY), null, 'out of scope reads as unknown');
    assert.deepEqual(
      (await store().alerts.enabledRules()).map((r) => r.id),
      ['r1'],
    );
    assert.equal(await store().alerts.deleteRule('r2', T0, ACME_ONLY), false, 'out of scope is not deleted');
    assert.equal(await store().alerts.deleteRule('r2', T0), true);
    assert.equal(await store().alerts.deleteRule('r2', T0), false);
    assert.deepEqual(
      (await store().alerts.listRules()).map((r) => r.id),
      ['r1'],
    );
  });
}

/** The evaluator's reads and the alert life cycle: fire once, resolve once, each with its messages. */
export function alertLifecycleTests(store: StoreRef): void {
  it('finds machines holding timed conditions, fires each alert once and resolves it once', async () => {
    const s = store();
    for (const group of ['office.acme', 'lab.acme', 'beta']) await s.groups.ensureGroup(group, T0);
    // silent: enrolled at T0, never checked in. gone: last seen at T0 + 500, then offline.
    // here: connected now. far: offline, but in another organization. paused: offline, suspended.
    for (const id of [
      'silent.office.acme',
      'gone.office.acme',
      'here.office.acme',
      'far.beta',
      'paused.office.acme',
    ]) {
      assert.equal(await s.machines.createMachineAccount(account(id)), true);
    }
    await s.checkins.recordConnections([
      {
        machineId: 'gone.office.acme',
        connected: false,
        recordedBy: 'node-a',
        at: T0 + 1000,
        connectedAt: T0 + 500,
      },
      { machineId: 'here.office.acme', connected: true, recordedBy: 'node-a', at: T0 + 500 },
      { machineId: 'far.beta', connected: false, recordedBy: 'node-a', at: T0 + 1000, connectedAt: T0 + 500 },
      {
        machineId: 'paused.office.acme',
        connected: false,
        recordedBy: 'node-a',
        at: T0 + 1000,
        connectedAt: T0 + 500,
      },
    ]);
    await s.machines.setSuspended('paused.office.acme', true);
    const checks = [
      { ruleId: 'off', condition: 'offline' as const, groupId: 'acme', cutoff: T0 + 2000 },
      { ruleId: 'new', condition: 'never-checked-in' as const, groupId: 'office.acme', cutoff: T0 + 10 },
      { ruleId: 'early', condition: 'offline' as const, groupId: 'acme', cutoff: T0 + 499 },
    ];
    const found = await s.alerts.machineAlertCandidates(checks, 100);
    assert.deepEqual(found.map((c) => `${c.ruleId} ${c.machineId} ${c.groupId}`).sort(), [
      'new silent.office.acme office.acme',
      'off gone.office.acme office.acme',
    ]);
    assert.equal((await s.alerts.machineAlertCandidates(checks, 1)).length, 1, 'the limit holds');
    // Incremental reads: only what crossed the cutoff after `after`, plus the machines listed.
    const [off, fresh] = checks as [MachineRuleCheck, MachineRuleCheck];
    assert.deepEqual(await s.alerts.machineAlertCandidates([{ ...off, after: T0 + 500 }], 100), []);
    assert.deepEqual(
      (await s.alerts.machineAlertCandidates([{ ...off, after: T0 + 499 }], 100)).map((c) => c.machineId),
      ['gone.office.acme'],
    );
    assert.deepEqual(
      (
        await s.alerts.machineAlertCandidates(
          [{ ...off, after: T0 + 1500, machines: ['gone.office.acme', 'here.office.acme'] }],
          100,
        )
      ).map((c) => c.machineId),
      ['gone.office.acme'],
      'a listed machine counts whatever its last check-in, if it holds the condition',
    );
    assert.deepEqual(await s.alerts.machineAlertCandidates([{ ...fresh, after: T0 }], 100), []);

    const opened = await s.alerts.openAlerts(
      [alert('a1', 'off', 'gone.office.acme', [mail('m1'), mail('m2')])],
      T0 + 10_000,
    );
    assert.deepEqual(
      opened.map((a) => [a.id, a.state, a.resolvedAt]),
      [['a1', 'firing', null]],
    );
    // The same alert again (another node's tick, a later tick): nothing opened, no messages.
    assert.deepEqual(
      await s.alerts.openAlerts([alert('a2', 'off', 'gone.office.acme', [mail('m3')])], T0 + 11_000),
      [],
    );
    assert.equal(await s.alerts.getAlert('a2'), null);
    assert.deepEqual(
      (await s.alerts.messagesOf('a1')).map((m) => [m.id, m.status]),
      [
        ['m1', 'pending'],
        ['m2', 'pending'],
      ],
    );
    assert.deepEqual(
      (await s.alerts.machineAlertCandidates(checks, 100)).map((c) => c.machineId),
      ['silent.office.acme'],
      'a machine with an open alert of the rule is no longer a candidate',
    );
    assert.deepEqual(await s.alerts.clearedMachineAlerts(100), [], 'still offline');

    await s.checkins.recordConnections([
      { machineId: 'gone.office.acme', connected: true, recordedBy: 'node-a', at: T0 + 20_000 },
    ]);
    assert.deepEqual(await s.alerts.clearedMachineAlerts(100), ['a1']);
    const resolved = await s.alerts.resolveAlerts(['a1'], T0 + 21_000, (a) => [mail(`r-${a.id}`)]);
    assert.deepEqual(
      resolved.map((a) => [a.id, a.state, a.resolvedAt]),
      [['a1', 'resolved', T0 + 21_000]],
    );
    assert.deepEqual(await s.alerts.resolveAlerts(['a1'], T0 + 22_000, (a) => [mail(`x-${a.id}`)]), []);
    assert.deepEqual(
      (await s.alerts.messagesOf('a1')).map((m) => m.id),
      ['m1', 'm2', 'r-a1'],
    );
    assert.deepEqual(await s.alerts.clearedMachineAlerts(100), []);

    // Resolved, the same condition may fire again as a new alert.
    await s.checkins.recordConnections([
      { machineId: 'gone.office.acme', connected: false, recordedBy: 'node-a', at: T0 + 30_000 },
    ]);
    const again = await s.alerts.openAlerts([alert('a3', 'off', 'gone.office.acme', [])], T0 + 40_000);
    assert.deepEqual(
      again.map((a) => a.id),
      ['a3'],
    );
    assert.deepEqual(
      (await s.alerts.listAlerts({ limit: 10 })).map((a) => [a.id, a.state]),
      [
        ['a3', 'firing'],
        ['a1', 'resolved'],
      ],
    );
    assert.deepEqual(
      (await s.alerts.listAlerts({ state: 'resolved', limit: 10 })).map((a) => a.id),
      ['a1'],
    );
    assert.deepEqual(
      (await s.alerts.listAlerts({ limit: 10 }, { all: false, scopes: [] })).map((a) => a.id),
      [],
    );
    assert.deepEqual(
      (await s.alerts.openAlertsOf(['off'], ['gone.office.acme', 'far.beta'])).map((a) => a.id),
      ['a3'],
    );

    // A deleted machine clears its alert; deleting a rule resolves its open alerts silently.
    await s.alerts.openAlerts([alert('a4', 'off', 'far.beta', [])], T0 + 40_000);
    await s.machines.deleteMachine('far.beta');
    assert.deepEqual(await s.alerts.clearedMachineAlerts(100), ['a4']);
    await s.alerts.putRule(rule('off', 'acme'));
    assert.equal(await s.alerts.deleteRule('off', T0 + 50_000), true);
    assert.equal((await s.alerts.getAlert('a3'))?.state, 'resolved');
    assert.deepEqual((await s.alerts.messagesOf('a3')).length, 0);
  });
}

/** Maintenance windows and the outbox of alert messages. */
export function alertWindowAndOutboxTests(store: StoreRef): void {
  it('keeps maintenance windows, lists those in force and those in scope', async () => {
    const s = store().alerts;
    const base = { reason: 'patching', createdAt: T0 };
    await s.createWindow({
      id: 'w1',
      machineId: null,
      groupId: 'office.acme',
      startsAt: T0,
      endsAt: T0 + 100,
      ...base,
    });
    await s.createWindow({
      id: 'w2',
      machineId: 'pc.beta',
      groupId: 'beta',
      startsAt: T0 + 50,
      endsAt: T0 + 200,
      ...base,
    });
    assert.deepEqual(
      (await s.activeWindows(T0 + 10)).map((w) => w.id),
      ['w1'],
    );
    assert.deepEqual((await s.activeWindows(T0 + 60)).map((w) => w.id).sort(), ['w1', 'w2']);
    assert.deepEqual(
      (await s.activeWindows(T0 + 100)).map((w) => w.id),
      ['w2'],
      'the end is not in the window',
    );
    assert.deepEqual(
      (await s.listWindows(T0)).map((w) => w.id),
      ['w1', 'w2'],
    );
    assert.deepEqual(
      (await s.listWindows(T0, ACME_ONLY)).map((w) => w.id),
      ['w1'],
    );
    assert.equal(await s.deleteWindow('w2', ACME_ONLY), false);
    assert.equal(await s.deleteWindow('w2'), true);
    assert.deepEqual(
      (await s.listWindows(T0)).map((w) => w.id),
      ['w1'],
    );
  });

  it('claims due messages under a lease, retries failures, and keeps sent and dead ones', async () => {
    const s = store();
    await s.alerts.openAlerts([alert('b1', 'r', 'pc.office.acme', [mail('n1'), mail('n2')])], T0);
    const first = await s.alerts.claimDueMessages(T0, 10, 60_000);
    assert.deepEqual(
      first.map((m) => [m.id, m.attempts, m.recipients]),
      [
        ['n1', 1, ['ops@example.com']],
        ['n2', 1, ['ops@example.com']],
      ],
    );
    assert.deepEqual(await s.alerts.claimDueMessages(T0 + 1000, 10, 60_000), [], 'leased');
    await s.alerts.markMessageSent('n1', T0 + 5);
    await s.alerts.markMessageFailed('n2', 'connection refused', T0 + 2000);
    const retried = await s.alerts.claimDueMessages(T0 + 2000, 10, 60_000);
    assert.deepEqual(
      retried.map((m) => [m.id, m.attempts, m.lastError]),
      [['n2', 2, 'connection refused']],
    );
    await s.alerts.markMessageFailed('n2', 'still refused', null);
    assert.deepEqual(await s.alerts.claimDueMessages(T0 + 999_999, 10, 60_000), []);
    assert.deepEqual(
      (await s.alerts.messagesOf('b1')).map((m) => [m.id, m.status, m.sentAt, m.lastError]),
      [
        ['n1', 'sent', T0 + 5, null],
        ['n2', 'dead', null, 'still refused'],
      ],
    );
  });
}
