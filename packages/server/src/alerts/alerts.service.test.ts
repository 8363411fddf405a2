import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import type { CheckinControl } from '@muster/protocol';
import { MusterError } from '../domain/errors';
import { NotificationService } from '../services/notification.service';
import type { StoreBackend } from '../store/interfaces';
import { openSqlStore } from '../store/sql/sql-store';
import { type SmtpPeer, startSmtpPeer } from '../test-support/smtp-peer';
import { createTestSqliteFile, type TestSqliteFile } from '../test-support/sqlite';
import { verifyWebhook } from '../webhooks/webhook-signature';
import { AlertAdminService } from './alert-admin.service';
import { AlertDispatcher } from './alert-dispatcher';
import { AlertEvaluator } from './alert-evaluator';
import { type SmtpSettings, smtpMailer } from './smtp-mailer';

const T0 = 1_900_000_000_000;
const CONTROL: CheckinControl = {
  primary: { host: 'muster.example.com', port: 5721 },
  secondary: null,
  periodSeconds: 30,
  bindToServer: false,
  bandwidthKBps: 0,
};

interface World {
  store: StoreBackend;
  file: TestSqliteFile;
  now: { at: number };
  admin: AlertAdminService;
  evaluator: AlertEvaluator;
  errors: unknown[];
}

async function world(): Promise<World> {
  const file = createTestSqliteFile();
  const store = await openSqlStore({ sqliteFile: file.file });
  const now = { at: T0 };
  const clock = () => now.at;
  const errors: unknown[] = [];
  const admin = new AlertAdminService(
    store.alerts,
    async (id) => (await store.groups.groupExists(id)) || (await store.scopes.organizationExists(id)),
    store.machines,
    clock,
  );
  const evaluator = new AlertEvaluator(store.alerts, store.machines, { intervalMs: 1000 }, clock, (e) =>
    errors.push(e),
  );
  for (const group of ['office.acme', 'lab.acme']) await store.groups.ensureGroup(group, T0);
  return { store, file, now, admin, evaluator, errors };
}

async function machine(w: World, id: string, createdAt = T0): Promise<void> {
  const dot = id.indexOf('.');
  await w.store.machines.createMachineAccount({
    id,
    guid: `guid-${id}`,
    name: id.slice(0, dot),
    groupId: id.slice(dot + 1),
    temporary: false,
    checkinControl: CONTROL,
    createdAt,
  });
}

const connect = (w: World, id: string, connected: boolean) =>
  w.store.checkins.recordConnections([
    { machineId: id, connected, at: w.now.at, connectedAt: w.now.at, recordedBy: 'node-a' },
  ]);

const code = (error: unknown) => (error instanceof MusterError ? error.code : String(error));

