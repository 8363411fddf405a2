import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
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

interface CommandJson {
  id: string;
  target: string;
  status: string;
  attempts: number;
  result: { exitCode: number | null; output: string | null; error: string | null } | null;
  transitions?: Array<{ status: string; at: string; detail: string | null }>;
}

// The command queue with real server and agent processes: every status, cancel, idempotent
// and bulk enqueue, TTL and lease expiry, and nothing lost or run twice across crashes.
describe('command queue with agents', () => {
  const dir = tempDir('commands');
  let server: TestServer;
  let port: number;
  const agents = new Map<string, Proc>();
  const ids = new Map<string, string>();

  const command = async (id: string) => (await server.api.get(`/commands/${id}`)).body as CommandJson;
  const waitStatus = (id: string, status: string, timeoutMs = 20_000) =>
    waitFor(
      `command ${id} ${status}`,
      async () => ((await command(id)).status === status ? command(id) : null),
      timeoutMs,
    );
  const enqueue = async (body: Record<string, unknown>) => {
    const r = await server.api.post('/commands', body);
    assert.ok(r.status === 201 || r.status === 200, JSON.stringify(r.body));
    return r.body as { created: boolean; items: Array<{ id: string; target: string; status: string }> };
  };

  before(async () => {
    port = await freePort();
    server = await TestServer.start({
      dataDir: join(dir.path, 'server'),
      agentPorts: [port],
      extraArgs: ['--command-lease-seconds', '5', '--command-max-attempts', '2', '--queue-sweep-ms', '200'],
    });
    const token = await server.installToken({ group: 'cmd.acme', maxUses: 10 });
    for (const name of ['q1', 'q2', 'q3']) {
      const state = join(dir.path, name);
      const agent = startAgent(name, { stateDir: state, server: `127.0.0.1:${port}`, token });
      agents.set(name, agent);
      ids.set(name, await waitEnrolled(agent, state));
    }
    for (const id of ids.values()) await server.waitForStatus(id, 'online');
  });
  after(async () => {
    await Promise.all([...agents.values()].map((a) => a.stop()));
    await server.stop();
    dir.cleanup();
  });

  it('runs a shell command: pending, processing, complete, with output, exit code and every transition', async () => {
    const q1 = ids.get('q1') as string;
    const { items } = await enqueue({
      targets: { machines: [q1] },
      type: 'shell',
      params: { script: 'echo out-$((6*7)); echo err >&2' },
    });
    // Its agent is connected to this server, idle, with nothing else waiting: the command is
    // stored delivered and sent at once, so the answer already says so.
    assert.equal(items[0]?.status, 'processing');
    const done = await waitStatus(items[0]?.id as string, 'complete');
    assert.equal(done.result?.exitCode, 0);
    assert.match(done.result?.output ?? '', /out-42/);
    assert.match(done.result?.output ?? '', /err/);
    assert.deepEqual(
      done.transitions?.map((t) => t.status),
      ['pending', 'processing', 'complete'],
    );
    const listed = (await server.api.get(`/machines/${q1}/commands`)).body as { items: CommandJson[] };
    assert.ok(
      listed.items.some((c) => c.id === done.id),
      'shown in the machine pending procedures',
    );
  });

  it('failed: a non-zero exit, and a timeout that kills the whole process tree', async () => {
    const q1 = ids.get('q1') as string;
    const marker = join(dir.path, 'grandchild-survived');
    const a = await enqueue({ targets: { machines: [q1] }, type: 'shell', params: { script: 'exit 7' } });
    const failed = await waitStatus(a.items[0]?.id as string, 'failed');
    assert.equal(failed.result?.exitCode, 7);
    const b = await enqueue({
      targets: { machines: [q1] },
      type: 'shell',
      params: { script: `(sleep 3; touch ${marker}) & sleep 30`, timeoutSeconds: 1 },
    });
    const timedOut = await waitStatus(b.items[0]?.id as string, 'failed');
    assert.match(timedOut.result?.error ?? '', /timed out after 1s/);
    await new Promise((r) => setTimeout(r, 3500));
    assert.throws(() => readFileSync(marker), 'the background grandchild was killed with the tree');
  });

  it('bulk enqueue by filter is one command per machine; an idempotency key never queues twice', async () => {
    const body = {
      targets: { filter: '*.cmd.acme' },
      type: 'shell',
      params: { script: 'hostname' },
      idempotencyKey: 'bulk-1',
    };
    const first = await enqueue(body);
    assert.equal(first.created, true);
    assert.equal(first.items.length, 3);
    const again = await enqueue(body);
    assert.equal(again.created, false);
    assert.deepEqual(again.items.map((i) => i.id).sort(), first.items.map((i) => i.id).sort());
    for (const item of first.items) await waitStatus(item.id, 'complete');
    const all = (await server.api.get('/commands?type=shell&limit=1000')).body as { items: CommandJson[] };
    assert.equal(
      all.items.filter((c) => first.items.some((i) => i.id === c.id)).length,
      3,
      'no extra commands',
    );
  });

  it('suspended machines get no work; TTL expires a waiting command; only pending commands cancel', async () => {
    const q2 = ids.get('q2') as string;
    await server.api.post(`/machines/${q2}/suspend`);
    const waiting = await enqueue({ targets: { machines: [q2] }, type: 'audit', params: {} });
    const shortLived = await enqueue({
      targets: { machines: [q2] },
      type: 'audit',
      params: {},
      ttlSeconds: 1,
    });
    const toCancel = await enqueue({ targets: { machines: [q2] }, type: 'audit', params: {} });
    await waitStatus(shortLived.items[0]?.id as string, 'expired');
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(
      (await command(waiting.items[0]?.id as string)).status,
      'pending',
      'a suspended agent is given no work',
    );
    const canceled = await server.api.post(`/commands/${toCancel.items[0]?.id}/cancel`);
    assert.equal(canceled.status, 200);
    assert.equal((canceled.body as CommandJson).status, 'canceled');
    const again = await server.api.post(`/commands/${toCancel.items[0]?.id}/cancel`);
    assert.equal(again.status, 409);
    assert.match(
      (again.body as { error: { message: string } }).error.message,
      /is canceled; only pending commands can be canceled/,
    );
    await server.api.post(`/machines/${q2}/resume`);
    await waitStatus(waiting.items[0]?.id as string, 'complete');
    const finishedCancel = await server.api.post(`/commands/${waiting.items[0]?.id}/cancel`);
    assert.equal(finishedCancel.status, 409);
  });

  it('a lease that runs out returns the command; after the last attempt it ends unknown, the next one runs, and the late result replaces unknown', async () => {
    const q3 = ids.get('q3') as string;
    const agent = agents.get('q3') as Proc;
    agent.child.kill('SIGSTOP'); // the agent hangs: connected, silent
    try {
      const stuck = await enqueue({ targets: { machines: [q3] }, type: 'audit', params: {} });
      const next = await enqueue({
        targets: { machines: [q3] },
        type: 'shell',
        params: { script: 'echo next' },
      });
      const unknown = await waitStatus(stuck.items[0]?.id as string, 'unknown', 30_000);
      assert.equal(unknown.attempts, 2);
      const statuses = unknown.transitions?.map((t) => t.status);
      assert.deepEqual(statuses, ['pending', 'processing', 'pending', 'processing', 'unknown']);
      assert.match(unknown.transitions?.[2]?.detail ?? '', /lease expired/);
      assert.match(unknown.result?.error ?? '', /may have run/);
      await waitFor(
        'the next command was handed out',
        async () => (await command(next.items[0]?.id as string)).status === 'processing',
      );
      agent.child.kill('SIGCONT');
      await waitStatus(next.items[0]?.id as string, 'complete', 30_000);
      // The agent did run the audit once it woke: its result replaces "unknown".
      await waitStatus(stuck.items[0]?.id as string, 'complete', 30_000);
    } finally {
      agent.child.kill('SIGCONT');
    }
  });

  it('refuses bad requests and stores nothing', async () => {
    const before = ((await server.api.get('/commands?limit=1000')).body as { items: unknown[] }).items.length;
    const q1 = ids.get('q1') as string;
    const cases: Array<[unknown, number, RegExp]> = [
      [
        { targets: { machines: [q1] }, type: 'format-disk', params: {} },
        400,
        /unknown command type "format-disk"/,
      ],
      [{ targets: { machines: [q1] }, type: 'shell', params: { script: 'x'.repeat(70_000) } }, 400, /script/],
      [
        { targets: { machines: [q1] }, type: 'shell', params: { script: 'x', timeoutSeconds: 0 } },
        400,
        /timeoutSeconds/,
      ],
      [{ targets: { machines: ['ghost.cmd.acme'] }, type: 'audit', params: {} }, 404, /unknown machine/],
      [{ targets: { filter: '*.nothing.acme' }, type: 'audit', params: {} }, 400, /select no machine/],
      [{ targets: { machines: [q1] }, type: 'audit' }, 400, /params/],
      [{ targets: {}, type: 'audit', params: {} }, 400, /targets/],
    ];
    for (const [body, status, message] of cases) {
      const r = await server.api.post('/commands', body);
      assert.equal(r.status, status, JSON.stringify(body).slice(0, 100));
      assert.match((r.body as { error: { message: string } }).error.message, message);
    }
    assert.equal(
      ((await server.api.get('/commands?limit=1000')).body as { items: unknown[] }).items.length,
      before,
    );
    assert.equal((await server.api.post('/commands/nope/cancel')).status, 404);
  });

  it('lists with filters and pages', async () => {
    const page1 = (await server.api.get('/commands?limit=2')).body as {
      items: CommandJson[];
      next: number | null;
    };
    assert.equal(page1.items.length, 2);
    assert.ok(page1.next);
    const page2 = (await server.api.get(`/commands?limit=2&before=${page1.next}`)).body as {
      items: CommandJson[];
    };
    // Earlier tests queued far more than four commands, so the second page is full too.
    assert.equal(page2.items.length, 2);
    assert.ok(page2.items.every((c) => !page1.items.some((p) => p.id === c.id)));
    const failedOnly = (await server.api.get('/commands?status=failed&limit=1000')).body as {
      items: CommandJson[];
    };
    assert.ok(failedOnly.items.length >= 2 && failedOnly.items.every((c) => c.status === 'failed'));
    const byTarget = (await server.api.get(`/commands?target=${ids.get('q2')}&limit=1000`)).body as {
      items: CommandJson[];
    };
    assert.ok(byTarget.items.length >= 3 && byTarget.items.every((c) => c.target === ids.get('q2')));
    const future = (await server.api.get('/commands?from=2100-01-01T00:00:00Z')).body as {
      items: CommandJson[];
    };
    assert.equal(future.items.length, 0);
    assert.equal((await server.api.get('/commands?status=weird')).status, 400);
  });
});

