import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createTestPostgresDatabase } from '../packages/server/src/test-support/postgres';
import {
  agentState,
  freePort,
  type Proc,
  runMuster,
  startAgent,
  TestServer,
  tempDir,
  waitEnrolled,
  waitFor,
} from './support/harness';

/** Runs `muster <args>` to its end; its exit status and output. */
async function muster(name: string, args: string[]): Promise<{ code: number | null; output: string }> {
  const proc = runMuster(name, args);
  const code = await proc.wait();
  return { code, output: proc.output() };
}

// Real processes: a server with agents connected and writing, backed up while it runs, stopped,
// restored into a new data directory; a server started on it serves the same agents, which
// reconnect with the same Server ID and their machine accounts. And what restore refuses.
describe('backup and restore of a running server', () => {
  const dir = tempDir('backup');
  const original = join(dir.path, 'original');
  const restored = join(dir.path, 'restored');
  const backup = join(dir.path, 'backups', 'nightly');
  let agentPort: number;
  let server: TestServer;
  let serverId: string;
  const agents: Array<{ name: string; state: string; proc: Proc; id: string }> = [];

  before(async () => {
    agentPort = await freePort();
    server = await TestServer.start({ dataDir: original, agentPorts: [agentPort] });
    serverId = ((await server.api.get('/server')).body as { serverId: string }).serverId;
    const token = await server.installToken({ group: 'kept.acme', maxUses: 3 });
    for (const name of ['b1', 'b2', 'b3']) {
      const state = join(dir.path, name);
      const proc = startAgent(name, { stateDir: state, server: `127.0.0.1:${agentPort}`, token });
      const id = await waitEnrolled(proc, state);
      agents.push({ name, state, proc, id });
    }
    for (const a of agents) await server.waitForStatus(a.id, 'online');
  });
  after(async () => {
    await Promise.all(agents.map((a) => a.proc.stop()));
    await server.stop();
    dir.cleanup();
  });

  const enqueue = async (s: TestServer, type: string, params: Record<string, unknown> = {}) => {
    const response = await s.api.post('/commands', {
      targets: { machines: agents.map((a) => a.id) },
      type,
      params,
    });
    assert.equal(response.status, 201, JSON.stringify(response.body));
    return (response.body as { items: Array<{ id: string }> }).items.map((c) => c.id);
  };
  const statusOf = async (s: TestServer, id: string) =>
    ((await s.api.get(`/commands/${id}`)).body as { status?: string }).status;

  it('backs up while agents check in and commands run, and restores onto a new server that serves the same agents', async () => {
    // Finished before the backup: must be in it.
    const before = await enqueue(server, 'shell', { script: 'echo before-backup' });
    for (const id of before)
      await waitFor(`${id} complete`, async () => (await statusOf(server, id)) === 'complete');

    // Work keeps arriving and running while the backup is taken.
    let writing = true;
    let queuedDuringBackup = 0;
    const load = (async () => {
      while (writing) {
        queuedDuringBackup += (await enqueue(server, 'shell', { script: 'echo during-backup' })).length;
      }
    })();
    const taken = runMuster('backup', ['backup', '--data-dir', original, '--out', backup]);
    const code = await taken.wait();
    writing = false;
    await load;
    assert.equal(code, 0, taken.output());
    assert.ok(queuedDuringBackup > 0, 'commands were queued while the backup ran');
    assert.match(taken.output(), new RegExp(`Server ID: ${serverId}`));
    assert.deepEqual(readdirSync(backup).sort(), [
      'admin-password',
      'admin-token',
      'manifest.json',
      'muster.db',
      'node-id',
      'tls-cert.pem',
      'tls-key.pem',
    ]);
    const checked = await muster('check', ['restore', '--check', backup]);
    assert.equal(checked.code, 0, checked.output);
    assert.match(checked.output, /complete and undamaged/);

    // A running server's data is never replaced, not even with --force.
    const overRunning = await muster('over-running', ['restore', backup, '--data-dir', original, '--force']);
    assert.equal(overRunning.code, 1);
    assert.match(
      overRunning.output,
      /muster: a muster server is running on .*original \(pid \d+\): stop it first/,
    );

    await server.stop();
    // Stopped, but not empty: only with --force.
    const overStopped = await muster('over-stopped', ['restore', backup, '--data-dir', original]);
    assert.equal(overStopped.code, 1);
    assert.match(overStopped.output, /is not empty .* give --force/);

    const restore = await muster('restore', ['restore', backup, '--data-dir', restored]);
    assert.equal(restore.code, 0, restore.output);
    assert.match(restore.output, new RegExp(`Server ID: ${serverId}`));

    // The agents kept retrying the address; a server on the restored directory takes it over.
    server = await TestServer.start({ dataDir: restored, agentPorts: [agentPort] });
    assert.equal(((await server.api.get('/server')).body as { serverId: string }).serverId, serverId);
    for (const a of agents) {
      await server.waitForStatus(a.id, 'online', 60_000);
      assert.equal(a.proc.child.exitCode, null, `${a.name} never stopped`);
      assert.equal(agentState(a.state).machineId, a.id, `${a.name} kept its machine account`);
      assert.equal(agentState(a.state).serverId, serverId);
      assert.equal(a.proc.logs('enrolling again').length, 0, `${a.name} was not enrolled anew`);
    }
    assert.equal((await server.machines('*.kept.acme')).length, 3, 'no machine account added');
    for (const id of before)
      assert.equal(await statusOf(server, id), 'complete', 'work done before the backup');
    // And it serves them: new work reaches every agent and comes back.
    const after = await enqueue(server, 'shell', { script: 'echo after-restore' });
    for (const id of after)
      await waitFor(`${id} complete`, async () => (await statusOf(server, id)) === 'complete');
  });

  it('refuses a damaged or incomplete backup with a clear error and creates nothing', async () => {
    const cases: Array<[string, (copy: string) => void, RegExp]> = [
      [
        'truncated',
        (copy) => truncateSync(join(copy, 'muster.db'), 8192),
        /is damaged: muster\.db has 8192 bytes/,
      ],
      ['no-manifest', (copy) => truncateSync(join(copy, 'manifest.json'), 0), /manifest\.json is damaged/],
      [
        'edited-key',
        (copy) => {
          // Same size, one character changed: only the hash tells.
          const file = join(copy, 'tls-key.pem');
          const key = readFileSync(file);
          key[40] = key[40] === 0x41 ? 0x42 : 0x41;
          writeFileSync(file, key);
        },
        /the SHA-256 of tls-key\.pem is not the one in the manifest/,
      ],
    ];
    for (const [name, harm, expected] of cases) {
      const copy = join(dir.path, `damaged-${name}`);
      cpSync(backup, copy, { recursive: true });
      harm(copy);
      const target = join(dir.path, `target-${name}`);
      const result = await muster(`restore-${name}`, ['restore', copy, '--data-dir', target]);
      assert.equal(result.code, 1, `${name}: ${result.output}`);
      assert.match(result.output, expected);
      assert.equal(existsSync(target), false, `${name}: nothing created`);
    }
    const missing = await muster('restore-missing', [
      'restore',
      join(dir.path, 'nowhere'),
      '--data-dir',
      join(dir.path, 't'),
    ]);
    assert.equal(missing.code, 1);
    assert.match(missing.output, /nowhere is not a directory/);
    const noStore = await muster('backup-nothing', [
      'backup',
      '--data-dir',
      join(dir.path, 'empty'),
      '--out',
      join(dir.path, 'b'),
    ]);
    assert.equal(noStore.code, 1);
    assert.match(noStore.output, /there is no SQLite store in .*empty/);
  });
});

