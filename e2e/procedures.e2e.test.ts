import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  freePort,
  type Proc,
  startAgent,
  TestServer,
  tempDir,
  waitEnrolled,
  waitFor,
} from './support/harness';

/** Collects server-sent events from GET /events. */
function followEvents(
  server: TestServer,
  token: string,
): { events: Array<Record<string, unknown>>; stop(): void } {
  const events: Array<Record<string, unknown>> = [];
  const req = request(
    `${server.api.baseUrl}/api/v1/events`,
    { headers: { authorization: `Bearer ${token}` } },
    (res) => {
      let buffer = '';
      res.on('data', (chunk: Buffer) => {
        buffer += chunk.toString();
        let end = buffer.indexOf('\n\n');
        while (end >= 0) {
          const data = buffer
            .slice(0, end)
            .split('\n')
            .find((l) => l.startsWith('data: '));
          if (data) events.push(JSON.parse(data.slice(6)));
          buffer = buffer.slice(end + 2);
          end = buffer.indexOf('\n\n');
        }
      });
    },
  );
  req.on('error', () => {});
  req.end();
  return { events, stop: () => req.destroy() };
}

// Agent procedures beyond shell: audit, restart-agent, uninstall; the event stream; retention.
describe('agent procedures and events', () => {
  const dir = tempDir('procedures');
  let server: TestServer;
  let port: number;
  const agents: Proc[] = [];

  before(async () => {
    port = await freePort();
    server = await TestServer.start({
      dataDir: join(dir.path, 'server'),
      agentPorts: [port],
      extraArgs: ['--command-retention-days', '0.00005', '--queue-sweep-ms', '200'],
    });
  });
  after(async () => {
    await Promise.all(agents.map((a) => a.stop()));
    // The agent restarted by restart-agent is a new process this test did not start.
    spawnSync('pkill', ['-f', dir.path]);
    await server.stop();
    dir.cleanup();
  });

  async function enrolled(name: string): Promise<{ id: string; proc: Proc; state: string }> {
    const token = await server.installToken({ group: 'proc.acme' });
    const state = join(dir.path, name);
    const proc = startAgent(name, { stateDir: state, server: `127.0.0.1:${port}`, token });
    agents.push(proc);
    const id = await waitEnrolled(proc, state);
    await server.waitForStatus(id, 'online');
    return { id, proc, state };
  }

  it('streams command status changes and check-ins as server-sent events', async () => {
    const token = server.api.token();
    const stream = followEvents(server, token);
    try {
      const { id } = await enrolled('ev');
      await server.api.put('/checkin-control', { machines: [id], settings: { periodSeconds: 1 } });
      const r = await server.api.post('/commands', {
        targets: { machines: [id] },
        type: 'audit',
        params: {},
      });
      const cid = (r.body as { items: Array<{ id: string }> }).items[0]?.id;
      await waitFor('complete event', () =>
        stream.events.some((e) => e.type === 'command' && e.id === cid && e.status === 'complete'),
      );
      const statuses = stream.events.filter((e) => e.id === cid).map((e) => e.status);
      assert.deepEqual(statuses, ['pending', 'processing', 'complete']);
      await waitFor('check-in event', () =>
        stream.events.some((e) => e.type === 'checkin' && e.machineId === id),
      );
    } finally {
      stream.stop();
    }
  });

  it('restart-agent: the agent reports, restarts itself and checks in again', async () => {
    const { id, proc } = await enrolled('rs');
    const r = await server.api.post('/commands', {
      targets: { machines: [id] },
      type: 'restart-agent',
      params: {},
    });
    const cid = (r.body as { items: Array<{ id: string }> }).items[0]?.id;
    await waitFor(
      'complete',
      async () =>
        ((await server.api.get(`/commands/${cid}`)).body as { status: string }).status === 'complete',
    );
    await waitFor('old process exited', () => proc.child.exitCode !== null);
    await waitFor('back online', async () => (await server.machine(id))?.online === true, 20_000);
  });

  it('uninstall: the agent removes its state and the machine account goes', async () => {
    const { id, proc, state } = await enrolled('un');
    const r = await server.api.post('/commands', {
      targets: { machines: [id] },
      type: 'uninstall',
      params: {},
    });
    const cid = (r.body as { items: Array<{ id: string }> }).items[0]?.id;
    // Read the result first: this suite's short retention deletes finished commands quickly.
    await waitFor(
      'complete',
      async () =>
        ((await server.api.get(`/commands/${cid}`)).body as { status?: string }).status === 'complete',
      20_000,
      100,
    );
    await waitFor('process exited', () => proc.child.exitCode !== null, 20_000);
    // The account it deleted is then refused at once (4016, 4012): an uninstall, not a refusal (3).
    assert.equal(proc.child.exitCode, 0, 'exit status of a completed uninstall');
    assert.equal(existsSync(state), false, 'state directory removed');
    await waitFor('account removed', async () => (await server.machine(id)) === null);
  });

  it('deletes finished commands past the retention age in the background', async () => {
    const { id } = await enrolled('ret');
    const r = await server.api.post('/commands', { targets: { machines: [id] }, type: 'audit', params: {} });
    const cid = (r.body as { items: Array<{ id: string }> }).items[0]?.id;
    // Retention is 0.00005 days (4.3 s): the finished command disappears on its own.
    await waitFor('deleted', async () => (await server.api.get(`/commands/${cid}`)).status === 404, 20_000);
  });
});
