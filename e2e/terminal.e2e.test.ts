import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createTestPostgresDatabase } from '../packages/server/src/test-support/postgres';
import {
  freePort,
  type Proc,
  startAgent,
  TestServer,
  tempDir,
  waitEnrolled,
  waitFor,
} from './support/harness';
import { TerminalRefused, TerminalTestClient } from './support/terminal-client';

interface SessionJson {
  id: string;
  machineId: string;
  user: string;
  node: string;
  agentNode: string | null;
  live: boolean;
  endReason: string | null;
  endedBy: string | null;
  bytesIn: number;
  bytesOut: number;
}

/** The concatenated output events of an asciicast v2 recording. */
function recordedOutput(cast: string): string {
  const [header, ...events] = cast.trimEnd().split('\n');
  assert.equal(JSON.parse(header as string).version, 2);
  return events
    .map((line) => JSON.parse(line) as [number, string, string])
    .filter((e) => e[1] === 'o')
    .map((e) => e[2])
    .join('');
}

// A remote terminal with real processes: two server nodes on one PostgreSQL and a real agent
// whose primary is the first node and secondary the second. A shell through the node holding
// the agent and through the other one (relayed), recorded and replayed; every refusal; an
// administrator ending a session; bad input; and the agent on its secondary.
describe('remote terminal', () => {
  const dir = tempDir('terminal');
  let database: Awaited<ReturnType<typeof createTestPostgresDatabase>>;
  let a: TestServer;
  let b: TestServer;
  let agent: Proc;
  let machine: string;
  let nodeA: string;
  const open = (
    server: TestServer,
    size: { cols?: number; rows?: number } = {},
    token = server.api.token(),
  ) => TerminalTestClient.open(server.api.baseUrl, token, machine, size);
  const sessions = async (server: TestServer) =>
    ((await server.api.get(`/terminal-sessions?machineId=${machine}`)).body as { items: SessionJson[] })
      .items;
  /** A session once its end is stored (the node stores it right after the client saw the close). */
  const ended = (server: TestServer, id: string) =>
    waitFor(`session ${id} ended`, async () => (await sessions(server)).find((s) => s.id === id && !s.live));

  before(async () => {
    database = await createTestPostgresDatabase();
    const [pa, pb] = [await freePort(), await freePort()];
    a = await TestServer.start({ dataDir: join(dir.path, 'a'), agentPorts: [pa], databaseUrl: database.url });
    b = await TestServer.start({
      dataDir: join(dir.path, 'b'),
      agentPorts: [pb],
      databaseUrl: database.url,
      tokenDir: join(dir.path, 'a'),
    });
    const token = await a.installToken({ group: 'term.acme', maxUses: 1 });
    const state = join(dir.path, 'agent');
    // The shell starts in a home of its own: this machine's own ~/.bashrc may take a minute.
    const home = join(dir.path, 'home');
    mkdirSync(home);
    agent = startAgent('t1', {
      stateDir: state,
      server: `127.0.0.1:${pa}`,
      secondary: `127.0.0.1:${pb}`,
      token,
      env: { HOME: home },
    });
    machine = await waitEnrolled(agent, state);
    await a.waitForStatus(machine, 'online');
    await waitFor(
      'node a holds the agent',
      async () => ((await a.api.get('/server')).body as { connectedAgents: number }).connectedAgents === 1,
    );
  });
  after(async () => {
    await agent?.stop();
    await a?.stop();
    await b?.stop();
    await database?.drop();
    dir.cleanup();
  });

  it('lists both nodes in the node directory, each with the address the other relays to', async () => {
    const listed = (await b.api.get('/server/nodes')).body as {
      items: Array<{ id: string; address: string; thisNode: boolean }>;
    };
    assert.equal(listed.items.length, 2);
    assert.deepEqual(listed.items.map((n) => n.thisNode).sort(), [false, true]);
    const ports = [a, b].map((server) => String(server.options.agentPorts[0]));
    assert.deepEqual(listed.items.map((n) => n.address.split(':').pop()).sort(), ports.sort());
  });

  it('runs a shell through the node that holds the agent: a typed command, its output, resize, exit', async () => {
    const t = await open(a, { cols: 80, rows: 24 });
    const session = await t.waitForControl('session');
    assert.equal(session.recorded, true);
    await t.waitForControl('opened');
    t.type('echo hi-$((6*7))\r');
    await t.waitForOutput(/hi-42/);
    t.resize(100, 30);
    t.type('stty size\r');
    await t.waitForOutput(/30 100/);
    t.type('exit\r');
    assert.equal((await t.closed).code, 1000);
    assert.deepEqual(await t.waitForControl('exit'), { type: 'exit', exitCode: 0, signal: null });
    const stored = await ended(a, session.id as string);
    assert.equal(stored.endReason, 'exit');
    nodeA = stored.node;
    assert.equal(stored.agentNode, nodeA);
  });

  it('replays the recording byte for byte, also of output printed as fast as the shell can', async () => {
    const t = await open(a);
    const id = (await t.waitForControl('session')).id as string;
    t.type('printf "caf\\303\\251 \\342\\224\\200 %s\\n" done-$((2+3))\r');
    await t.waitForOutput(/café ─ done-5/);
    // About 6 MiB at once: more than the agent's credit window and the recorder's buffer together.
    t.type('seq 1 800000; echo seq-$((4*4))-done\r');
    await t.waitForOutput(/seq-16-done/, 60_000);
    t.type('exit\r');
    await t.closed;
    await waitFor(
      'the session ended in the store',
      async () => (await sessions(a)).find((s) => s.id === id)?.live === false,
    );
    const response = await fetch(`${a.api.baseUrl}/api/v1/terminal-sessions/${id}/recording`, {
      headers: { authorization: `Bearer ${a.api.token()}` },
    });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'application/x-asciicast');
    assert.equal(recordedOutput(await response.text()), Buffer.concat(t.bytes).toString('utf8'));
  });

  it('relays from a node that does not hold the agent', async () => {
    const t = await open(b);
    const id = (await t.waitForControl('session')).id as string;
    await t.waitForControl('opened');
    t.type('echo relayed-$((40+2))\r');
    await t.waitForOutput(/relayed-42/);
    t.type('exit\r');
    assert.equal((await t.closed).code, 1000);
    const stored = await ended(b, id);
    assert.notEqual(stored.node, nodeA, 'served by node b');
    assert.equal(stored.agentNode, nodeA, 'the agent was on node a');
  });

  it('is refused without the permission (403), out of scope (404), with remote control off or suspended (409)', async () => {
    await a.api.post('/roles', { name: 'looker', permissions: ['machines.view'] });
    await a.api.post('/roles', { name: 'terminal-user', permissions: ['machines.view', 'remote.terminal'] });
    await a.installToken({ group: 'web.globex' });
    const globexScope = await a.api.post('/scopes', {
      name: 'globex-only',
      entries: [{ kind: 'organization', id: 'globex', include: true }],
    });
    assert.equal(globexScope.status, 201, JSON.stringify(globexScope.body));
    for (const [name, role, scope] of [
      ['looker', 'looker', 'master'],
      ['outsider', 'terminal-user', (globexScope.body as { id: string }).id],
    ] as const) {
      const user = await a.api.post('/users', {
        name,
        password: 'a long enough password 1',
        grants: [{ role, scope }],
      });
      assert.equal(user.status, 201, JSON.stringify(user.body));
    }
    const tokenOf = async (user: string) =>
      ((await a.api.post('/tokens', { name: 'terminal', user })).body as { token: string }).token;
    const refusal = async (promise: Promise<unknown>) => {
      const error = await promise.then(
        () => assert.fail('opened'),
        (e: unknown) => e,
      );
      assert.ok(error instanceof TerminalRefused, String(error));
      return error;
    };
    const forbidden = await refusal(open(a, {}, await tokenOf('looker')));
    assert.equal(forbidden.status, 403);
    assert.match(forbidden.body, /remote\.terminal/);
    assert.equal((await refusal(open(b, {}, await tokenOf('outsider')))).status, 404);

    assert.equal((await a.api.put(`/machines/${machine}/remote-control`, { enabled: false })).status, 200);
    const disabled = await refusal(open(b));
    assert.equal(disabled.status, 409);
    assert.match(disabled.body, /remote control is disabled/);
    assert.equal((await a.api.put(`/machines/${machine}/remote-control`, { enabled: true })).status, 200);

    assert.equal((await a.api.post(`/machines/${machine}/suspend`)).status, 200);
    const suspended = await refusal(open(a));
    assert.equal(suspended.status, 409);
    assert.match(suspended.body, /suspended/);
    assert.equal((await a.api.post(`/machines/${machine}/resume`)).status, 200);
  });

  it('refuses a size of 0x0 or 100,000 columns; a bad resize is answered and the shell goes on', async () => {
    for (const size of [{ cols: 0, rows: 0 }, { cols: 100_000 }]) {
      const error = await open(a, size).then(
        () => assert.fail('opened'),
        (e: unknown) => e as TerminalRefused,
      );
      assert.equal(error.status, 400, JSON.stringify(size));
    }
    const t = await open(a);
    await t.waitForControl('opened');
    t.resize(0, 0);
    t.resize(100_000, 24);
    await waitFor('both answered', () => t.controls.filter((c) => c.type === 'error').length === 2);
    t.type('stty size; echo still-$((1+1))\r');
    await t.waitForOutput(/24 80\s+still-2/);
    t.type('exit\r');
    await t.closed;
  });

  it('takes a flood of input faster than the shell reads it, and stays responsive', async () => {
    const t = await open(b);
    await t.waitForControl('opened');
    // The shell reads the flood only after a second: it piles up in the agent, the pseudo-terminal
    // and the credit windows meanwhile; head then takes exactly what was sent. The flood starts
    // once stty has run: bytes that reach a terminal still in canonical mode are echoed, and
    // past its 4 KiB line buffer dropped, so head would wait for ever.
    t.type(
      'stty -echo -icanon; echo flood-$((0+1))-ready; sleep 1; head -c 2097152 > /dev/null; stty echo icanon; echo flood-$((1+1))-done\r',
    );
    await t.waitForOutput(/flood-1-ready/);
    const flood = Buffer.alloc(64 * 1024, 'x');
    for (let i = 0; i < 32; i++) t.ws.send(flood, { binary: true }); // 2 MiB while the shell sleeps
    const started = Date.now();
    const server = await b.api.get('/server');
    assert.equal(server.status, 200, 'the server answers during the flood');
    assert.ok(Date.now() - started < 2000);
    await t.waitForOutput(/flood-2-done/, 60_000);
    t.type('exit\r');
    await t.closed;
    await waitFor('counted', async () => ((await sessions(b))[0]?.bytesIn ?? 0) >= 2 * 1024 * 1024);
  });

  it('is ended by an administrator through the other node; input after the end changes nothing', async () => {
    const t = await open(a);
    const id = (await t.waitForControl('session')).id as string;
    await t.waitForControl('opened');
    const live = (await b.api.get(`/terminal-sessions?live=true&machineId=${machine}`)).body as {
      items: SessionJson[];
    };
    assert.ok(
      live.items.some((s) => s.id === id),
      'listed live',
    );
    assert.equal((await b.api.request('DELETE', `/terminal-sessions/${id}`)).status, 204);
    const closed = await t.closed;
    assert.equal(closed.code, 4004);
    assert.match(closed.reason, /administrator/);
    const ended = (await sessions(a)).find((s) => s.id === id);
    assert.equal(ended?.endReason, 'ended-by-admin');
    assert.equal(ended?.endedBy, 'admin');
    assert.equal((await a.api.request('DELETE', `/terminal-sessions/${id}`)).status, 409, 'already ended');
    const audit = (await a.api.get(`/audit?action=terminal.end&machine=${machine}`)).body as {
      items: Array<{ details: { sessionId?: string; reason?: string } }>;
    };
    assert.ok(audit.items.some((e) => e.details.sessionId === id && e.details.reason === 'ended-by-admin'));
    const started = (await a.api.get(`/audit?action=terminal.start&machine=${machine}`)).body as {
      items: Array<{ user: { name: string } | null; details: { sessionId?: string } }>;
    };
    assert.equal(started.items.find((e) => e.details.sessionId === id)?.user?.name, 'admin');
    // Typing into the ended session reaches nothing; the agent and both nodes serve the next one.
    t.type('echo too-late\r');
    const next = await open(b);
    await next.waitForControl('opened');
    next.type('echo next-$((5+5))\r');
    await next.waitForOutput(/next-10/);
    assert.doesNotMatch(next.output + t.output, /too-late/);
    next.type('exit\r');
    await next.closed;
  });

  it('works through the agent’s secondary node once its primary is gone', async () => {
    await a.stop('SIGKILL');
    await waitFor(
      'node b holds the agent',
      async () => ((await b.api.get('/server')).body as { connectedAgents: number }).connectedAgents === 1,
      45_000,
    );
    const t = await open(b);
    await t.waitForControl('opened');
    t.type('echo secondary-$((3*3))\r');
    await t.waitForOutput(/secondary-9/);
    t.type('exit\r');
    assert.equal((await t.closed).code, 1000);
  });
});
