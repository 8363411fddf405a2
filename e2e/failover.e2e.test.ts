import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createTestPostgresDatabase } from '../packages/server/src/test-support/postgres';
import { agentState, freePort, type Proc, startAgent, TestServer, tempDir, waitFor } from './support/harness';

async function connectedAgents(server: TestServer): Promise<number> {
  const r = await server.api.get('/server');
  return (r.body as { connectedAgents: number }).connectedAgents;
}

// Two server nodes on one PostgreSQL: the agent uses the primary, fails over to the secondary
// when the primary is killed, and moves back when the primary returns. A change made on one
// node reaches an agent held by the other through LISTEN/NOTIFY.
describe('primary and secondary server', () => {
  const dir = tempDir('failover');
  let database: Awaited<ReturnType<typeof createTestPostgresDatabase>>;
  let primary: TestServer;
  let secondary: TestServer;
  let agent: Proc;
  let id: string;

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
    const token = await primary.installToken({ group: 'ha.acme' });
    const state = join(dir.path, 'agent');
    agent = startAgent('ha', {
      stateDir: state,
      server: `127.0.0.1:${p1}`,
      secondary: `127.0.0.1:${p2}`,
      token,
    });
    id = await waitFor('enrolled', () => agentState(state).machineId);
    await primary.waitForStatus(id, 'online');
  });
  after(async () => {
    await agent?.stop();
    await primary?.stop();
    await secondary?.stop();
    await database?.drop();
    dir.cleanup();
  });

  it('both nodes present the same Server ID (the identity lives in the shared store)', async () => {
    const a = (await primary.api.get('/server')).body as { serverId: string };
    const b = (await secondary.api.get('/server')).body as { serverId: string };
    assert.equal(a.serverId, b.serverId);
  });

  it('uses the primary, not the secondary, while the primary is up', async () => {
    await waitFor('held by the primary', async () => (await connectedAgents(primary)) === 1);
    assert.equal(await connectedAgents(secondary), 0);
  });

  it('a change made through the secondary reaches the agent on the primary at once', async () => {
    const r = await secondary.api.put('/checkin-control', { machines: [id], settings: { periodSeconds: 2 } });
    assert.equal(r.status, 200);
    await waitFor('applied', async () => (await secondary.machine(id))?.settingsApplied);
    assert.equal(agentState(join(dir.path, 'agent')).checkinControl?.periodSeconds, 2);
  });

  it('fails over to the secondary when the primary is killed, and back when it returns', async () => {
    await primary.stop('SIGKILL');
    await waitFor('held by the secondary', async () => (await connectedAgents(secondary)) === 1, 20_000);
    await secondary.waitForStatus(id, 'online');
    primary = await primary.restart();
    await waitFor('back on the primary', async () => (await connectedAgents(primary)) === 1, 20_000);
    await waitFor('secondary released', async () => (await connectedAgents(secondary)) === 0, 10_000);
    await primary.waitForStatus(id, 'online');
    assert.ok(
      agent.logs('checked in').some((l) => l.slot === 'secondary'),
      'the agent logged its stay on the secondary',
    );
  });
});
