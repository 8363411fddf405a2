import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { agentState, freePort, type Proc, startAgent, TestServer, tempDir, waitFor } from './support/harness';

/** The exit status of an agent refused for good (AGENT_REFUSED_EXIT_STATUS of the CLI). */
const REFUSED = 3;

/** How a process ended; an agent that keeps retrying fails the wait instead of hanging the test. */
async function exitStatus(proc: Proc): Promise<number | null> {
  await waitFor(
    `${proc.name} to exit`,
    () => proc.child.exitCode !== null || proc.child.signalCode !== null,
    30_000,
  );
  return proc.child.exitCode;
}

// Real server and agent processes: an agent the server refuses for good ends with a clear
// message and a non-zero status (an install script can tell that enrollment failed), while a
// server that is only down is retried as long as it takes.
describe('an agent refused for good', () => {
  const dir = tempDir('refusal');
  let server: TestServer;
  let port: number;
  const agents: Proc[] = [];
  const agent = (name: string, options: { token?: string; server?: string } = {}) => {
    const proc = startAgent(name, {
      stateDir: join(dir.path, name),
      server: options.server ?? `127.0.0.1:${port}`,
      ...(options.token ? { token: options.token } : {}),
    });
    agents.push(proc);
    return proc;
  };

  before(async () => {
    port = await freePort();
    server = await TestServer.start({ dataDir: join(dir.path, 'server'), agentPorts: [port] });
  });
  after(async () => {
    await Promise.all(agents.map((a) => a.stop()));
    await server.stop();
    dir.cleanup();
  });

  it('exits with status 3 and says why for an unknown, an expired and a used-up install token', async () => {
    const unknown = agent('unknown-token', { token: 'mi_not-a-token-this-server-made' });
    assert.equal(await exitStatus(unknown), REFUSED);
    assert.match(
      unknown.output(),
      /muster agent: enrollment failed, not retrying: .*install token is not known/,
    );
    assert.match(unknown.output(), /Create a new install token/);

    const expired = await server.installToken({ group: 'expired.acme', expiresInSeconds: 1 });
    const once = await server.installToken({ group: 'once.acme', maxUses: 1 });
    const first = agent('once-1', { token: once });
    await waitFor('the first enrollment', () => agentState(join(dir.path, 'once-1')).machineId);
    const usedUp = agent('once-2', { token: once });
    assert.equal(await exitStatus(usedUp), REFUSED);
    assert.match(
      usedUp.output(),
      /muster agent: enrollment failed, not retrying: .*install token has no uses left/,
    );
    const tokens = (await server.api.get('/install-tokens')).body as {
      items: Array<{ group: string; expiresAt: string }>;
    };
    const expiresAt = Date.parse(tokens.items.find((t) => t.group === 'expired.acme')?.expiresAt ?? '');
    await waitFor('the token to expire', () => Date.now() > expiresAt + 100);
    const late = agent('expired', { token: expired });
    assert.equal(await exitStatus(late), REFUSED);
    assert.match(late.output(), /muster agent: enrollment failed, not retrying: .*install token has expired/);
    // The enrolled agent is untouched by the others' refusals.
    assert.equal(first.child.exitCode, null);
    await first.stop();
  });

  it('exits with status 3 when its machine account is deleted while it is connected', async () => {
    const token = await server.installToken({ group: 'gone.acme', maxUses: 5 });
    const proc = agent('deleted-online', { token });
    const id = await waitFor('enrollment', () => agentState(join(dir.path, 'deleted-online')).machineId);
    await server.waitForStatus(id, 'online');
    const removed = await server.api.request('DELETE', `/machines/${id}`);
    assert.equal(removed.status, 200, JSON.stringify(removed.body));
    // Started with its install token, it still must not enroll itself again behind the admin's back.
    assert.equal(await exitStatus(proc), REFUSED);
    assert.match(
      proc.output(),
      new RegExp(`muster agent: the server deleted this machine's account \\(${id}\\)`),
    );
    assert.match(proc.output(), /muster agent --token TOKEN --state/);
    assert.deepEqual(await server.machines('*.gone.acme'), [], 'no new account was made');
  });

  it('exits with status 3 when its machine account was deleted while it was offline', async () => {
    const token = await server.installToken({ group: 'away.acme', maxUses: 5 });
    let proc = agent('deleted-offline', { token });
    const id = await waitFor('enrollment', () => agentState(join(dir.path, 'deleted-offline')).machineId);
    await server.waitForStatus(id, 'online');
    await proc.stop();
    await server.waitForStatus(id, 'offline');
    assert.equal((await server.api.request('DELETE', `/machines/${id}`)).status, 200);
    proc = agent('deleted-offline'); // the state directory alone, as a service restarts it
    assert.equal(await exitStatus(proc), REFUSED);
    assert.match(proc.output(), /muster agent: not retrying: .* does not know this agent's key/);
  });

  it('keeps retrying a server that is down, and enrolls once it is back', async () => {
    const token = await server.installToken({ group: 'patient.acme', maxUses: 1 });
    await server.stop();
    try {
      const proc = agent('patient', { token });
      await waitFor('three failed attempts', () => proc.logs('ECONNREFUSED').length >= 3, 60_000);
      assert.equal(proc.child.exitCode, null, 'still running');
      for (const line of proc.logs('ECONNREFUSED'))
        assert.equal(line.level, 40, 'a passing failure: a warning');
      assert.equal(proc.logs('not retrying').length, 0);
    } finally {
      server = await server.restart();
    }
    const id = await waitFor('enrollment', () => agentState(join(dir.path, 'patient')).machineId, 60_000);
    await server.waitForStatus(id, 'online', 60_000);
  });
});
