import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import { connect as tlsConnect } from 'node:tls';
import { type ConnectOptions, connectAgent, generateAgentKey } from '@muster/agent';
import { loadServerConfig, type RunningServer, startServer } from '@muster/server';

const HANDSHAKE_TIMEOUT_MS = 3000;

/** A silent TCP connection from a given loopback source address. */
const opened = (port: number, localAddress: string) =>
  new Promise<Socket>((resolve, reject) => {
    const s = connect({ port, host: '127.0.0.1', localAddress }, () => resolve(s));
    s.on('error', reject);
  });
/**
 * A TLS connection that finishes its handshake and then says nothing. It is returned once the
 * server has sent a session ticket: TLS 1.3 servers send it after the client's Finished, so the
 * server's side of the handshake is done too.
 */
const secured = (port: number, localAddress: string) =>
  new Promise<Socket>((resolve, reject) => {
    const tcp = connect({ port, host: '127.0.0.1', localAddress });
    const s = tlsConnect({ socket: tcp, rejectUnauthorized: false });
    s.once('session', () => resolve(s));
    s.on('error', reject);
  });
const closedWithin = (socket: Socket, ms: number) =>
  new Promise<boolean>((resolve) => {
    if (socket.destroyed) return resolve(true);
    const timer = setTimeout(() => resolve(false), ms);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });

// The agent port under a flood of connections that never finish their handshake: a silent
// connection gives its slot back within the handshake timeout, one address cannot take every
// slot, and an agent whose address is known still gets in while strangers hold the rest.
describe('handshake gate on a live gateway', () => {
  const dir = mkdtempSync(join(tmpdir(), 'muster-gate-'));
  let server: RunningServer;
  let port: number;
  const flood: Socket[] = [];
  const agentOptions = (localAddress: string): ConnectOptions => ({
    address: { host: '127.0.0.1', port },
    key: generateAgentKey(),
    pinnedServerId: null,
    hostName: 'gate-test',
    hardwareId: `hw-${localAddress}`,
    agentVersion: 'test',
    localAddress,
    timeoutMs: 5000,
  });

  before(async () => {
    server = await startServer(
      loadServerConfig(
        {
          dataDir: dir,
          httpPort: 0,
          agentPorts: [0],
          agentHost: '127.0.0.1',
          devicePort: 0,
          deviceHost: '127.0.0.1',
          logLevel: 'silent',
          maxPendingHandshakes: 8,
          maxPendingHandshakesPerAddress: 2,
          handshakeTimeoutMs: HANDSHAKE_TIMEOUT_MS,
        },
        {},
      ),
    );
    port = server.agentPorts[0] as number;
  });
  afterEach(() => {
    for (const s of flood.splice(0)) s.destroy();
  });
  after(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('drops a connection that does not finish TLS, or the upgrade, within the handshake timeout', async () => {
    const silent = await opened(port, '127.0.0.2');
    const tlsOnly = await secured(port, '127.0.0.3');
    flood.push(silent, tlsOnly);
    // The issue asks for exactly this bound: Node's default held such a socket for 120 s.
    assert.equal(await closedWithin(silent, HANDSHAKE_TIMEOUT_MS + 3000), true, 'silent TCP dropped');
    assert.equal(await closedWithin(tlsOnly, 3000), true, 'TLS without an upgrade dropped');
  });

  it('lets one address hold only its share; an agent from elsewhere gets through meanwhile', async () => {
    for (let i = 0; i < 20; i++) flood.push(await opened(port, '127.0.0.4'));
    const closed = await Promise.all(flood.map((s) => closedWithin(s, 500)));
    assert.equal(closed.filter((c) => !c).length, 2, 'two connections of the address kept');
    assert.equal(closed.filter(Boolean).length, 18, 'the rest dropped at once');
    // An unenrolled key is refused after the handshake: that shows TLS and the proof ran.
    await assert.rejects(connectAgent(agentOptions('127.0.0.5')), /code 4012/);
  });

  it('keeps room for an agent whose address is known while strangers hold every other slot past TLS', async () => {
    const created = await fetch(`${server.httpUrl}/api/v1/install-tokens`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${readFileSync(server.adminTokenFile, 'utf8').trim()}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ group: 'gate.acme' }),
    });
    assert.equal(created.status, 201);
    const { token } = (await created.json()) as { token: string };
    const known = agentOptions('127.0.0.6');
    const first = await connectAgent({ ...known, enrollToken: token });
    first.close();

    // Six strangers' slots (eight less the two kept for known addresses), all past TLS.
    for (const source of ['127.0.0.7', '127.0.0.8', '127.0.0.9']) {
      flood.push(await secured(port, source), await secured(port, source));
    }
    await assert.rejects(
      connectAgent(agentOptions('127.0.0.10')),
      (error: Error) => !/code 4012/.test(error.message),
      'a stranger finds no slot',
    );
    const again = await connectAgent(known);
    assert.equal(again.welcome.machineId, first.welcome.machineId, 'the known agent is welcomed');
    again.close();
  });
});
