import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  type EventStreamReader,
  machineEvent,
  openEventStream,
  type ReadEvent,
} from '../packages/server/src/test-support/event-stream';
import { createTestPostgresDatabase } from '../packages/server/src/test-support/postgres';
import {
  agentState,
  freePort,
  type Proc,
  startAgent,
  TestServer,
  tempDir,
  waitEnrolled,
  waitFor,
} from './support/harness';

// The live events of issue 10 with whole processes: `muster server` and real `muster agent`s,
// killed the way a crash kills them, read from a real event stream as the console reads it.

const streamOf = (server: TestServer) =>
  openEventStream(server.api.baseUrl, { authorization: `Bearer ${server.api.token()}` });

/** A port in the offsite range (1024-49151) that nothing listens on right now. */
async function offsitePort(): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    const free = await new Promise<boolean>((resolve) => {
      const probe = createServer();
      probe.once('error', () => resolve(false));
      probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
    });
    if (free) return port;
  }
}

describe('live events with real agent processes', () => {
  const dir = tempDir('live-events');
  let server: TestServer;
  let port: number;
  const agents = new Map<string, Proc>();
  const ids = new Map<string, string>();
  let stream: EventStreamReader;

  /** Starts and enrolls an agent, and waits for it to be online. */
  const enroll = async (name: string, token: string) => {
    const state = join(dir.path, name);
    const agent = startAgent(name, { stateDir: state, server: `127.0.0.1:${port}`, token });
    agents.set(name, agent);
    const id = await waitEnrolled(agent, state);
    ids.set(name, id);
    return id;
  };

  before(async () => {
    port = await freePort();
    server = await TestServer.start({ dataDir: join(dir.path, 'server'), agentPorts: [port] });
    stream = await streamOf(server);
  });
  after(async () => {
    stream?.close();
    await Promise.all([...agents.values()].map((a) => a.stop()));
    await server.stop();
    dir.cleanup();
  });

  it('an agent process comes online, confirms changed settings live, and shows offline at once when killed', async (t) => {
    const id = await enroll('victim', await server.installToken({ group: 'web.acme' }));
    // Online, then audited (the agent's first audit follows at once, often in the same 250 ms
    // window): the status leaves online-awaiting-audit without a reload.
    const online = await stream.next(
      'online and audited',
      (e) =>
        e.event === 'machine' &&
        e.data.machineId === id &&
        e.data.machine?.online === true &&
        e.data.status !== 'online-awaiting-audit',
      20_000,
    );
    assert.equal(online.data.machine.connectedFrom, '127.0.0.1');

    const put = await server.api.put('/checkin-control', { machines: [id], settings: { periodSeconds: 40 } });
    assert.equal(put.status, 200);
    const applied = await stream.next('settings applied', machineEvent(id, 'settings-applied'), 20_000);
    assert.equal(applied.data.machine.settingsApplied, true);
    assert.deepEqual(applied.data.machine.pendingSettings, []);
    assert.equal((await server.machine(id))?.checkinControl.periodSeconds, 40);

    const killedAt = Date.now();
    await (agents.get('victim') as Proc).stop('SIGKILL');
    const offline = await stream.next('offline', machineEvent(id, 'disconnected'), 20_000);
    const ms = offline.receivedAt - killedAt;
    t.diagnostic(`offline event ${ms} ms after SIGKILL`);
    // The kernel closes a killed process's socket: the gateway sees it at once, and the event
    // leaves with the next 250 ms window.
    assert.ok(ms < 3000, `offline event ${ms} ms after the kill`);
    assert.equal(offline.data.status, 'offline');
    assert.equal(offline.data.machine.online, false);
  });

  it("a local server's replication pass shows its progress and its end", async () => {
    const token = await server.installToken({ group: 'rep.acme', maxUses: 2 });
    const off = await enroll('off', token);
    const loc = await enroll('loc', token);
    for (const id of [off, loc]) await server.waitForStatus(id, 'online');
    // Check-ins (and with them replication reports) every second, for progress during a pass.
    await server.api.put('/checkin-control', { filter: '*.rep.acme', settings: { periodSeconds: 1 } });
    await waitFor('settings applied', async () =>
      (await server.machines('*.rep.acme')).every((m) => m.settingsApplied),
    );
    const localDir = join(dir.path, 'images');
    const machineGuid = '6f1c2a9e-1111-4222-8333-444455556666';
    mkdirSync(join(localDir, machineGuid), { recursive: true });
    writeFileSync(join(localDir, machineGuid, 'full.img'), randomBytes(600_000));
    const offsite = await server.api.post('/offsite-servers', {
      machineId: off,
      host: '127.0.0.1',
      port: await offsitePort(),
      directory: join(dir.path, 'offsite-root'),
    });
    assert.equal(offsite.status, 201, JSON.stringify(offsite.body));
    // The first pass runs at once, through a 150 KB/s limit: about four seconds of check-ins.
    const local = await server.api.post('/local-servers', {
      machineId: loc,
      directory: localDir,
      offsiteServerId: (offsite.body as { id: string }).id,
      schedule: '0 0 1 1 *',
      bandwidthKBps: 150,
    });
    assert.equal(local.status, 201, JSON.stringify(local.body));
    const localId = (local.body as { id: string }).id;
    const ofLocal = (e: ReadEvent) => e.event === 'replication' && e.data.localServerId === localId;
    const moving = await stream.next(
      'progress during the pass',
      (e) =>
        ofLocal(e) && e.data.localServer.state === 'transferring' && e.data.localServer.bytesRemaining > 0,
      30_000,
    );
    assert.equal(moving.data.machineId, loc);
    const done = await stream.next(
      'the pass finished',
      (e) => ofLocal(e) && e.data.localServer.lastPass?.complete === true,
      30_000,
    );
    assert.ok(done.data.localServer.lastPass.bytesSent >= 600_000, JSON.stringify(done.data));
    assert.equal(done.data.localServer.status, 'active');
    const seen = stream.events.filter(ofLocal);
    // At most one per second: consecutive events of one local server are a second apart.
    for (let i = 1; i < seen.length; i++) {
      const gap = (seen[i] as ReadEvent).receivedAt - (seen[i - 1] as ReadEvent).receivedAt;
      assert.ok(gap >= 900, `events ${i - 1} and ${i} are ${gap} ms apart`);
    }
  });
});

