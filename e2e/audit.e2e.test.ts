import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import SQLite from 'better-sqlite3';
import { freePort, MUSTER_BIN, TestServer, tempDir } from './support/harness';

/** What one `muster` run printed and how it ended. */
interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

interface AuditEntryJson {
  seq: number;
  user: { id: string | null; name: string } | null;
  credential: { kind: string; id: string } | null;
  address: string | null;
  action: string;
  targets: { machines?: string[]; groups?: string[] };
  details: { settings?: { before: unknown; after: unknown } } | null;
  status: number | null;
  result: string;
}

// The audit log with real processes: a `muster server` on SQLite, the `muster` command line,
// and the database file edited behind the server's back with better-sqlite3.
describe('audit log (real server and CLI processes)', () => {
  const dir = tempDir('audit');
  const dataDir = join(dir.path, 'server');
  let server: TestServer;

  const cli = (...args: string[]): Promise<CliRun> =>
    new Promise((resolve) => {
      execFile(
        process.execPath,
        [MUSTER_BIN, '--api', server.api.baseUrl, '--token-file', join(dataDir, 'admin-token'), ...args],
        { env: { ...process.env, MUSTER_TOKEN: '' } },
        (error, stdout, stderr) => {
          const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
          resolve({ code, stdout, stderr });
        },
      );
    });
  const ok = async (...args: string[]): Promise<string> => {
    const run = await cli(...args);
    assert.equal(run.code, 0, `muster ${args.join(' ')} failed: ${run.stderr}`);
    return run.stdout;
  };
  const list = async (...filters: string[]): Promise<AuditEntryJson[]> =>
    JSON.parse(await ok('audit', 'list', '--json', ...filters)).items;

  before(async () => {
    server = await TestServer.start({ dataDir, agentPorts: [await freePort()] });
  });
  after(async () => {
    await server?.stop();
    dir.cleanup();
  });

  let commandEntrySeq = 0;

  it('records requests with actor, action, targets and result; commands show createdBy', async () => {
    // A named install token makes the machine account, so commands can be queued to it.
    const token = await server.api.post('/install-tokens', { group: 'web.acme', machineName: 'pc1' });
    assert.equal(token.status, 201);
    const queued = JSON.parse(
      await ok(
        'commands',
        'queue',
        '--type',
        'shell',
        '--machines',
        'pc1.web.acme',
        '--script',
        'uptime',
        '--json',
      ),
    );
    assert.equal(queued.items.length, 1);
    const shown = JSON.parse(await ok('commands', 'show', queued.items[0].id, '--json'));
    assert.equal(shown.createdBy, 'admin');

    const refused = await server.api.post('/machines/ghost.web.acme/suspend');
    assert.equal(refused.status, 404);
    assert.equal(
      (await server.api.put('/checkin-policy/web.acme', { minSeconds: 15, maxSeconds: 900 })).status,
      200,
    );

    const [command] = await list('--action', 'createCommand');
    assert.ok(command, 'no entry for createCommand');
    assert.equal(command.user?.name, 'admin');
    assert.equal(command.credential?.kind, 'token');
    assert.equal(command.address, '127.0.0.1');
    assert.deepEqual(command.targets, { machines: ['pc1.web.acme'] });
    assert.equal(command.status, 201);
    assert.equal(command.result, 'ok');
    commandEntrySeq = command.seq;

    const [suspend] = await list('--action', 'suspendMachine');
    assert.ok(suspend, 'no entry for the refused suspend');
    assert.deepEqual([suspend.status, suspend.result], [404, 'not-found']);
    assert.deepEqual(suspend.targets, { machines: ['ghost.web.acme'] });

    // The action of a route with an operationId is that operationId.
    const [policy] = await list('--action', 'setCheckinPolicy');
    assert.ok(policy, 'no entry for the policy change');
    assert.deepEqual(policy.details?.settings?.after, { group: 'web.acme', minSeconds: 15, maxSeconds: 900 });
    assert.ok(policy.details?.settings?.before, 'the policy before the change is recorded');

    const machineEntries = await list('--machine', 'pc1.web.acme');
    assert.deepEqual(
      machineEntries.map((e) => e.action),
      ['createCommand'],
    );
    const table = await ok('audit', 'list', '--user', 'admin');
    assert.match(table, /createCommand\s+pc1\.web\.acme\s+ok \(201\)/);
  });

  it('verify passes, then names the entry edited in the database, through the API and offline', async () => {
    assert.ok(commandEntrySeq > 0, 'the first test recorded the command entry');
    assert.match(await ok('audit', 'verify'), /audit log intact: \d+ entries/);
    assert.match(await ok('audit', 'verify', '--data-dir', dataDir), /audit log intact/);

    const db = new SQLite(join(dataDir, 'muster.db'));
    try {
      db.pragma('busy_timeout = 5000');
      const changed = db
        .prepare("update audit_log set user_name = 'mallory' where seq = ?")
        .run(commandEntrySeq).changes;
      assert.equal(changed, 1);
    } finally {
      db.close();
    }

    for (const args of [
      ['audit', 'verify'],
      ['audit', 'verify', '--data-dir', dataDir],
    ]) {
      const run = await cli(...args);
      assert.equal(run.code, 1, `muster ${args.join(' ')} should fail; printed ${run.stdout}`);
      assert.match(
        run.stderr,
        new RegExp(
          `audit log BROKEN at entry ${commandEntrySeq} \\(edited\\): entry ${commandEntrySeq} was edited`,
        ),
      );
    }
    const api = await server.api.get('/audit/verify');
    assert.equal(api.status, 200);
    const body = api.body as { ok: boolean; broken: { seq: number; kind: string } };
    assert.equal(body.ok, false);
    assert.deepEqual(body.broken, {
      seq: commandEntrySeq,
      kind: 'edited',
      message: `entry ${commandEntrySeq} was edited: its contents no longer match its hash`,
    });
  });
});
