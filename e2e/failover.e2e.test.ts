import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createTestPostgresDatabase } from '../packages/server/src/test-support/postgres';
import { startAgentCrowd } from './support/crowd';
import { agentState, freePort, type Proc, startAgent, TestServer, tempDir, waitFor } from './support/harness';

/** Agents per second the first node asks back after a mass close: low, so its window is seconds long. */
const RECONNECT_RATE = 4;

interface CommandJson {
  id: string;
  status: string;
  attempts: number;
  result: { output: string | null } | null;
}

async function connectedAgents(server: TestServer): Promise<number> {
  const r = await server.api.get('/server');
  return (r.body as { connectedAgents: number }).connectedAgents;
}

async function queueShell(server: TestServer, machine: string, script: string): Promise<string> {
  const r = await server.api.post('/commands', {
    targets: { machines: [machine] },
    type: 'shell',
    params: { script, timeoutSeconds: 20 },
  });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return (r.body as { items: Array<{ id: string }> }).items[0]?.id as string;
}

async function commandOf(server: TestServer, id: string): Promise<CommandJson> {
  return (await server.api.get(`/commands/${id}`)).body as CommandJson;
}

/** Each agent of a crowd's first check-in at or after a moment: when, and on which slot. */
function checkinsAfter(crowd: Proc, since: number): Map<string, { time: number; slot: string }> {
  const back = new Map<string, { time: number; slot: string }>();
  for (const line of crowd.logs('checked in')) {
    const agent = line.agent as string;
    const time = line.time as number;
    if (time >= since && !back.has(agent)) back.set(agent, { time, slot: line.slot as string });
  }
  return back;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// Two server nodes on one PostgreSQL, an agent whose primary is each of them. A change or a
// command made on one node reaches an agent held by the other through LISTEN/NOTIFY; when a node
// is killed its agents move to their secondary and back, and no command is lost or run twice.
describe('primary and secondary server', () => {
  const dir = tempDir('failover');
  /** The commands under test append their tag here each time they run. */
  const ledger = join(dir.path, 'ledger');
  let database: Awaited<ReturnType<typeof createTestPostgresDatabase>>;
  let primary: TestServer;
  let secondary: TestServer;
  let p1: number;
  let p2: number;
  /** Agent A: primary is the first node; agent B: primary is the second. */
  let agentA: Proc;
  let agentB: Proc;
  let idA: string;
  let idB: string;
  const crowds: Proc[] = [];

  before(async () => {
    writeFileSync(ledger, '');
    database = await createTestPostgresDatabase();
    [p1, p2] = [await freePort(), await freePort()];
    primary = await TestServer.start({
      dataDir: join(dir.path, 'p'),
      agentPorts: [p1],
      databaseUrl: database.url,
      extraArgs: ['--agent-reconnect-rate', String(RECONNECT_RATE)],
    });
    secondary = await TestServer.start({
      dataDir: join(dir.path, 's'),
      agentPorts: [p2],
      databaseUrl: database.url,
      tokenDir: join(dir.path, 'p'),
    });
    const token = await primary.installToken({ group: 'ha.acme', maxUses: 2 });
    const [stateA, stateB] = [join(dir.path, 'agent-a'), join(dir.path, 'agent-b')];
    agentA = startAgent('ha', {
      stateDir: stateA,
      server: `127.0.0.1:${p1}`,
      secondary: `127.0.0.1:${p2}`,
      token,
    });
    agentB = startAgent('hb', {
      stateDir: stateB,
      server: `127.0.0.1:${p2}`,
      secondary: `127.0.0.1:${p1}`,
      token,
    });
    idA = await waitFor('A enrolled', () => agentState(stateA).machineId);
    idB = await waitFor('B enrolled', () => agentState(stateB).machineId);
    await primary.waitForStatus(idA, 'online');
    await primary.waitForStatus(idB, 'online');
  });
  after(async () => {
    await Promise.all([agentA?.stop(), agentB?.stop(), ...crowds.map((c) => c.stop())]);
    await primary?.stop();
    await secondary?.stop();
    await database?.drop();
    dir.cleanup();
  });

  it('both nodes present the same Server ID (the identity lives in the shared store)', async () => {
    const a = (await primary.api.get('/server')).body as { serverId: string };
    const b = (await secondary.api.get('/server')).body as { serverId: string };
    assert.equal(a.serverId, b.serverId);
  });

  it('each agent uses its own primary, not its secondary, while that is up', async () => {
    await waitFor(
      'each held by its primary',
      async () => (await connectedAgents(primary)) === 1 && (await connectedAgents(secondary)) === 1,
    );
    assert.deepEqual(new Set(agentA.logs('checked in').map((l) => l.slot)), new Set(['primary']));
    assert.deepEqual(new Set(agentB.logs('checked in').map((l) => l.slot)), new Set(['primary']));
  });

  it('a change made through one node reaches the agent held by the other at once', async () => {
    const r = await secondary.api.put('/checkin-control', {
      machines: [idA, idB],
      settings: { periodSeconds: 2 },
    });
    assert.equal(r.status, 200);
    await waitFor('applied', async () => (await secondary.machine(idA))?.settingsApplied);
    await waitFor('applied', async () => (await primary.machine(idB))?.settingsApplied);
    assert.equal(agentState(join(dir.path, 'agent-a')).checkinControl?.periodSeconds, 2);
  });

  it('a command queued through one node for an agent held by the other arrives', async () => {
    const toA = await queueShell(secondary, idA, 'echo cross-to-a');
    const toB = await queueShell(primary, idB, 'echo cross-to-b');
    const a = await waitFor('A ran it', async () => {
      const c = await commandOf(primary, toA);
      return c.status === 'complete' ? c : null;
    });
    const b = await waitFor('B ran it', async () => {
      const c = await commandOf(secondary, toB);
      return c.status === 'complete' ? c : null;
    });
    assert.match(a.result?.output ?? '', /cross-to-a/);
    assert.match(b.result?.output ?? '', /cross-to-b/);
  });

  it('one node killed while commands flow: its agents move to their secondary and back; no command lost or run twice', async (t) => {
    const queued: Array<{ tag: string; id: string }> = [];
    let next = 0;
    /** Queues a command for each agent, through the given nodes in turn, rounds times. */
    const flow = async (via: TestServer[], rounds: number) => {
      for (let round = 0; round < rounds; round++) {
        for (const machine of [idA, idB]) {
          const node = via[next % via.length] as TestServer;
          const tag = `c${next++}`;
          // Running a while, so the kill may find one mid-run.
          queued.push({ tag, id: await queueShell(node, machine, `echo ${tag} >> ${ledger}; sleep 0.2`) });
        }
        await sleep(150);
      }
    };
    await flow([primary, secondary], 4);
    // Commands keep coming (through the node that stays) while the first node dies, and the one
    // running on A when it dies was delivered by it: its result can only reach the other node.
    const during = flow([secondary], 8);
    const midRun = `c${next++}`;
    queued.push({ tag: midRun, id: await queueShell(primary, idA, `echo ${midRun} >> ${ledger}; sleep 1`) });
    await waitFor('it runs', () => readFileSync(ledger, 'utf8').split('\n').includes(midRun));
    await primary.stop('SIGKILL');
    await during;
    await waitFor('A on its secondary', async () => (await connectedAgents(secondary)) === 2, 20_000);
    await flow([secondary], 3);
    primary = await primary.restart();
    await waitFor(
      'A back on its primary',
      async () => (await connectedAgents(primary)) === 1 && (await connectedAgents(secondary)) === 1,
      20_000,
    );
    await flow([primary, secondary], 3);

    const settled = await waitFor(
      'every command settled',
      async () => {
        const all = await Promise.all(queued.map((q) => commandOf(secondary, q.id)));
        return all.every((c) => c.status !== 'pending' && c.status !== 'processing') ? all : null;
      },
      60_000,
      250,
    );
    const redelivered = settled.filter((c) => c.attempts > 1).length;
    t.diagnostic(`${queued.length} commands, ${redelivered} delivered more than once`);
    assert.equal(queued.length, 37);
    assert.deepEqual(
      settled.filter((c) => c.status !== 'complete').map((c) => `${c.id}: ${c.status}`),
      [],
      'every queued command completed',
    );
    const ran = readFileSync(ledger, 'utf8').split('\n').filter(Boolean);
    const times = new Map<string, number>();
    for (const tag of ran) times.set(tag, (times.get(tag) ?? 0) + 1);
    assert.deepEqual(
      queued.filter((q) => times.get(q.tag) !== 1).map((q) => `${q.tag} ran ${times.get(q.tag) ?? 0} times`),
      [],
      'each command ran exactly once',
    );
    assert.equal(ran.length, queued.length, 'nothing ran that was not queued');
    assert.ok(
      agentA.logs('checked in').some((l) => l.slot === 'secondary'),
      'A logged its stay on its secondary',
    );
  });

  it('after a SIGTERM a node’s agents spread their return over the window it told, and come back after its restart', async (t) => {
    const count = 20;
    const token = await primary.installToken({ group: 'crowd.acme', maxUses: count });
    const crowd = startAgentCrowd({
      server: `127.0.0.1:${p1}`,
      secondary: `127.0.0.1:${p2}`,
      token,
      dir: join(dir.path, 'crowd'),
      count,
    });
    crowds.push(crowd);
    await waitFor('the crowd checked in', () => checkinsAfter(crowd, 0).size === count, 60_000);
    // A short period: back on the primary within seconds of its restart.
    const r = await primary.api.put('/checkin-control', {
      filter: '*.crowd.acme',
      settings: { periodSeconds: 2 },
    });
    assert.equal(r.status, 200);
    await waitFor('period applied', async () => {
      const machines = await primary.machines('*.crowd.acme');
      return machines.length === count && machines.every((m) => m.settingsApplied);
    });
    const held = await connectedAgents(primary);
    const windowMs = Math.ceil(held / RECONNECT_RATE) * 1000;

    const sigterm = Date.now();
    await primary.stop('SIGTERM');
    // Its log says how long each step of the shutdown took, and how many sessions it closed.
    const stopped = primary.proc.logs('server stopped').at(-1);
    assert.equal(stopped?.sessions, held);
    assert.deepEqual(Object.keys((stopped?.seconds as object) ?? {}), [
      'api',
      'gateway',
      'checkins',
      'events',
      'bus',
      'store',
    ]);
    // The node stays down for the whole window: each agent lands on its secondary at its moment.
    const back = await waitFor(
      'the crowd on the secondary',
      () => {
        const b = checkinsAfter(crowd, sigterm);
        return b.size === count ? b : null;
      },
      windowMs + 20_000,
      100,
    );
    const told = new Map(
      crowd
        .logs('window it told')
        .filter((l) => (l.time as number) >= sigterm)
        .map((l) => [
          l.agent as string,
          { windowMs: (l.windowSeconds as number) * 1000, delayMs: l.delayMs as number },
        ]),
    );
    const returns = [...back].map(([agent, b]) => ({ agent, slot: b.slot, backMs: b.time - sigterm }));
    returns.sort((x, y) => x.backMs - y.backMs);
    t.diagnostic(
      `held ${held}, window ${windowMs} ms; back after (ms): ${returns.map((x) => x.backMs).join(' ')}`,
    );

    // The close frame carried the window, sized to the agents the node held.
    assert.equal(told.size, count, 'every agent was told a window');
    for (const [agent, w] of told) assert.equal(w.windowMs, windowMs, agent);
    for (const x of returns) {
      assert.equal(x.slot, 'secondary', x.agent);
      const delayMs = told.get(x.agent)?.delayMs as number;
      // Not before its moment, and at it (a refused primary and a handshake later).
      assert.ok(
        x.backMs >= delayMs && x.backMs - delayMs < 3000,
        `${x.agent}: moment ${delayMs}, back ${x.backMs}`,
      );
    }
    // Spread over the window, not all in its first second.
    const first = returns[0]?.backMs as number;
    const last = returns.at(-1)?.backMs as number;
    assert.ok(last - first >= windowMs / 2, `returns span ${last - first} ms of a ${windowMs} ms window`);
    const inFirstSecond = returns.filter((x) => x.backMs < first + 1000).length;
    assert.ok(inFirstSecond <= count / 2, `${inFirstSecond} of ${count} back within a second of the first`);

    primary = await primary.restart();
    await waitFor('all back on their primary', async () => (await connectedAgents(primary)) === held, 30_000);
  });
});