// Two server nodes on one PostgreSQL: a console on the primary follows an agent that only
// knows the secondary.
describe('live events across server processes (PostgreSQL)', () => {
  const dir = tempDir('live-events-pg');
  let database: Awaited<ReturnType<typeof createTestPostgresDatabase>>;
  let primary: TestServer;
  let secondary: TestServer;
  let agent: Proc;

  before(async () => {
    database = await createTestPostgresDatabase();
    const [p1, p2] = [await freePort(), await freePort()];
    primary = await TestServer.start({
      dataDir: join(dir.path, 'p'),
      agentPorts: [p1],
      databaseUrl: database.url,
    });
    secondary = await TestServer.start({
      dataDir: join(dir.path, 's'),
      agentPorts: [p2],
      databaseUrl: database.url,
      tokenDir: join(dir.path, 'p'),
    });
    const state = join(dir.path, 'agent');
    agent = startAgent('far', {
      stateDir: state,
      server: `127.0.0.1:${p2}`,
      token: await primary.installToken({ group: 'ha.acme' }),
    });
    await secondary.waitForStatus(await waitFor('enrolled', () => agentState(state).machineId), 'online');
  });
  after(async () => {
    await agent?.stop();
    await primary?.stop();
    await secondary?.stop();
    await database?.drop();
    dir.cleanup();
  });

  it("an agent killed on the secondary shows offline on the primary's stream", async (t) => {
    const id = agentState(join(dir.path, 'agent')).machineId as string;
    const onPrimary = await streamOf(primary);
    try {
      const killedAt = Date.now();
      await agent.stop('SIGKILL');
      const offline = await onPrimary.next(
        'offline on the primary',
        machineEvent(id, 'disconnected'),
        20_000,
      );
      t.diagnostic(`offline on the other node ${offline.receivedAt - killedAt} ms after SIGKILL`);
      assert.ok(offline.receivedAt - killedAt < 3000);
      assert.equal(offline.data.status, 'offline');
    } finally {
      onPrimary.close();
    }
  });
});