/** Runs a PostgreSQL or archive tool the way the README does; fails the test with its output. */
function tool(command: string, args: string[]): void {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  assert.equal(result.status, 0, `${command} ${args.join(' ')}: ${result.stdout}${result.stderr}`);
}

// The README's PostgreSQL procedure, run as written: pg_dump while the server writes, the data
// directory's files with tar, pg_restore into an empty database, a server on both.
describe('backup and restore with PostgreSQL, as the README says', () => {
  const dir = tempDir('backup-pg');
  after(() => dir.cleanup());

  it('muster backup points to pg_dump; pg_dump and pg_restore with the identity files bring the same agents back', async () => {
    const live = await createTestPostgresDatabase();
    const restoredDb = await createTestPostgresDatabase();
    const agentPort = await freePort();
    const firstDir = join(dir.path, 'node-1');
    const state = join(dir.path, 'pg-agent');
    let server = await TestServer.start({
      dataDir: firstDir,
      agentPorts: [agentPort],
      databaseUrl: live.url,
    });
    let agent: Proc | null = null;
    try {
      const serverId = ((await server.api.get('/server')).body as { serverId: string }).serverId;
      const token = await server.installToken({ group: 'pg.acme' });
      agent = startAgent('pg-agent', { stateDir: state, server: `127.0.0.1:${agentPort}`, token });
      const id = await waitFor('enrolled', () => agentState(state).machineId);
      await server.waitForStatus(id, 'online');

      const pgConfig = join(dir.path, 'pg.json');
      writeFileSync(pgConfig, JSON.stringify({ dataDir: firstDir, databaseUrl: live.url }));
      const pointed = await muster('backup-pg', [
        'backup',
        '--config',
        pgConfig,
        '--out',
        join(dir.path, 'b'),
      ]);
      assert.equal(pointed.code, 1);
      assert.match(pointed.output, /keeps its store in PostgreSQL .* pg_dump .* pg_restore/);

      const dump = join(dir.path, 'muster.pgdump');
      const files = join(dir.path, 'muster-files.tar.gz');
      tool('pg_dump', ['--format=custom', `--file=${dump}`, live.url]);
      tool('tar', [
        '-C',
        firstDir,
        '-czf',
        files,
        'tls-cert.pem',
        'tls-key.pem',
        'admin-token',
        'admin-password',
      ]);
      await server.stop();

      tool('pg_restore', ['--no-owner', `--dbname=${restoredDb.url}`, dump]);
      const secondDir = join(dir.path, 'node-restored');
      tool('mkdir', ['-p', secondDir]);
      tool('tar', ['-C', secondDir, '-xzf', files]);
      server = await TestServer.start({
        dataDir: secondDir,
        agentPorts: [agentPort],
        databaseUrl: restoredDb.url,
      });
      assert.equal(((await server.api.get('/server')).body as { serverId: string }).serverId, serverId);
      await server.waitForStatus(id, 'online', 60_000);
      assert.equal(agentState(state).machineId, id);
      assert.equal(agentState(state).serverId, serverId);
      assert.equal(agent.child.exitCode, null);
    } finally {
      await agent?.stop();
      await server.stop();
      await live.drop();
      await restoredDb.drop();
    }
  });
});
