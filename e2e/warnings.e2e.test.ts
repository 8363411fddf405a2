import assert from 'node:assert/strict';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { agentState, freePort, type Proc, startAgent, TestServer, tempDir, waitFor } from './support/harness';

/** This machine's LAN addresses: what an agent here reports and what the server counts as its LAN. */
function lanAddresses(): string[] {
  return Object.values(networkInterfaces())
    .flatMap((list) => list ?? [])
    .filter((a) => !a.internal && !a.address.startsWith('fe80:'))
    .map((a) => a.address);
}

// The lan-via-gateway warning: an agent on the server's own LAN whose connection arrives from
// another address (here: over loopback, standing in for the router), and its switch.
describe('lan-via-gateway warning', () => {
  const dir = tempDir('warnings');
  const stops: Array<() => Promise<void>> = [];
  after(async () => {
    for (const stop of stops.reverse()) await stop();
    dir.cleanup();
  });

  async function serverWith(
    name: string,
    extraArgs: string[],
  ): Promise<{ server: TestServer; port: number }> {
    const port = await freePort();
    const server = await TestServer.start({ dataDir: join(dir.path, name), agentPorts: [port], extraArgs });
    stops.push(() => server.stop());
    return { server, port };
  }

  function agent(name: string, port: number, token: string): Proc {
    const a = startAgent(name, { stateDir: join(dir.path, name), server: `127.0.0.1:${port}`, token });
    stops.push(() => a.stop());
    return a;
  }

  it('warns when an agent on the server LAN connects through another address, and can be switched off', async () => {
    const lan = lanAddresses();
    assert.ok(lan.length > 0, 'this test needs a non-loopback interface on the machine');
    const { server, port } = await serverWith('s1', []);
    const token = await server.installToken({ group: 'lan.acme', maxUses: 5 });
    agent('lan1', port, token);
    const id = await waitFor('enrolled', () => agentState(join(dir.path, 'lan1')).machineId);
    const warnings = await waitFor('warning', async () =>
      (await server.notifications('lan-via-gateway')).filter((n) => n.machineId === id),
    );
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]?.message ?? '', /internal address/);
    assert.ok(
      lan.some((a) => warnings[0]?.message.includes(a)),
      'names the LAN address',
    );

    // Reconnecting does not repeat the same warning.
    await server.api.put('/checkin-control', { machines: [id], settings: { periodSeconds: 1 } });
    await new Promise((r) => setTimeout(r, 2500));
    assert.equal((await server.notifications('lan-via-gateway')).length, 1);

    // Switched off, a second such agent raises nothing; the duplicate check box stays on.
    const off = await server.api.put('/notification-settings', { 'lan-via-gateway': false });
    assert.deepEqual(off.body, {
      'duplicate-account': true,
      'lan-via-gateway': false,
      'local-server-inactive': true,
      'offsite-corruption': true,
    });
    agent('lan2', port, token);
    const id2 = await waitFor('enrolled', () => agentState(join(dir.path, 'lan2')).machineId);
    await server.waitForStatus(id2, 'online');
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(
      (await server.notifications('lan-via-gateway')).filter((n) => n.machineId === id2).length,
      0,
    );

    const unknown = await server.api.put('/notification-settings', { 'no-such-warning': true });
    assert.equal(unknown.status, 400);
    assert.match((unknown.body as { error: { message: string } }).error.message, /unknown notification type/);
  });

  it('does not warn for an agent whose addresses are outside the server LAN', async () => {
    const { server, port } = await serverWith('s2', [
      '--no-lan-subnets-from-interfaces',
      '--lan-subnet',
      '198.51.100.0/24',
    ]);
    const token = await server.installToken({ group: 'far.acme' });
    agent('far', port, token);
    const id = await waitFor('enrolled', () => agentState(join(dir.path, 'far')).machineId);
    await server.waitForStatus(id, 'online');
    await new Promise((r) => setTimeout(r, 1500));
    assert.deepEqual(await server.notifications('lan-via-gateway'), []);
  });

  it('refuses to start with a malformed LAN subnet', async () => {
    const port = await freePort();
    await assert.rejects(
      TestServer.start({
        dataDir: join(dir.path, 's3'),
        agentPorts: [port],
        extraArgs: ['--lan-subnet', '10.0.0.0/99'],
      }),
      /not a subnet in CIDR form/,
    );
  });
});