describe('alert rules and windows: bad input changes nothing', () => {
  let w: World;
  before(async () => {
    w = await world();
    await machine(w, 'pc.office.acme');
  });
  after(async () => {
    await w.store.close();
    w.file.cleanup();
  });

  it('refuses an unknown group, an unknown condition, negative or missing minutes and bad addresses', async () => {
    const good = { name: 'offline', group: 'office.acme', condition: 'offline', minutes: 5 };
    const refusals: Array<[object, string, RegExp]> = [
      [{ group: 'nowhere.acme' }, 'not-found', /no machine group or organization "nowhere.acme"/],
      [{ group: 'bad group!' }, 'invalid-input', /not a machine group/],
      [{ condition: 'on-fire' }, 'invalid-input', /condition: "on-fire" is unknown/],
      [{ minutes: -1 }, 'invalid-input', /minutes: a whole number from 0/],
      [{ minutes: 1.5 }, 'invalid-input', /minutes: a whole number/],
      [{ minutes: undefined }, 'invalid-input', /minutes: required for the offline condition/],
      [{ condition: 'command-failed' }, 'invalid-input', /only the offline and never-checked-in/],
      [
        { emails: ['ops@example.com', 'not an address'] },
        'invalid-input',
        /not an email address: not an address/,
      ],
      [{ name: '  ' }, 'invalid-input', /name/],
    ];
    for (const [change, expectedCode, message] of refusals) {
      await assert.rejects(
        w.admin.createRule({ ...good, ...change }),
        (e: unknown) => code(e) === expectedCode && message.test((e as Error).message),
        JSON.stringify(change),
      );
    }
    assert.deepEqual(await w.admin.listRules(), []);
    const rule = await w.admin.createRule({ ...good, group: 'ACME' });
    assert.equal(rule.groupId, 'acme', 'an organization is a group too, lower-cased');
    await assert.rejects(w.admin.updateRule(rule.id, { ...good, minutes: -3 }), /minutes/);
    assert.equal((await w.admin.getRule(rule.id)).minutes, 5, 'a refused update changes nothing');
    const scoped = {
      all: false as const,
      scopes: [{ includeGroups: ['lab.acme'], includeMachines: [], excludeGroups: [], excludeMachines: [] }],
    };
    await assert.rejects(w.admin.createRule(good, scoped), /no machine group or organization "office.acme"/);
    await assert.rejects(w.admin.getRule(rule.id, scoped), /no alert rule/);
  });

  it('refuses a window that ends before it starts, has ended, names both or neither, or an unknown machine', async () => {
    const iso = (ms: number) => new Date(ms).toISOString();
    const span = { startsAt: iso(T0), endsAt: iso(T0 + 3600_000) };
    const refusals: Array<[object, RegExp]> = [
      [{ group: 'office.acme', startsAt: iso(T0 + 10), endsAt: iso(T0) }, /must end after it starts/],
      [{ group: 'office.acme', startsAt: iso(T0 - 7200_000), endsAt: iso(T0 - 3600_000) }, /already ended/],
      [{ group: 'office.acme', startsAt: 'tomorrow', endsAt: iso(T0 + 10) }, /not an ISO 8601 date-time/],
      [{ ...span }, /either machine or group/],
      [{ machine: 'pc.office.acme', group: 'office.acme', ...span }, /either machine or group/],
      [{ machine: 'ghost.office.acme', ...span }, /no machine "ghost.office.acme"/],
      [{ group: 'nowhere', ...span }, /no machine group or organization "nowhere"/],
    ];
    for (const [input, message] of refusals) {
      await assert.rejects(
        w.admin.createWindow(input as Parameters<AlertAdminService['createWindow']>[0]),
        message,
        JSON.stringify(input),
      );
    }
    assert.deepEqual(await w.admin.listWindows(), []);
    const window = await w.admin.createWindow({ machine: 'PC.office.acme', ...span, reason: 'reboot' });
    assert.deepEqual([window.machineId, window.groupId], ['pc.office.acme', 'office.acme']);
  });
});

