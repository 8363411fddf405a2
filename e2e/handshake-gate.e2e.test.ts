import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { connectAgent, generateAgentKey } from '@muster/agent';
import { loadServerConfig, type RunningServer, startServer } from '@muster/server';

const opened = (port: number) =>
  new Promise<Socket>((resolve, reject) => {
    const s = connect(port, '127.0.0.1', () => resolve(s));
    s.on('error', reject);
  });
const closedWithin = (socket: Socket, ms: number) =>
  new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });

// After a restart every agent returns at once: connections beyond the handshake limit are
// dropped before TLS starts, and served once the earlier ones are through.
describe('handshake gate on a live gateway', () => {
  const dir = mkdtempSync(join(tmpdir(), 'muster-gate-'));
  let server: RunningServer;
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
          maxPendingHandshakes: 2,
        },
        {},
      ),
    );
  });
  after(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('drops the third of three silent connections at once, then admits an agent when slots free', async () => {
    const port = server.agentPorts[0] as number;
    const [a, b] = [await opened(port), await opened(port)];
    const c = await opened(port);
    assert.equal(await closedWithin(c, 1000), true, 'beyond the limit: dropped at once');
    assert.equal(await closedWithin(a, 300), false, 'within the limit: kept');
    a.destroy();
    b.destroy();
    await new Promise((r) => setTimeout(r, 100));
    // An unenrolled key is refused after the handshake, which shows the TLS and proof steps ran.
    await assert.rejects(
      connectAgent({
        address: { host: '127.0.0.1', port },
        key: generateAgentKey(),
        pinnedServerId: null,
        hostName: 'late',
        hardwareId: 'hw-late',
        agentVersion: 'test',
        timeoutMs: 5000,
      }),
      /code 4012/,
    );
  });
});
