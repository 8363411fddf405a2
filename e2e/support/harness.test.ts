import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { freePort, TestServer, tempDir, testPortRange } from './harness';

describe('e2e harness: free ports', () => {
  it('picks ports below the kernel’s ephemeral range, which outgoing connections never take', async () => {
    const [ephemeralLow] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/);
    const { low, high } = testPortRange();
    assert.equal(high, Number(ephemeralLow) - 1);
    const ports = await Promise.all(Array.from({ length: 20 }, () => freePort()));
    for (const port of ports) assert.ok(port >= low && port <= high, `${port} in ${low}-${high}`);
    assert.ok(new Set(ports).size > 1, 'chosen at random, not one port every time');
  });

  it('passes over a port that is taken', async () => {
    const { low, high } = testPortRange();
    const held = createServer();
    const taken = await freePort();
    await new Promise<void>((resolve) => held.listen(taken, '127.0.0.1', () => resolve()));
    try {
      // The first pick lands on the held port, the second on the next one.
      const next = taken === high ? low : taken + 1;
      const picks = [taken, next].map((p) => (p - low) / (high - low + 1) + 1e-9);
      const port = await freePort(() => picks.shift() ?? Math.random());
      assert.equal(port, next, 'the held port was passed over');
    } finally {
      held.close();
    }
  });

  it('starts a server on another port when the one it picked is taken before the server binds it', {
    timeout: 60_000,
  }, async () => {
    // Another test file that picked the same port and bound it first.
    const held = createServer();
    const taken = await freePort();
    await new Promise<void>((resolve) => held.listen(taken, '127.0.0.1', () => resolve()));
    const dir = tempDir('port-retry');
    const picks: number[] = [];
    let server: TestServer | undefined;
    try {
      server = await TestServer.start({
        dataDir: join(dir.path, 'data'),
        agentPorts: [await freePort()],
        pickHttpPort: async () => {
          const port = picks.length === 0 ? taken : await freePort();
          picks.push(port);
          return port;
        },
      });
      assert.equal(picks.length, 2, 'a second port was picked after the first was refused');
      assert.equal(picks[0], taken);
      assert.equal(server.options.httpPort, picks[1]);
      assert.equal((await server.api.get('/server')).status, 200);
    } finally {
      await server?.stop();
      held.close();
      dir.cleanup();
    }
  });
});
