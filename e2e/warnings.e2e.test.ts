import assert from 'node:assert/strict';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { type AgentConnection, type AgentKey, connectAgent, generateAgentKey } from '@muster/agent';
import { agentState, freePort, type Proc, startAgent, TestServer, tempDir, waitFor } from './support/harness';

/** This machine's first non-loopback IPv4 address: where a "router" connection comes from. */
function lanAddress(): string | undefined {
  return Object.values(networkInterfaces())
    .flatMap((list) => list ?? [])
    .find((a) => !a.internal && a.family === 'IPv4')?.address;
}

// The lan-via-gateway warning: an agent that reports an address on the server's LAN but whose
// connection arrives from another address went through a gateway or router. A whole machine
// cannot stand behind a router in a test, so the "router" is this machine's LAN address and
// the agent reports (in its check-in, as a real one would) an address in a configured LAN
// subnet. A real agent on the server's own host, over loopback, must raise nothing.
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
    // Listening on every address, so a connection can arrive from the LAN address.
    const server = await TestServer.start({
      dataDir: join(dir.path, name),
      agentPorts: [port],
      extraArgs: ['--agent-host', '0.0.0.0', ...extraArgs],
    });
    stops.push(() => server.stop());
    return { server, port };
  }

  function agent(name: string, port: number, token: string): Proc {
    const a = startAgent(name, { stateDir: join(dir.path, name), server: `127.0.0.1:${port}`, token });
    stops.push(() => a.stop());
    return a;
  }

  /**
   * An agent connection from `from` that checks in reporting `reported` as its addresses, then
   * waits until the server recorded that check-in (the warning is decided in the same step).
   */
  async function checkInFrom(
    server: TestServer,
    from: string,
    port: number,
    key: AgentKey,
    reported: string[],
    marker: string,
    enrollToken?: string,
  ): Promise<{ connection: AgentConnection; id: string }> {
    const connection = await connectAgent({
      address: { host: from, port },
      key,
      pinnedServerId: null,
      hostName: 'behind-router',
      hardwareId: `hw-${key.fingerprint.slice(0, 8)}`,
      agentVersion: marker,
      localAddress: from,
      timeoutMs: 5000,
      ...(enrollToken ? { enrollToken } : {}),
    });
    stops.push(async () => connection.close());
    const id = connection.welcome.machineId;
    connection.send({
      t: 'checkin',
      loggedOnUser: null,
      userIdleSeconds: 0,
      localAddresses: reported,
      agentVersion: marker,
    });
    await waitFor(`check-in ${marker} recorded`, async () => {
      const m = (await server.machine(id)) as { agentVersion?: string | null } | null;
      return m?.agentVersion === marker;
    });
    return { connection, id };
  }

  it('never warns for an agent on the server host connecting over loopback', async () => {
    const { server, port } = await serverWith('s0', []);
    const token = await server.installToken({ group: 'local.acme' });
    agent('local1', port, token);
    const id = await waitFor('enrolled', () => agentState(join(dir.path, 'local1')).machineId);
    // Its check-in (with this machine's LAN addresses) has been through the detector once the
    // addresses are recorded.
    await waitFor('addresses recorded', async () => {
      const m = (await server.machine(id)) as { localAddresses?: string[] } | null;
      return (m?.localAddresses?.length ?? 0) > 0;
    });
    assert.equal((await server.machine(id))?.connectedFrom, '127.0.0.1');
    assert.deepEqual(await server.notifications('lan-via-gateway'), []);
  });

  it('warns when an agent on the server LAN connects through another address, once across reconnects, and can be switched off', async () => {
    const from = lanAddress();
    assert.ok(from, 'this test needs a non-loopback IPv4 interface on the machine');
    const { server, port } = await serverWith('s1', ['--lan-subnet', '192.0.2.0/24']);
    const token = await server.installToken({ group: 'lan.acme', maxUses: 5 });
    const key = generateAgentKey();
    const first = await checkInFrom(server, from, port, key, ['192.0.2.50'], 'v1', token);
    const warnings = await waitFor('warning', async () =>
      (await server.notifications('lan-via-gateway')).filter((n) => n.machineId === first.id),
    );
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]?.message ?? '', /internal address/);
    assert.ok(warnings[0]?.message.includes('192.0.2.50'), 'names the LAN address');
    assert.ok(warnings[0]?.message.includes(from), 'names the address it came through');

    // A real reconnect (a new session checks the addresses afresh) does not repeat it.
    first.connection.close();
    await server.waitForStatus(first.id, 'offline');
    const again = await checkInFrom(server, from, port, key, ['192.0.2.50'], 'v2');
    assert.equal(again.id, first.id, 'the same machine reconnected');
    assert.equal((await server.notifications('lan-via-gateway')).length, 1);

    // Switched off, a second such agent raises nothing; the duplicate check box stays on.
    const off = await server.api.put('/notification-settings', { 'lan-via-gateway': false });
    assert.deepEqual(off.body, {
      'duplicate-account': true,
      'lan-via-gateway': false,
      'local-server-inactive': true,
      'offsite-corruption': true,
    });
    const second = await checkInFrom(server, from, port, generateAgentKey(), ['192.0.2.51'], 'v3', token);
    assert.notEqual(second.id, first.id);
    assert.equal(
      (await server.notifications('lan-via-gateway')).filter((n) => n.machineId === second.id).length,
      0,
    );

    const unknown = await server.api.put('/notification-settings', { 'no-such-warning': true });
    assert.equal(unknown.status, 400);
    assert.match((unknown.body as { error: { message: string } }).error.message, /unknown notification type/);
  });

  it('does not warn for an agent whose addresses are outside the server LAN', async () => {
    const from = lanAddress();
    assert.ok(from, 'this test needs a non-loopback IPv4 interface on the machine');
    const { server, port } = await serverWith('s2', [
      '--no-lan-subnets-from-interfaces',
      '--lan-subnet',
      '198.51.100.0/24',
    ]);
    const token = await server.installToken({ group: 'far.acme' });
    await checkInFrom(server, from, port, generateAgentKey(), ['192.0.2.50'], 'far', token);
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
