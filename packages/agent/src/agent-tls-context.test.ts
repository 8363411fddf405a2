import assert from 'node:assert/strict';
import { once } from 'node:events';
import { type AddressInfo, createServer as createTcpServer } from 'node:net';
import { after, describe, it } from 'node:test';
import tls from 'node:tls';
import { createReplicationIdentity } from '@muster/replication';
import { connectAgent } from './agent-connection';
import { generateAgentKey } from './agent-key';
import { agentTlsContext } from './agent-tls-context';

const attempt = (port: number) =>
  connectAgent({
    address: { host: '127.0.0.1', port },
    key: generateAgentKey(),
    pinnedServerId: null,
    hostName: 'tls-test',
    hardwareId: 'hw-tls-test',
    agentVersion: 'tls-test',
    timeoutMs: 5_000,
  });

describe('the agent connections’ TLS context', () => {
  it('is one for every connection of the process, made once', async () => {
    // A port nobody listens on: each attempt still goes through tls.connect, which ws calls on
    // the module object, so the options it was given can be read here.
    const probe = createTcpServer();
    probe.listen(0, '127.0.0.1');
    await once(probe, 'listening');
    const port = (probe.address() as AddressInfo).port;
    probe.close();
    await once(probe, 'close');
    const contexts: unknown[] = [];
    const connect = tls.connect;
    tls.connect = ((...args: Parameters<typeof tls.connect>) => {
      contexts.push((args[0] as tls.ConnectionOptions).secureContext);
      return connect(...args);
    }) as typeof tls.connect;
    try {
      await assert.rejects(attempt(port));
      await assert.rejects(attempt(port));
    } finally {
      tls.connect = connect;
    }
    assert.equal(contexts.length, 2);
    assert.ok(contexts[0] !== undefined, 'a context is given, not made per connection');
    assert.equal(contexts[0], agentTlsContext());
    assert.equal(contexts[1], contexts[0]);
  });

  it('still speaks TLS 1.3 only: a server offering at most TLS 1.2 gets no session', async () => {
    const identity = await createReplicationIdentity();
    const server = tls.createServer({ key: identity.key, cert: identity.cert, maxVersion: 'TLSv1.2' });
    after(() => server.close());
    let sessions = 0;
    const refusals: Error[] = [];
    server.on('secureConnection', (socket) => {
      sessions += 1;
      socket.destroy();
    });
    server.on('tlsClientError', (error) => refusals.push(error));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    await assert.rejects(attempt((server.address() as AddressInfo).port));
    assert.equal(sessions, 0);
    // The server saw the agent's hello and could not agree on a version.
    assert.match(refusals[0]?.message ?? 'no TLS error at the server', /unsupported protocol/);
  });
});
