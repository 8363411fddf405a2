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

type ErrorBody = { error: { code: string; message: string } };

// Check-In Control updated in bulk: validation, policy clamping, delivery to connected agents
// at once and to offline agents at their next check-in, and the API's own guards.
/** A command as the API lists it (the fields read here). */
interface CommandItem {
  type: string;
  status: string;
  params: Record<string, unknown>;
  result?: { output?: string | null };
}

describe('check-in control', () => {
  const dir = tempDir('control');
  let server: TestServer;
  let port: number;
  const agents: Proc[] = [];
  const ids: string[] = [];

  before(async () => {
    port = await freePort();
    server = await TestServer.start({ dataDir: join(dir.path, 'server'), agentPorts: [port] });
    const token = await server.installToken({ group: 'web.acme', maxUses: 10 });
    const nested = await server.installToken({ group: 'eu.web.acme', maxUses: 10 });
    for (const [name, t] of [
      ['c1', token],
      ['c2', token],
      ['c3', nested],
    ] as const) {
      const state = join(dir.path, name);
      const agent = startAgent(name, { stateDir: state, server: `127.0.0.1:${port}`, token: t });
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

  it('refuses a bare computer name, bad hosts and ports, and changes nothing', async () => {
    const before = await server.machines();
    const cases: Array<[unknown, RegExp]> = [
      [{ filter: '*.web.acme', settings: { primary: { host: 'kserver', port: 5721 } } }, /NetBIOS/],
      [
        { filter: '*.web.acme', settings: { secondary: { host: 'bad_label!.example.com', port: 5721 } } },
        /not a valid domain name/,
      ],
      [{ filter: '*.web.acme', settings: { primary: { host: 'a.example.com', port: 0 } } }, /port|>= 1/],
      [
        { filter: '*.web.acme', settings: { primary: { host: 'a.example.com', port: 65536 } } },
        /port|<= 65535/,
      ],
      [{ filter: '*.web.acme', settings: { periodSeconds: 'soon' } }, /periodSeconds|integer/],
      [{ filter: '*.web.acme', settings: {} }, /fewer than 1|minProperties|settings/],
      [
        { machines: ['ghost.web.acme', ids[0]], settings: { periodSeconds: 60 } },
        /unknown machine\(s\): ghost\.web\.acme/,
      ],
      [{ filter: 'bad filter;', settings: { periodSeconds: 60 } }, /not a machine filter/],
      [{ settings: { periodSeconds: 60 } }, /machines|filter|must/],
    ];
    for (const [body, message] of cases) {
      const r = await server.api.put('/checkin-control', body);
      assert.ok(r.status === 400 || r.status === 404, `status ${r.status} for ${JSON.stringify(body)}`);
      assert.match((r.body as ErrorBody).error.message, message, JSON.stringify(body));
    }
    assert.deepEqual(
      (await server.machines()).map((m) => m.checkinControl),
      before.map((m) => m.checkinControl),
      'nothing changed',
    );
  });

  it('pushes a bulk change by filter to connected agents at once; they persist it', async () => {
    const r = await server.api.put('/checkin-control', {
      filter: '*.web.acme',
      settings: { secondary: { host: '127.0.0.1', port: 6999 }, periodSeconds: 45, bandwidthKBps: 256 },
    });
    assert.equal(r.status, 200);
    assert.equal((r.body as { updated: number }).updated, 3, 'the filter includes the nested group');
    for (const [i, id] of ids.entries()) {
      const m = await waitFor(`${id} applied`, async () => {
        const view = await server.machine(id);
        return view?.settingsApplied ? view : null;
      });
      assert.equal(m.checkinControl.periodSeconds, 45);
      const persisted = agentState(join(dir.path, `c${i + 1}`)).checkinControl;
      assert.equal(persisted?.bandwidthKBps, 256, 'the agent stored the settings in its state directory');
      assert.deepEqual(persisted?.secondary, { host: '127.0.0.1', port: 6999 });
    }
  });

  it("each change is an update-checkin-control procedure in the machine's pending procedures", async () => {
    const id = ids[0] as string;
    const procedures = await waitFor('procedure complete', async () => {
      const items = ((await server.api.get(`/machines/${id}/commands`)).body as { items: CommandItem[] })
        .items;
      const update = items.filter((c) => c.type === 'update-checkin-control');
      return update.some((c) => c.status === 'complete') ? update : null;
    });
    const latest = procedures.find((c) => c.status === 'complete') as CommandItem;
    assert.equal((latest.params.checkinControl as { periodSeconds: number }).periodSeconds, 45);
    assert.match(latest.result?.output ?? '', /applied/);
  });

  it('clamps periods to the group policy and says so', async () => {
    const policy = await server.api.put('/checkin-policy/web.acme', { minSeconds: 20, maxSeconds: 40 });
    assert.equal(policy.status, 200);
    const clampedByPolicy = (
      policy.body as { clamped: Array<{ machineId: string; requested: number; applied: number }> }
    ).clamped;
    assert.equal(clampedByPolicy.length, 3, 'the 45 s periods were above the new maximum');
    assert.ok(clampedByPolicy.every((c) => c.requested === 45 && c.applied === 40));

    const r = await server.api.put('/checkin-control', {
      machines: [ids[0]],
      settings: { periodSeconds: 5 },
    });
    assert.deepEqual((r.body as { clamped: unknown[] }).clamped, [
      { machineId: ids[0], requested: 5, applied: 20 },
    ]);
    assert.equal((await server.machine(ids[0] as string))?.checkinControl.periodSeconds, 20);

    // A subgroup with its own policy uses it rather than its parent's.
    await server.api.put('/checkin-policy/eu.web.acme', { minSeconds: 1, maxSeconds: 10 });
    const nested = await server.api.put('/checkin-control', {
      machines: [ids[2]],
      settings: { periodSeconds: 8 },
    });
    assert.deepEqual((nested.body as { clamped: unknown[] }).clamped, []);

    const bad = await server.api.put('/checkin-policy/web.acme', { minSeconds: 50, maxSeconds: 40 });
    assert.equal(bad.status, 400);
    const unknown = await server.api.put('/checkin-policy/nowhere.acme', { minSeconds: 1, maxSeconds: 40 });
    assert.equal(unknown.status, 404);
  });

  it('an offline agent gets the change at its next check-in', async () => {
    const offline = agents[1] as Proc;
    await offline.stop();
    await server.waitForStatus(ids[1] as string, 'offline');
    await server.api.put('/checkin-control', { machines: [ids[1]], settings: { periodSeconds: 30 } });
    assert.equal((await server.machine(ids[1] as string))?.settingsApplied, false);
    agents[1] = startAgent('c2', { stateDir: join(dir.path, 'c2') });
    await waitFor(
      'applied at reconnect',
      async () => (await server.machine(ids[1] as string))?.settingsApplied,
    );
    assert.equal(agentState(join(dir.path, 'c2')).checkinControl?.periodSeconds, 30);
    // The welcome already carried the new settings; the queued procedure only confirms them.
    const procedure = await waitFor('procedure reported', async () => {
      const items = ((await server.api.get(`/machines/${ids[1]}/commands`)).body as { items: CommandItem[] })
        .items;
      return items.find(
        (c) =>
          c.type === 'update-checkin-control' &&
          c.status === 'complete' &&
          c.params.revision !== undefined &&
          (c.params.checkinControl as { periodSeconds: number }).periodSeconds === 30,
      );
    });
    assert.match(procedure.result?.output ?? '', /already in force/);
  });

  it('authenticates every request and serves the OpenAPI document', async () => {
    const noToken = await fetch(`${server.api.baseUrl}/api/v1/machines`);
    assert.equal(noToken.status, 401);
    assert.equal(((await noToken.json()) as ErrorBody).error.code, 'unauthorized');
    const wrong = await server.api.request('GET', '/machines', undefined, 'mst_wrong');
    assert.equal(wrong.status, 401);
    const doc = await server.api.get('/openapi.json');
    assert.equal(doc.status, 200);
    const paths = Object.keys((doc.body as { paths: Record<string, unknown> }).paths);
    for (const p of [
      '/api/v1/machines',
      '/api/v1/checkin-control',
      '/api/v1/install-tokens',
      '/api/v1/checkin-policy/{group}',
    ]) {
      assert.ok(paths.includes(p), `${p} documented`);
    }
    const badJson = await server.api.request('PUT', '/checkin-control', '{not json');
    assert.equal(badJson.status, 400);
    const badQuery = await server.api.get('/machines?filter=');
    assert.equal(badQuery.status, 400);
  });
});
