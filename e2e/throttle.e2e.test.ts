import assert from 'node:assert/strict';
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

// The bandwidth throttle measured on a real transfer: a command result of 32 KiB sent by a
// real agent process, once limited to 4 KB/s and once unlimited.
describe('bandwidth throttle', () => {
  const dir = tempDir('throttle');
  let server: TestServer;
  const agents: Proc[] = [];
  const ids: string[] = [];

  before(async () => {
    const port = await freePort();
    server = await TestServer.start({ dataDir: join(dir.path, 'server'), agentPorts: [port] });
    const token = await server.installToken({ group: 'bw.acme', maxUses: 2 });
    for (const name of ['slow', 'fast']) {
      const state = join(dir.path, name);
      const agent = startAgent(name, { stateDir: state, server: `127.0.0.1:${port}`, token });
      agents.push(agent);
      ids.push(await waitEnrolled(agent, state));
    }
    for (const id of ids) await server.waitForStatus(id, 'online');
  });
  after(async () => {
    await Promise.all(agents.map((a) => a.stop()));
    await server.stop();
    dir.cleanup();
  });

  async function timedTransfer(machineId: string): Promise<number> {
    const started = Date.now();
    const r = await server.api.post('/commands', {
      targets: { machines: [machineId] },
      type: 'shell',
      params: { script: "head -c 32768 /dev/zero | tr '\\0' 'a'" },
    });
    const id = (r.body as { items: Array<{ id: string }> }).items[0]?.id;
    const done = await waitFor(
      'transfer complete',
      async () => {
        const c = (await server.api.get(`/commands/${id}`)).body as {
          status: string;
          result: { output: string } | null;
        };
        return c.status === 'complete' ? c : null;
      },
      40_000,
      50,
    );
    assert.equal(done.result?.output.length, 32768, 'every byte arrived');
    return (Date.now() - started) / 1000;
  }

  it('limits the agent to its bandwidthKBps', async () => {
    const [slow, fast] = ids as [string, string];
    await server.api.put('/checkin-control', { machines: [slow], settings: { bandwidthKBps: 4 } });
    await waitFor('throttle applied', async () => (await server.machine(slow))?.settingsApplied);
    const unlimited = await timedTransfer(fast);
    const limited = await timedTransfer(slow);
    // 32 KiB at 4 KB/s is 8 s, less the bucket's 1 KiB head start.
    assert.ok(limited >= 6.5, `limited transfer took ${limited}s`);
    assert.ok(limited <= 20, `limited transfer took ${limited}s`);
    assert.ok(unlimited < limited / 3, `unlimited ${unlimited}s vs limited ${limited}s`);
  });
});
