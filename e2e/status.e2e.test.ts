import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { connectAgent, generateAgentKey } from '@muster/agent';
import { agentState, freePort, startAgent, TestServer, tempDir, waitFor } from './support/harness';

// Every check-in status, driven by real agent processes (and, for the short window between
// the welcome and the first audit, by the agent's own connection code holding the audit back).
describe('check-in statuses', () => {
  const dir = tempDir('status');
  let server: TestServer;
  let port: number;
  let token: string;
  const stops: Array<() => Promise<void>> = [];

  before(async () => {
    port = await freePort();
    server = await TestServer.start({ dataDir: join(dir.path, 'server'), agentPorts: [port] });
    token = await server.installToken({ group: 'status.acme', maxUses: 10 });
  });
  after(async () => {
    for (const stop of stops) await stop();
    await server.stop();
    dir.cleanup();
  });

  it('never-checked-in: an account made by a fixed-name token before any agent', async () => {
    await server.installToken({ group: 'status.acme', machineName: 'waiting' });
    assert.equal((await server.machine('waiting.status.acme'))?.status, 'never-checked-in');
  });

  it('online-awaiting-audit until the first audit arrives, then online', async () => {
    const key = generateAgentKey();
    const connection = await connectAgent({
      address: { host: '127.0.0.1', port },
      key,
      pinnedServerId: null,
      enrollToken: token,
      hostName: 'noaudit',
      hardwareId: 'hw-noaudit',
      agentVersion: 'test',
      timeoutMs: 5000,
    });
    stops.push(async () => connection.close());
    const id = connection.welcome.machineId;
    assert.equal(connection.welcome.auditRequired, true);
    await server.waitForStatus(id, 'online-awaiting-audit');
    connection.send({
      t: 'audit',
      inventory: {
        hostName: 'noaudit',
        os: { platform: 'linux', release: '6', version: 'x', arch: 'x64' },
        cpu: { model: 'cpu', cores: 2 },
        memoryBytes: 1024,
        disks: [],
        networkInterfaces: [],
        hardwareId: 'hw-noaudit',
      },
    });
    await server.waitForStatus(id, 'online');
  });

  it('online, user-logged-on, user-idle, remote-control-disabled, suspended, offline', async () => {
    const probe = join(dir.path, 'user.json');
    writeFileSync(probe, JSON.stringify({ user: null }));
    const state = join(dir.path, 'agent');
    const agent = startAgent('status', {
      stateDir: state,
      server: `127.0.0.1:${port}`,
      token,
      userProbeFile: probe,
    });
    stops.push(() => agent.stop());
    const id = await waitFor('enrollment', () => agentState(state).machineId);
    assert.equal(
      id,
      `${hostname().split('.')[0]?.toLowerCase()}.status.acme`,
      'named after the host by default',
    );
    await server.waitForStatus(id, 'online');
    // Short period so each change of the console user shows at the next check-in.
    const set = await server.api.put('/checkin-control', { machines: [id], settings: { periodSeconds: 1 } });
    assert.equal(set.status, 200);

    writeFileSync(probe, JSON.stringify({ user: 'alice', idleSeconds: 30 }));
    const logged = await server.waitForStatus(id, 'user-logged-on');
    assert.equal((logged as unknown as { loggedOnUser: string }).loggedOnUser, 'alice');

    writeFileSync(probe, JSON.stringify({ user: 'alice', idleSeconds: 600 }));
    await server.waitForStatus(id, 'user-idle');

    assert.equal((await server.api.put(`/machines/${id}/remote-control`, { enabled: false })).status, 200);
    await server.waitForStatus(id, 'remote-control-disabled');
    assert.equal((await server.api.put(`/machines/${id}/remote-control`, { enabled: true })).status, 200);

    const suspended = await server.api.post(`/machines/${id}/suspend`);
    assert.equal((suspended.body as { status: string }).status, 'suspended');
    assert.equal((suspended.body as { online: boolean }).online, true, 'a suspended agent stays connected');
    const resumed = await server.api.post(`/machines/${id}/resume`);
    assert.equal((resumed.body as { status: string }).status, 'user-idle');

    await agent.stop();
    await server.waitForStatus(id, 'offline');
  });

  it('a suspend of an unknown machine is a 404 with a coded error', async () => {
    const r = await server.api.post('/machines/nope.status.acme/suspend');
    assert.equal(r.status, 404);
    assert.equal((r.body as { error: { code: string } }).error.code, 'not-found');
  });
});