describe('alert evaluation', () => {
  let w: World;
  beforeEach(async () => {
    w = await world();
  });
  afterEach(async () => {
    await w.store.close();
    w.file.cleanup();
    assert.deepEqual(w.errors, []);
  });

  it('fires an offline alert once after N minutes, resolves it when the machine returns, with a mail each time', async () => {
    await machine(w, 'pc.office.acme');
    await machine(w, 'other.lab.acme');
    await connect(w, 'pc.office.acme', true);
    await connect(w, 'other.lab.acme', true);
    await w.admin.createRule({
      name: 'office offline',
      group: 'office.acme',
      condition: 'offline',
      minutes: 10,
      emails: ['ops@example.com'],
    });
    await connect(w, 'pc.office.acme', false);
    await connect(w, 'other.lab.acme', false);
    w.now.at += 9 * 60_000;
    assert.deepEqual((await w.evaluator.evaluate()).fired, [], 'not yet ten minutes');
    w.now.at += 2 * 60_000;
    const first = await w.evaluator.evaluate();
    assert.deepEqual(
      first.fired.map((a) => [a.machineId, a.state]),
      [['pc.office.acme', 'firing']],
    );
    assert.match(first.fired[0]?.message ?? '', /offline for more than 10 minute/);
    assert.deepEqual((await w.evaluator.evaluate()).fired, [], 'fires once');
    const alertId = first.fired[0]?.id ?? '';
    w.now.at += 60_000;
    await connect(w, 'pc.office.acme', true);
    const back = await w.evaluator.evaluate();
    assert.deepEqual(
      back.resolved.map((a) => [a.id, a.state]),
      [[alertId, 'resolved']],
    );
    assert.deepEqual(await w.admin.listAlerts('firing', 10), []);
    assert.deepEqual(
      (await w.admin.listAlerts(undefined, 10)).map((a) => [a.id, a.state]),
      [[alertId, 'resolved']],
    );
    const mails = await w.store.alerts.messagesOf(alertId);
    assert.deepEqual(
      mails.map((m) => [m.channel, m.recipients, m.subject]),
      [
        ['email', ['ops@example.com'], '[Muster] ALERT: pc.office.acme: office offline'],
        ['email', ['ops@example.com'], '[Muster] RESOLVED: pc.office.acme: office offline'],
      ],
    );
  });

  it('reads incrementally once every machine was read, and still fires for a machine whose session ended after its cutoff', async () => {
    const checks: Array<Parameters<StoreBackend['alerts']['machineAlertCandidates']>[0]> = [];
    const spied = Object.create(w.store.alerts) as StoreBackend['alerts'];
    spied.machineAlertCandidates = (list, limit) => {
      checks.push(list);
      return w.store.alerts.machineAlertCandidates(list, limit);
    };
    const evaluator = new AlertEvaluator(
      spied,
      w.store.machines,
      { intervalMs: 1000 },
      () => w.now.at,
      (e) => w.errors.push(e),
    );
    await machine(w, 'pc.office.acme');
    // Connected with its last check-in at T0, like an agent with a long check-in period.
    await w.store.checkins.recordConnections([
      { machineId: 'pc.office.acme', connected: true, recordedBy: 'node-a', at: T0 },
    ]);
    await w.admin.createRule({ name: 'offline', group: 'office.acme', condition: 'offline', minutes: 10 });
    w.now.at = T0 + 11 * 60_000;
    assert.deepEqual((await evaluator.evaluate()).fired, [], 'connected');
    w.now.at += 60_000;
    assert.deepEqual((await evaluator.evaluate()).fired, []);
    assert.equal(checks[0]?.[0]?.after, undefined, 'the first evaluation reads everything');
    assert.equal(checks[1]?.[0]?.after, T0 + 60_000, 'the next one only past the previous cutoff');
    // The session ends now: the last check-in (T0) lies before the cutoff already read.
    await w.store.checkins.recordConnections([
      { machineId: 'pc.office.acme', connected: false, recordedBy: 'node-a', at: w.now.at },
    ]);
    evaluator.machineDisconnected('pc.office.acme');
    w.now.at += 60_000;
    const fired = (await evaluator.evaluate()).fired;
    assert.deepEqual(checks[2]?.[0]?.machines, ['pc.office.acme'], 'listed by id');
    assert.deepEqual(
      fired.map((a) => a.machineId),
      ['pc.office.acme'],
    );
  });

  it('fires for an enrolled machine that never checked in, and resolves at its first check-in', async () => {
    await machine(w, 'new.office.acme');
    await w.admin.createRule({ name: 'silent', group: 'acme', condition: 'never-checked-in', minutes: 30 });
    w.now.at += 29 * 60_000;
    assert.deepEqual((await w.evaluator.evaluate()).fired, []);
    w.now.at += 2 * 60_000;
    const fired = (await w.evaluator.evaluate()).fired;
    assert.deepEqual(
      fired.map((a) => [a.machineId, a.condition]),
      [['new.office.acme', 'never-checked-in']],
    );
    await connect(w, 'new.office.acme', true);
    assert.deepEqual(
      (await w.evaluator.evaluate()).resolved.map((a) => a.machineId),
      ['new.office.acme'],
    );
  });

  it('a maintenance window of the group or the machine suppresses the alert; once it ends the alert fires', async () => {
    await machine(w, 'pc.office.acme');
    await machine(w, 'srv.lab.acme');
    await connect(w, 'pc.office.acme', true);
    await connect(w, 'srv.lab.acme', true);
    await w.admin.createRule({ name: 'offline', group: 'acme', condition: 'offline', minutes: 0 });
    const iso = (ms: number) => new Date(ms).toISOString();
    const group = await w.admin.createWindow({
      group: 'office.acme',
      startsAt: iso(T0),
      endsAt: iso(T0 + 3600_000),
    });
    await w.admin.createWindow({ machine: 'srv.lab.acme', startsAt: iso(T0), endsAt: iso(T0 + 1800_000) });
    w.now.at += 1000;
    await connect(w, 'pc.office.acme', false);
    await connect(w, 'srv.lab.acme', false);
    w.now.at += 60_000;
    assert.deepEqual((await w.evaluator.evaluate()).fired, [], 'both machines are in windows');
    w.now.at = T0 + 1800_000;
    assert.deepEqual(
      (await w.evaluator.evaluate()).fired.map((a) => a.machineId),
      ['srv.lab.acme'],
    );
    await w.admin.deleteWindow(group.id);
    assert.deepEqual(
      (await w.evaluator.evaluate()).fired.map((a) => a.machineId),
      ['pc.office.acme'],
    );
  });

  it('fires warning rules when a warning is raised and resolves a local-server-inactive one when it clears', async () => {
    await machine(w, 'pc.office.acme');
    const notifications = new NotificationService(
      w.store.notifications,
      () => w.now.at,
      (t, m, text, key) => w.evaluator.onWarning(t, m, text, key),
    );
    const rule = await w.admin.createRule({
      name: 'warnings',
      group: 'office.acme',
      condition: 'warning',
      webhook: true,
    });
    await notifications.raise(
      'local-server-inactive',
      'pc.office.acme',
      'local server inactive',
      'local:1:5',
    );
    await notifications.raise(
      'local-server-inactive',
      'pc.office.acme',
      'local server inactive',
      'local:1:5',
    );
    await notifications.raise('duplicate-account', 'pc.office.acme', 'two machines share it', 'hw');
    const firing = await w.admin.listAlerts('firing', 10);
    assert.deepEqual(firing.map((a) => a.message).sort(), ['local server inactive', 'two machines share it']);
    assert.ok(firing.every((a) => a.ruleId === rule.id));
    const [webhook] = await w.store.alerts.messagesOf(firing[0]?.id ?? '');
    assert.equal(webhook?.channel, 'webhook');
    assert.deepEqual(webhook?.recipients, ['acme'], 'the organization of the machine');
    await w.evaluator.clearWarning('local-server-inactive', 'pc.office.acme');
    assert.deepEqual(
      (await w.admin.listAlerts('firing', 10)).map((a) => a.message),
      ['two machines share it'],
    );
  });

  it('fires a command-failed rule at the next tick, and a later success of that command type resolves it', async () => {
    await machine(w, 'pc.office.acme');
    await w.admin.createRule({ name: 'failures', group: 'office.acme', condition: 'command-failed' });
    await w.evaluator.evaluate();
    const change = (status: 'failed' | 'complete', type: string) => ({
      id: `c-${status}-${type}`,
      targetKind: 'machine' as const,
      targetId: 'pc.office.acme',
      orgId: 'acme',
      type,
      status,
      at: w.now.at,
    });
    w.evaluator.onCommandChanges([change('failed', 'shell'), change('complete', 'audit')]);
    const fired = (await w.evaluator.evaluate()).fired;
    assert.deepEqual(
      fired.map((a) => [a.machineId, a.detail]),
      [['pc.office.acme', 'shell']],
    );
    w.evaluator.onCommandChanges([change('failed', 'shell')]);
    assert.deepEqual((await w.evaluator.evaluate()).fired, [], 'fires once');
    w.evaluator.onCommandChanges([change('complete', 'shell')]);
    assert.deepEqual(
      (await w.evaluator.evaluate()).resolved.map((a) => a.detail),
      ['shell'],
    );
  });
});

