import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  agentState,
  freePort,
  MUSTER_BIN,
  type Proc,
  startAgent,
  TestServer,
  tempDir,
  waitEnrolled,
  waitFor,
} from './support/harness';

// Bind to server against an impostor (another identity, even with a copied certificate),
// Change ID, and the spec's port-change procedure (old and new port at once).
describe('server identity and ports', () => {
  const dir = tempDir('identity');
  const serverDir = () => join(dir.path, 'server');
  let server: TestServer;
  let port: number;
  let bound: Proc;
  let unbound: Proc;
  let boundId: string;
  let unboundId: string;

  before(async () => {
    port = await freePort();
    server = await TestServer.start({ dataDir: serverDir(), agentPorts: [port] });
    const token = await server.installToken({ group: 'id.acme', maxUses: 5 });
    bound = startAgent('bound', { stateDir: join(dir.path, 'bound'), server: `127.0.0.1:${port}`, token });
    unbound = startAgent('unbound', {
      stateDir: join(dir.path, 'unbound'),
      server: `127.0.0.1:${port}`,
      token,
    });
    boundId = await waitFor('bound enrolled', () => agentState(join(dir.path, 'bound')).machineId);
    unboundId = await waitFor('unbound enrolled', () => agentState(join(dir.path, 'unbound')).machineId);
    await server.api.put('/checkin-control', {
      machines: [boundId],
      settings: { bindToServer: true, periodSeconds: 2 },
    });
    await server.api.put('/checkin-control', { machines: [unboundId], settings: { periodSeconds: 2 } });
    await waitFor('bind applied', async () => (await server.machine(boundId))?.settingsApplied);
    assert.equal((await server.machine(boundId))?.bound, true);
  });
  after(async () => {
    await bound.stop();
    await unbound.stop();
    await server.stop();
    dir.cleanup();
  });

  it('muster server id prints the Server ID the API shows', async () => {
    const printed = execFileSync(process.execPath, [MUSTER_BIN, 'server', '--data-dir', serverDir(), 'id'])
      .toString()
      .trim();
    assert.equal(printed, ((await server.api.get('/server')).body as { serverId: string }).serverId);
    assert.equal(agentState(join(dir.path, 'bound')).serverId, printed, 'the bound agent pinned it');
  });

  it('a bound agent refuses an impostor with another identity, even one with the real certificate', async () => {
    await server.stop();
    const rogueDir = join(dir.path, 'rogue');
    mkdirSync(rogueDir, { recursive: true });
    copyFileSync(join(serverDir(), 'tls-cert.pem'), join(rogueDir, 'tls-cert.pem'));
    copyFileSync(join(serverDir(), 'tls-key.pem'), join(rogueDir, 'tls-key.pem'));
    await unbound.stop(); // first only the bound agent meets the impostor
    const rogue = await TestServer.start({
      dataDir: rogueDir,
      agentPorts: [port],
      httpPort: await freePort(),
    });
    try {
      await waitFor(
        'bound agent refuses',
        () => bound.logs('refusing to check in (bind to server is on)').length > 0,
        20_000,
      );
      await new Promise((r) => setTimeout(r, 1500));
      assert.equal(
        rogue.proc.logs('"code":"unknown-agent"').length,
        0,
        'the bound agent never presented itself to the impostor',
      );
      unbound = startAgent('unbound', { stateDir: join(dir.path, 'unbound') });
      await waitFor(
        'unbound agent presents itself',
        () => rogue.proc.logs('"code":"unknown-agent"').length > 0,
        20_000,
      );
    } finally {
      await rogue.stop();
    }
    server = await server.restart();
    await server.waitForStatus(boundId, 'online');
    await server.waitForStatus(unboundId, 'online');
  });

  it('Change ID: bound agents stop checking in, unbound agents follow the new ID', async () => {
    const before = ((await server.api.get('/server')).body as { serverId: string }).serverId;
    const r = await server.api.post('/server/change-id');
    assert.equal(r.status, 200);
    const after = (r.body as { serverId: string }).serverId;
    assert.notEqual(after, before);
    await waitFor(
      'unbound agent follows',
      () => agentState(join(dir.path, 'unbound')).serverId === after,
      20_000,
    );
    await server.waitForStatus(unboundId, 'online');
    await waitFor(
      'bound agent refuses the new ID',
      () => bound.logs(`Server ID ${after}, not the pinned ${before}`).length > 0,
      20_000,
    );
    await server.waitForStatus(boundId, 'offline', 30_000);
  });
});

describe('port change: old and new port at once', () => {
  const dir = tempDir('ports');
  let server: TestServer;
  const agents: Proc[] = [];

  after(async () => {
    await Promise.all(agents.map((a) => a.stop()));
    await server.stop();
    dir.cleanup();
  });

  it('moves agents to the new port before the old one is switched off', async () => {
    const [oldPort, newPort] = [await freePort(), await freePort()];
    const httpPort = await freePort();
    server = await TestServer.start({
      dataDir: join(dir.path, 'server'),
      agentPorts: [oldPort, newPort],
      httpPort,
    });
    assert.deepEqual(((await server.api.get('/server')).body as { agentPorts: number[] }).agentPorts, [
      oldPort,
      newPort,
    ]);
    const token = await server.installToken({ group: 'ports.acme', maxUses: 5 });
    const ids: string[] = [];
    for (const name of ['m1', 'm2']) {
      const state = join(dir.path, name);
      const agent = startAgent(name, { stateDir: state, server: `127.0.0.1:${oldPort}`, token });
      agents.push(agent);
      ids.push(await waitEnrolled(agent, state));
    }
    // Steps 1-3 of the spec: primary = new port, secondary = old port, wait for every agent.
    const r = await server.api.put('/checkin-control', {
      filter: '*.ports.acme',
      settings: {
        primary: { host: '127.0.0.1', port: newPort },
        secondary: { host: '127.0.0.1', port: oldPort },
      },
    });
    assert.equal((r.body as { updated: number }).updated, 2);
    for (const a of agents) {
      await waitFor(`${a.name} on the new port`, () =>
        a.logs('checked in').some((l) => l.server === `127.0.0.1:${newPort}` && l.slot === 'primary'),
      );
    }
    // Step 4: the server now listens on the new port only; every agent stays online.
    await server.stop();
    server = await TestServer.start({ dataDir: join(dir.path, 'server'), agentPorts: [newPort], httpPort });
    for (const id of ids) await server.waitForStatus(id, 'online');
  });
});
