import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createTestPostgresDatabase } from '../packages/server/src/test-support/postgres';
import { agentState, freePort, type Proc, startAgent, TestServer, tempDir, waitFor } from './support/harness';

interface CommandJson {
  id: string;
  status: string;
  attempts: number;
  result: { exitCode: number | null; output: string | null; error: string | null } | null;
  transitions?: Array<{ status: string; detail: string | null }>;
}

/** Lines the commands under test appended: one per execution. */
function runs(ledger: string): number {
  return readFileSync(ledger, 'utf8').split('\n').filter(Boolean).length;
}

function journal(stateDir: string): string[] {
  return readdirSync(join(stateDir, 'journal'));
}

async function queueShell(
  server: TestServer,
  machine: string,
  script: string,
  options: { timeoutSeconds?: number; ttlSeconds?: number } = {},
): Promise<string> {
  const r = await server.api.post('/commands', {
    targets: { machines: [machine] },
    type: 'shell',
    params: { script, timeoutSeconds: options.timeoutSeconds ?? 20 },
    ...(options.ttlSeconds === undefined ? {} : { ttlSeconds: options.ttlSeconds }),
  });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return (r.body as { items: Array<{ id: string }> }).items[0]?.id as string;
}

async function commandOf(server: TestServer, id: string): Promise<CommandJson> {
  return (await server.api.get(`/commands/${id}`)).body as CommandJson;
}

async function settle(
  server: TestServer,
  id: string,
  status: string,
  timeoutMs = 60_000,
): Promise<CommandJson> {
  return waitFor(
    `command ${id} ${status}`,
    async () => {
      const c = await commandOf(server, id);
      return c.status === status ? c : null;
    },
    timeoutMs,
  );
}

// Real server and agent processes, stalled, killed and moved between nodes. Every command
// appends a line to a ledger file each time it runs, so a second execution is counted, not guessed.
describe('a command runs at most once', () => {
  const dir = tempDir('once');
  const ledger = join(dir.path, 'ledger');
  const state = join(dir.path, 'agent');
  let server: TestServer;
  let agent: Proc;
  let id: string;
  let token: string;

  before(async () => {
    writeFileSync(ledger, '');
    const port = await freePort();
    server = await TestServer.start({
      dataDir: join(dir.path, 'server'),
      agentPorts: [port],
      extraArgs: ['--command-lease-seconds', '5', '--queue-sweep-ms', '200'],
    });
    token = await server.installToken({ group: 'once.acme', maxUses: 5 });
    agent = startAgent('once', { stateDir: state, server: `127.0.0.1:${port}`, token });
    id = await waitFor('enrolled', () => agentState(state).machineId);
    await server.waitForStatus(id, 'online');
  });
  after(async () => {
    agent?.child.kill('SIGCONT');
    await agent?.stop();
    await server?.stop();
    dir.cleanup();
  });

  it('a result that comes after the lease ran out (agent stalled) is recorded, and the command is not run again', async () => {
    writeFileSync(ledger, '');
    // The script outlives the moment the agent freezes: its result can only be sent afterwards.
    const cid = await queueShell(server, id, `echo run >> ${ledger}; sleep 1; echo stalled-done`, {
      timeoutSeconds: 2,
    });
    await waitFor('the script ran', () => runs(ledger) === 1);
    agent.child.kill('SIGSTOP');
    try {
      assert.equal((await server.api.post(`/machines/${id}/suspend`)).status, 200);
      // A shell command's lease is its timeout plus 30 s: then it goes back to the queue.
      const back = await settle(server, cid, 'pending', 60_000);
      assert.equal(back.attempts, 1);
    } finally {
      agent.child.kill('SIGCONT');
    }
    // The agent's timeout clock ran on while it was frozen, so the result may say "timed out";
    // either way it is the result of the one run, and it is recorded.
    const done = await waitFor('the late result recorded', async () => {
      const c = await commandOf(server, cid);
      return c.status === 'complete' || c.status === 'failed' ? c : null;
    });
    assert.match(done.result?.output ?? '', /stalled-done/);
    assert.match(done.transitions?.at(-1)?.detail ?? '', /after the command had been returned to the queue/);
    assert.equal((await server.api.post(`/machines/${id}/resume`)).status, 200);
    // Something else runs after it, so a second delivery of the first would have happened by now.
    const next = await queueShell(server, id, 'echo next');
    await settle(server, next, 'complete');
    assert.equal(runs(ledger), 1, 'the stalled command ran once');
    const final = await commandOf(server, cid);
    assert.equal(final.status, done.status);
    assert.equal(final.attempts, 1);
    await waitFor('journal emptied once results are accepted', () => journal(state).length === 0);
  });

  it('a command whose time to live passes while the server is down, mid-run, ends with its result', async () => {
    writeFileSync(ledger, '');
    const cid = await queueShell(server, id, `echo run >> ${ledger}; sleep 3; echo ttl-finished`, {
      ttlSeconds: 2,
    });
    await waitFor('the script started', () => runs(ledger) === 1);
    await server.stop('SIGKILL');
    await new Promise((resolve) => setTimeout(resolve, 4000)); // the script ends, the TTL passes
    server = await server.restart();
    const done = await settle(server, cid, 'complete');
    assert.match(done.result?.output ?? '', /ttl-finished/);
    assert.ok(
      !done.transitions?.some((t) => t.status === 'expired'),
      `never shown as expired: ${JSON.stringify(done.transitions)}`,
    );
    assert.equal(runs(ledger), 1);
    await waitFor('journal emptied', () => journal(state).length === 0);
  });

  it('canceling a command whose agent was killed while running it ends unknown, then with what the agent reports', async () => {
    writeFileSync(ledger, '');
    const cid = await queueShell(server, id, `echo run >> ${ledger}; sleep 2`);
    await waitFor('the script started', () => runs(ledger) === 1);
    await agent.stop('SIGKILL');
    await settle(server, cid, 'pending', 20_000);
    const canceled = await server.api.post(`/commands/${cid}/cancel`);
    assert.equal(canceled.status, 200, JSON.stringify(canceled.body));
    assert.equal((canceled.body as CommandJson).status, 'unknown', 'it may have run: not "canceled"');
    agent = startAgent('once', { stateDir: state });
    const reported = await settle(server, cid, 'failed');
    assert.match(reported.result?.error ?? '', /agent stopped while this command was running/);
    assert.equal(runs(ledger), 1, 'not run again');
    await waitFor('journal emptied', () => journal(state).length === 0);
  });
});