describe('alert delivery', () => {
  let w: World;
  let smtp: SmtpPeer;
  let caFile: string;
  let receiver: Server;
  const posts: Array<{ headers: Record<string, string | string[] | undefined>; body: string }> = [];
  before(async () => {
    w = await world();
    smtp = await startSmtpPeer();
    caFile = join(dirname(w.file.file), 'smtp-ca.pem');
    writeFileSync(caFile, smtp.certPem);
    receiver = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (c: Buffer) => chunks.push(c));
      request.on('end', () => {
        posts.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
        response.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  });
  after(async () => {
    await smtp.close();
    await new Promise((resolve) => receiver.close(resolve));
    await w.store.close();
    w.file.cleanup();
  });

  const settings = (over: Partial<SmtpSettings> = {}): SmtpSettings => ({
    host: '127.0.0.1',
    port: smtp.port,
    security: 'starttls',
    user: smtp.user,
    password: smtp.password,
    from: 'muster@example.com',
    caFile,
    timeoutMs: 5000,
    ...over,
  });

  /** Fires one never-checked-in alert of a machine in a group of its own, with its rule's recipients. */
  async function fireOne(machineId: string, emails: string[], webhook = false): Promise<string> {
    const groupId = machineId.slice(machineId.indexOf('.') + 1);
    await w.store.groups.ensureGroup(groupId, T0);
    await machine(w, machineId);
    await w.admin.createRule({
      name: `r-${machineId}`,
      group: groupId,
      condition: 'never-checked-in',
      minutes: 0,
      emails,
      webhook,
    });
    const fired = (await w.evaluator.evaluate()).fired;
    assert.deepEqual(
      fired.map((a) => a.machineId),
      [machineId],
    );
    return fired[0]?.id ?? '';
  }

  it('sends alert mail over SMTP with STARTTLS and AUTH, and the signed webhook', async () => {
    await w.store.webhooks.putWebhook({
      orgId: 'acme',
      url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`,
      secret: 'a-webhook-secret-of-enough-length',
      enabled: true,
      createdAt: T0,
    });
    const id = await fireOne('pc.mail.acme', ['ops@example.com', 'oncall@example.com'], true);
    const dispatcher = new AlertDispatcher(
      w.store.alerts,
      w.store.webhooks,
      smtpMailer(settings()),
      { pollMs: 1000, retryBaseMs: 10, maxAttempts: 3, webhookAllowLocal: true },
      () => w.now.at,
      (e) => w.errors.push(e),
    );
    assert.equal(await dispatcher.runOnce(), 2);
    await dispatcher.stop();
    assert.equal(smtp.received.length, 1);
    const mail = smtp.received[0];
    assert.equal(mail?.secure, true, 'sent after STARTTLS');
    assert.equal(mail?.user, smtp.user, 'sent by the authenticated user');
    assert.deepEqual(mail?.to, ['ops@example.com', 'oncall@example.com']);
    assert.equal(mail?.subject, '[Muster] ALERT: pc.mail.acme: r-pc.mail.acme');
    assert.equal(posts.length, 1);
    const post = posts[0];
    assert.equal(post?.headers['x-muster-event'], 'alert.fired');
    const verified = verifyWebhook(
      'a-webhook-secret-of-enough-length',
      String(post?.headers['x-muster-timestamp']),
      post?.body ?? '',
      String(post?.headers['x-muster-signature']),
      { now: w.now.at },
    );
    assert.equal(verified, true, 'signed with the organization secret');
    assert.equal(JSON.parse(post?.body ?? '{}').alert.machineId, 'pc.mail.acme');
    assert.deepEqual(
      (await w.store.alerts.messagesOf(id)).map((m) => m.status),
      ['sent', 'sent'],
    );
  });

  it('records a refused login, retries with backoff, and keeps the mail as dead after the last attempt', async () => {
    const id = await fireOne('pc.badauth.acme', ['ops@example.com']);
    const dispatcher = new AlertDispatcher(
      w.store.alerts,
      w.store.webhooks,
      smtpMailer(settings({ password: 'wrong' })),
      { pollMs: 1000, retryBaseMs: 10, maxAttempts: 2 },
      () => w.now.at,
      (e) => w.errors.push(e),
    );
    const before = smtp.received.length;
    assert.equal(await dispatcher.runOnce(), 1);
    let [message] = await w.store.alerts.messagesOf(id);
    assert.equal(message?.status, 'pending');
    assert.equal(message?.attempts, 1);
    assert.match(message?.lastError ?? '', /Invalid username or password|auth/i);
    w.now.at += 60_000;
    assert.equal(await dispatcher.runOnce(), 1);
    [message] = await w.store.alerts.messagesOf(id);
    assert.deepEqual([message?.status, message?.attempts], ['dead', 2]);
    await dispatcher.stop();
    assert.equal(smtp.received.length, before, 'nothing was delivered');
    assert.ok(smtp.refusedLogins >= 2);
  });

  it('keeps a mail that could not be sent across a restart, and the next process sends it', async () => {
    const id = await fireOne('pc.restart.acme', ['ops@example.com']);
    // The relay is unreachable (nothing listens on the port): the attempt fails and is recorded.
    const closed = await startSmtpPeer();
    await closed.close();
    const down = new AlertDispatcher(
      w.store.alerts,
      w.store.webhooks,
      smtpMailer(settings({ port: closed.port })),
      { pollMs: 1000, retryBaseMs: 10, maxAttempts: 5 },
      () => w.now.at,
      (e) => w.errors.push(e),
    );
    assert.equal(await down.runOnce(), 1);
    await down.stop();
    const [failed] = await w.store.alerts.messagesOf(id);
    assert.equal(failed?.status, 'pending');
    assert.match(failed?.lastError ?? '', /ECONNREFUSED/);
    // A new process: the store reopened from its file, a new dispatcher with the relay back.
    await w.store.close();
    w.store = await openSqlStore({ sqliteFile: w.file.file });
    const reopened = w.store;
    w.admin = new AlertAdminService(
      reopened.alerts,
      async () => true,
      reopened.machines,
      () => w.now.at,
    );
    w.evaluator = new AlertEvaluator(
      reopened.alerts,
      reopened.machines,
      { intervalMs: 1000 },
      () => w.now.at,
      (e) => w.errors.push(e),
    );
    w.now.at += 60_000;
    const before = smtp.received.length;
    const up = new AlertDispatcher(
      w.store.alerts,
      w.store.webhooks,
      smtpMailer(settings()),
      { pollMs: 1000, retryBaseMs: 10, maxAttempts: 5 },
      () => w.now.at,
      (e) => w.errors.push(e),
    );
    assert.equal(await up.runOnce(), 1);
    await up.stop();
    const [sent] = await w.store.alerts.messagesOf(id);
    assert.deepEqual([sent?.status, sent?.attempts], ['sent', 2]);
    assert.equal(smtp.received.length, before + 1);
    assert.equal(smtp.received.at(-1)?.subject, '[Muster] ALERT: pc.restart.acme: r-pc.restart.acme');
  });

  it('records mail as failed when no SMTP relay is configured', async () => {
    const id = await fireOne('pc.nosmtp.acme', ['ops@example.com']);
    const dispatcher = new AlertDispatcher(
      w.store.alerts,
      w.store.webhooks,
      null,
      { pollMs: 1000, retryBaseMs: 10, maxAttempts: 1 },
      () => w.now.at,
      (e) => w.errors.push(e),
    );
    await dispatcher.runOnce();
    await dispatcher.stop();
    const [message] = await w.store.alerts.messagesOf(id);
    assert.deepEqual(
      [message?.status, message?.lastError],
      ['dead', 'no SMTP relay is configured (smtpHost)'],
    );
  });
});
