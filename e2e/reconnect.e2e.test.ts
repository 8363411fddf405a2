import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  agentState,
  freePort,
  type Proc,
  startAgent,
  TestServer,
  tempDir,
  waitEnrolled,
  waitFor,
} from './support/harness';

// Reconnection after the server dies, and a primary whose name does not resolve.
describe('reconnection', () => {
  const dir = tempDir('reconnect');
  let server: TestServer;
  let port: number;
  const agents: Proc[] = [];

  before(async () => {
    port = await freePort();
    server = await TestServer.start({ dataDir: join(dir.path, 'server'), agentPorts: [port] });
  });
  after(async () => {
    await Promise.all(agents.map((a) => a.stop()));
    await server.stop();
    dir.cleanup();
  });

  it('an unresolvable primary is an error for that slot; the secondary carries the agent', async () => {
    const token = await server.installToken({ group: 'dns.acme' });
    const state = join(dir.path, 'dns');
    const agent = startAgent('dns', {
      stateDir: state,
      server: `no-such-host.muster.invalid:${port}`,
      secondary: `127.0.0.1:${port}`,
      token,
    });
    agents.push(agent);
    const id = await waitFor('enrolled through the secondary', () => agentState(state).machineId);
    await server.waitForStatus(id, 'online');
    const errors = agent.logs('does not resolve');
    assert.ok(errors.length > 0, 'the resolution failure is logged');
    assert.equal(errors[0]?.slot, 'primary');
    assert.equal(errors[0]?.level, 50, 'logged as an error, not a silent fallback');
    // waitFor returns only a non-empty list, so the check below never passes over nothing.
    const checkins = await waitFor('a check-in logged', () => agent.logs('checked in'));
    assert.ok(checkins.every((l) => l.slot === 'secondary'));
  });

  it('reconnects within the check-in period after the server is killed and restarted', async () => {
    const token = await server.installToken({ group: 'drop.acme', maxUses: 3 });
    const ids: string[] = [];
    for (const name of ['d1', 'd2', 'd3']) {
      const state = join(dir.path, name);
      const agent = startAgent(name, { stateDir: state, server: `127.0.0.1:${port}`, token });
      agents.push(agent);
      ids.push(await waitEnrolled(agent, state));
    }
    const period = 4;
    await server.api.put('/checkin-control', { filter: '*.drop.acme', settings: { periodSeconds: period } });
    for (const id of ids)
      await waitFor(`${id} applied`, async () => (await server.machine(id))?.settingsApplied);
    await server.stop('SIGKILL');
    await new Promise((r) => setTimeout(r, 1000));
    server = await server.restart();
    const ready = Date.now();
    await waitFor(
      'every agent back',
      async () =>
        (await Promise.all(ids.map((id) => server.machine(id)))).every((m) => m?.status === 'online'),
      30_000,
      100,
    );
    const took = (Date.now() - ready) / 1000;
    // Within the period, plus the one-second write coalescing and polling slack.
    assert.ok(took <= period + 2, `all back in ${took}s, period ${period}s`);
  });
});
