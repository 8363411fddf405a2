import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadServerConfig, startServer } from '@muster/server';
import { FuzzConnection, runPool } from './support/fuzz-client';

const dataDir = mkdtempSync(join(tmpdir(), 'fz-'));
const t0 = performance.now();
const server = await startServer(
  loadServerConfig(
    {
      dataDir,
      httpPort: 0,
      agentPorts: [0],
      agentHost: '127.0.0.1',
      logLevel: 'silent',
      authFailureDelayMs: 200,
    },
    {},
  ),
);
console.log('start', performance.now() - t0, server.agentPorts);
const url = `wss://127.0.0.1:${server.agentPorts[0]}/agent`;
for (const conc of [8, 32]) {
  const t1 = performance.now();
  const codes = new Map<number, number>();
  await runPool(
    Array.from({ length: 500 }, () => async () => {
      const c = await FuzzConnection.open(url);
      c.send('{"t":"checkin"}');
      const o = await c.outcome(5000);
      codes.set(o.code, (codes.get(o.code) ?? 0) + 1);
    }),
    conc,
  );
  console.log(conc, 'conns/s', 500 / ((performance.now() - t1) / 1000), codes);
}
await server.close();
rmSync(dataDir, { recursive: true, force: true });