// Two server nodes on one PostgreSQL. The agent's primary is frozen (SIGSTOP), the agent moves to
// its secondary, a command queued there runs, then the primary wakes and closes its stale session:
// that must not give the command back to the queue, or it would run a second time.
describe('a command runs at most once across a failover between nodes', () => {
  const dir = tempDir('once-ha');
  const ledger = join(dir.path, 'ledger');
  const state = join(dir.path, 'agent');
  let database: Awaited<ReturnType<typeof createTestPostgresDatabase>>;
  let primary: TestServer;
  let secondary: TestServer;
  let agent: Proc;
  let id: string;

  const connected = async (server: TestServer) =>
    ((await server.api.get('/server')).body as { connectedAgents: number }).connectedAgents;

  before(async () => {
    writeFileSync(ledger, '');
    database = await createTestPostgresDatabase();
    const [p1, p2] = [await freePort(), await freePort()];
    primary = await TestServer.start({
      dataDir: join(dir.path, 'p'),
      agentPorts: [p1],
      databaseUrl: database.url,
    });
    secondary = await TestServer.start({
      dataDir: join(dir.path, 's'),
      agentPorts: [p2],
      databaseUrl: database.url,
      tokenDir: join(dir.path, 'p'),
    });
    const token = await primary.installToken({ group: 'onceha.acme' });
    agent = startAgent('onceha', {
      stateDir: state,
      server: `127.0.0.1:${p1}`,
      secondary: `127.0.0.1:${p2}`,
      token,
    });
    id = await waitFor('enrolled', () => agentState(state).machineId);
    await primary.waitForStatus(id, 'online');
    // A short period: the agent notices a silent server within a few seconds.
    const r = await primary.api.put('/checkin-control', { machines: [id], settings: { periodSeconds: 2 } });
    assert.equal(r.status, 200);
    await waitFor('period applied', () => agentState(state).checkinControl?.periodSeconds === 2);
  });
  after(async () => {
    primary?.proc.child.kill('SIGCONT');
    await agent?.stop();
    await primary?.stop();
    await secondary?.stop();
    await database?.drop();
    dir.cleanup();
  });

  it('the stale session of the frozen primary does not give back what the secondary delivered', async () => {
    primary.proc.child.kill('SIGSTOP');
    try {
      // The agent notices at its next keepalive (2 s, then 5 s without a pong) and fails over.
      await waitFor('agent on the secondary', async () => (await connected(secondary)) === 1, 30_000);
      const cid = await queueShell(secondary, id, `echo run >> ${ledger}; sleep 4; echo ha-done`);
      await waitFor('the script started', () => runs(ledger) === 1);
      primary.proc.child.kill('SIGCONT'); // wakes while the script runs on the secondary's session
      const done = await settle(secondary, cid, 'complete');
      assert.match(done.result?.output ?? '', /ha-done/);
      // The agent returns to its primary; anything handed back would be delivered there.
      await waitFor('agent back on the primary', async () => (await connected(primary)) === 1, 40_000);
      const next = await queueShell(primary, id, 'echo next');
      await settle(primary, next, 'complete');
      assert.equal(runs(ledger), 1, 'ran once');
      const final = await commandOf(primary, cid);
      assert.equal(final.status, 'complete');
      // When the agent's probe wins its way back to the primary mid-run, the new session there
      // takes the command over (a second delivery, answered from the agent's journal): delivered
      // twice is allowed, run twice is not.
      assert.ok(final.attempts <= 2, `deliveries: ${JSON.stringify(final.transitions)}`);
    } finally {
      primary.proc.child.kill('SIGCONT');
    }
  });
});
