import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadServerConfig, startServer } from '@muster/server';
import { Command } from 'commander';
import { ApiClient } from '../api-client';
import { printRows } from './api-command';

// The demo's agents run the same build as the demo: compiled (bin/muster.mjs) when this is dist/,
// the sources through tsx (bin/muster-dev.mjs) when this is the TypeScript file.
const MUSTER_BIN = fileURLToPath(
  new URL(
    import.meta.url.endsWith('.ts') ? '../../bin/muster-dev.mjs' : '../../bin/muster.mjs',
    import.meta.url,
  ),
);

/** `muster demo`: a server on a temporary store and a handful of real agent processes. */
export function demoCommand(): Command {
  return new Command('demo')
    .description('Start a server on a temporary store and a few real agent processes on loopback')
    .option('--agents <n>', 'number of agent processes', (v) => Number(v), 3)
    .option('--http-port <port>', 'API port (0 picks a free one)', (v) => Number(v), 0)
    .option('--once', 'print the machines once all agents are online, then stop everything and exit')
    .action(async (opts: { agents: number; httpPort: number; once?: boolean }) => {
      const dir = mkdtempSync(join(tmpdir(), 'muster-demo-'));
      const server = await startServer(
        loadServerConfig(
          {
            dataDir: join(dir, 'server'),
            httpPort: opts.httpPort,
            agentPorts: [0],
            agentHost: '127.0.0.1',
            devicePort: 0,
            deviceHost: '127.0.0.1',
            logLevel: 'warn',
          },
          {},
        ),
      );
      const api = new ApiClient({ api: server.httpUrl, tokenFile: server.adminTokenFile });
      const { token } = await api.request<{ token: string }>('POST', '/install-tokens', {
        group: 'demo.acme',
      });
      const agents: ChildProcess[] = [];
      for (let i = 1; i <= opts.agents; i++) {
        agents.push(
          spawn(
            process.execPath,
            [
              MUSTER_BIN,
              'agent',
              '--server',
              `127.0.0.1:${server.agentPorts[0]}`,
              '--token',
              token,
              '--state',
              join(dir, `agent${i}`),
              '--hardware-id',
              `demo-${i}`,
              '--log-level',
              'warn',
            ],
            { stdio: 'inherit' },
          ),
        );
      }
      const stop = async () => {
        for (const a of agents) a.kill('SIGTERM');
        await server.close();
        rmSync(dir, { recursive: true, force: true });
      };
      process.once('SIGINT', () => void stop().then(() => process.exit(0)));
      let items: Array<Record<string, unknown> & { status: string }> = [];
      for (let i = 0; i < 120; i++) {
        items = (
          await api.request<{ items: Array<Record<string, unknown> & { status: string }> }>(
            'GET',
            '/machines',
          )
        ).items;
        if (
          items.length === opts.agents &&
          items.every(
            (m) => m.status === 'online' || m.status === 'user-logged-on' || m.status === 'user-idle',
          )
        )
          break;
        await new Promise((r) => setTimeout(r, 500));
      }
      printRows(items, ['id', 'status', 'lastCheckinAt'], false, items);
      console.log(`\nAPI:   ${server.httpUrl}/api/v1`);
      console.log(`Token: ${(await import('node:fs')).readFileSync(server.adminTokenFile, 'utf8').trim()}`);
      console.log(`Try:   curl -H "Authorization: Bearer <token>" ${server.httpUrl}/api/v1/machines`);
      if (opts.once) {
        await stop();
        process.exit(items.length === opts.agents ? 0 : 1);
      }
      console.log('\nPress Ctrl-C to stop the demo.');
    });
}
