import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import {
  createTestPostgresDatabase,
  type TestPostgresDatabase,
} from '../packages/server/src/test-support/postgres';
import { startAgentCrowd } from './support/crowd';
import { freePort, type Proc, TestServer, tempDir, waitFor } from './support/harness';

// A node's shutdown and start with agents that cannot answer: stopped (SIGSTOP) agents keep
// their TCP connections open but say nothing, as agents behind a dead network do.
describe('server stop and start with agents that do not answer', () => {
  const dir = tempDir('shutdown');
  let server: TestServer;
  let crowd: Proc | null = null;
  const COUNT = 4;
  let database: TestPostgresDatabase;
  /** Machines of the crowd marked connected in the store, read from PostgreSQL. */
  const storedConnected = async (): Promise<number> => {
    const client = new pg.Client(database.url);
    await client.connect();
    try {
      const result = await client.query(
        "select count(*)::int as n from machines where connected = 1 and group_id = 'quiet.acme'",
      );
      return (result.rows[0] as { n: number }).n;
    } finally {
      await client.end();
    }
  };

  before(async () => {
    const port = await freePort();
    // PostgreSQL: a node of a cluster, which cannot clear every flag as it starts (a single
    // node on SQLite does), since other nodes hold sessions too.
    database = await createTestPostgresDatabase();
    server = await TestServer.start({
      dataDir: join(dir.path, 'server'),
      agentPorts: [port],
      databaseUrl: database.url,
    });
    const token = await server.installToken({ group: 'quiet.acme', maxUses: COUNT });
    crowd = startAgentCrowd({
      server: `127.0.0.1:${port}`,
      token,
      dir: join(dir.path, 'crowd'),
      count: COUNT,
    });
    await waitFor(
      'every agent online',
      async () => {
        const machines = await server.machines('*.quiet.acme');
        return machines.length === COUNT && machines.every((m) => m.online);
      },
      60_000,
    );
  });
  after(async () => {
    crowd?.child.kill('SIGCONT');
    await crowd?.stop();
    await server.stop();
    await database.drop();
    dir.cleanup();
  });

  it('a SIGTERM stops the node within seconds although no agent answers its close frame', async () => {
    crowd?.child.kill('SIGSTOP');
    const started = Date.now();
    // Proc.stop sends SIGKILL after 10 s: a shutdown waiting for ws's 30 s close timeout (as
    // before) never logs that it stopped.
    await server.stop('SIGTERM');
    const took = (Date.now() - started) / 1000;
    const stopped = server.proc.logs('server stopped');
    assert.equal(stopped.length, 1, `no 'server stopped' line after ${took} s:\n${server.proc.output()}`);
    const seconds = stopped[0]?.seconds as Record<string, number>;
    assert.equal(stopped[0]?.sessions, COUNT);
    assert.ok(seconds.gateway !== undefined && seconds.gateway < 5, JSON.stringify(seconds));
    assert.equal(server.proc.logs('did not answer their close in time').length, 1);
    assert.ok(took < 9, `stopped after ${took} s`);
    // Each session's end was written before the node stopped: none is left marked connected.
    assert.equal(await storedConnected(), 0, 'machines left marked connected by a clean shutdown');
  });

  it('a node started again clears the connected flags of the run that was killed, and counts the agents online once back', async () => {
    // The crowd is still stopped, so nobody reconnects. The previous test's shutdown wrote the
    // sessions' ends; connect the crowd again and kill the node this time, so none are written.
    crowd?.child.kill('SIGCONT');
    server = await server.restart();
    await waitFor(
      'every agent back',
      async () => (await server.machines('*.quiet.acme')).filter((m) => m.online).length === COUNT,
      60_000,
    );
    // The API counts an agent this node holds as online at once; the store's flag follows with
    // the next coalesced write. Killed only after that, so the flags are there to be left stale.
    await waitFor('the sessions written to the store', async () => (await storedConnected()) === COUNT);
    crowd?.child.kill('SIGSTOP');
    await server.stop('SIGKILL');
    assert.equal(await storedConnected(), COUNT, 'the killed run left its flags');
    server = await server.restart();
    assert.equal(await storedConnected(), 0, 'the flags are cleared as the node starts');
    const machines = await server.machines('*.quiet.acme');
    assert.equal(machines.length, COUNT);
    assert.deepEqual(
      machines.filter((m) => m.online).map((m) => m.id),
      [],
      'the killed run held them; nobody holds them now',
    );
    assert.equal(
      server.proc.logs("cleared connected flags left by this node's last run")[0]?.released,
      COUNT,
    );
    // And they count as online again once they are back.
    crowd?.child.kill('SIGCONT');
    await waitFor(
      'every agent online again',
      async () => (await server.machines('*.quiet.acme')).filter((m) => m.online).length === COUNT,
      60_000,
    );
  });
});