describe('crashes: nothing lost, nothing run twice', () => {
  const dir = tempDir('crash');
  let server: TestServer;
  let agent: Proc;
  let id: string;

  before(async () => {
    const port = await freePort();
    server = await TestServer.start({ dataDir: join(dir.path, 'server'), agentPorts: [port] });
    const token = await server.installToken({ group: 'crash.acme' });
    agent = startAgent('crash', { stateDir: join(dir.path, 'agent'), server: `127.0.0.1:${port}`, token });
    id = await waitFor('enrolled', () => agentState(join(dir.path, 'agent')).machineId);
    await server.waitForStatus(id, 'online');
  });
  after(async () => {
    await agent.stop();
    await server.stop();
    dir.cleanup();
  });

  it('every answered enqueue survives kill -9 of the server', async () => {
    await server.api.post(`/machines/${id}/suspend`);
    const queued: string[] = [];
    for (let i = 0; i < 20; i++) {
      const r = await server.api.post('/commands', {
        targets: { machines: [id] },
        type: 'shell',
        params: { script: `echo ${i}` },
      });
      assert.equal(r.status, 201);
      queued.push(...(r.body as { items: Array<{ id: string }> }).items.map((c) => c.id));
    }
    assert.equal(queued.length, 20, 'one command per request');
    await server.stop('SIGKILL');
    server = await server.restart();
    for (const c of queued)
      assert.equal(((await server.api.get(`/commands/${c}`)).body as CommandJson).status, 'pending');
    await server.api.post(`/machines/${id}/resume`);
    await waitFor(
      'all complete',
      async () => {
        const items = ((await server.api.get(`/machines/${id}/commands`)).body as { items: CommandJson[] })
          .items;
        return queued.every((c) => items.find((i) => i.id === c)?.status === 'complete');
      },
      30_000,
    );
  });

  it('a command whose agent lost the connection mid-run is reported from the journal, not run again', async () => {
    const counter = join(dir.path, 'runs.txt');
    writeFileSync(counter, '');
    const r = await server.api.post('/commands', {
      targets: { machines: [id] },
      type: 'shell',
      params: { script: `echo run >> ${counter}; sleep 3; echo finished` },
    });
    const cid = (r.body as { items: Array<{ id: string }> }).items[0]?.id as string;
    await waitFor('running', () => readFileSync(counter, 'utf8').includes('run'));
    await server.stop('SIGKILL'); // the agent loses its connection while the script runs
    await new Promise((resolve) => setTimeout(resolve, 4000)); // the script ends during the outage
    server = await server.restart();
    const done = await waitFor(
      'complete after reconnect',
      async () => {
        const c = (await server.api.get(`/commands/${cid}`)).body as CommandJson;
        return c.status === 'complete' ? c : null;
      },
      40_000,
    );
    assert.match(done.result?.output ?? '', /finished/);
    assert.equal(readFileSync(counter, 'utf8').trim().split('\n').length, 1, 'the script ran exactly once');
  });
});
