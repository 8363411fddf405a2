import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { sqliteFileOf } from '../config';
import type { ConnectionStart } from '../store/checkin-history-record';
import { openSqlStore } from '../store/sql/sql-store';
import { startTestApiServer, type TestApiServer } from '../test-support/api-server';
import { callApi, scopedUserToken } from '../test-support/two-organizations';

const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);

/** GET /machines/{id}/checkin-history: a machine's stored connections (issue 10, page 4). */
describe('GET /machines/{id}/checkin-history', () => {
  let api: TestApiServer;
  let master = '';
  let onlyWeb = '';
  const as = (token: string, path: string) => callApi(api.server.httpUrl, token, 'GET', path);

  before(async () => {
    api = await startTestApiServer({}, { listen: true });
    master = readFileSync(api.server.adminTokenFile, 'utf8').trim();
    await api.seedMachines('web.acme', ['pc1.web.acme']);
    await api.seedMachines('ops.acme', ['pc2.ops.acme']);
    // The rows as the coalescer writes them, through the store on the server's own database.
    const store = await openSqlStore({ sqliteFile: sqliteFileOf(api.config) });
    try {
      const start = (n: number, machineId = 'pc1.web.acme'): ConnectionStart => ({
        id: `c${String(n).padStart(2, '0')}`,
        machineId,
        connectedAt: T0 + n * 60_000,
        remoteAddress: `198.51.100.${n}`,
        nodeId: 'node-1',
      });
      await store.connectionHistory.record(
        {
          starts: [
            ...Array.from({ length: 11 }, (_, n) => ({
              ...start(n),
              end: {
                id: start(n).id,
                disconnectedAt: T0 + n * 60_000 + 30_000,
                reason: 'agent-closed',
                checkins: n,
                lastCheckinAt: T0 + n * 60_000 + 29_000,
              },
            })),
            start(11),
            { ...start(0, 'pc2.ops.acme'), id: 'other' },
          ],
          ends: [],
        },
        100,
      );
    } finally {
      await store.close();
    }
    onlyWeb = await scopedUserToken(api.server.httpUrl, master, 'webby', [
      { kind: 'group', id: 'web.acme', include: true },
    ]);
  });
  after(async () => {
    await api?.close();
  });

  it('answers the connections newest first, page by page, with their times, duration, address and check-ins', async () => {
    const first = await as(onlyWeb, '/machines/pc1.web.acme/checkin-history?limit=5');
    assert.equal(first.status, 200, JSON.stringify(first.body));
    assert.equal(first.body.total, 12);
    assert.deepEqual(
      first.body.items.map((c: { id: string }) => c.id),
      ['c11', 'c10', 'c09', 'c08', 'c07'],
    );
    assert.deepEqual(first.body.items[0], {
      id: 'c11',
      connectedAt: new Date(T0 + 11 * 60_000).toISOString(),
      disconnectedAt: null,
      durationSeconds: null,
      remoteAddress: '198.51.100.11',
      nodeId: 'node-1',
      endReason: null,
      checkins: null,
      lastCheckinAt: null,
    });
    assert.deepEqual(first.body.items[1], {
      id: 'c10',
      connectedAt: new Date(T0 + 10 * 60_000).toISOString(),
      disconnectedAt: new Date(T0 + 10 * 60_000 + 30_000).toISOString(),
      durationSeconds: 30,
      remoteAddress: '198.51.100.10',
      nodeId: 'node-1',
      endReason: 'agent-closed',
      checkins: 10,
      lastCheckinAt: new Date(T0 + 10 * 60_000 + 29_000).toISOString(),
    });
    const ids: string[] = [];
    let next: string | null = null;
    do {
      const path: string = `/machines/pc1.web.acme/checkin-history?limit=5${next ? `&after=${encodeURIComponent(next)}` : ''}`;
      const page = await as(onlyWeb, path);
      assert.equal(page.status, 200);
      ids.push(...page.body.items.map((c: { id: string }) => c.id));
      next = page.body.next;
    } while (next !== null);
    assert.deepEqual(
      ids,
      Array.from({ length: 12 }, (_, n) => `c${String(11 - n).padStart(2, '0')}`),
    );
    const all = await as(master, '/machines/PC1.web.acme/checkin-history');
    assert.equal(all.body.items.length, 12, 'default page holds them all; ids are case-insensitive');
  });

  it('answers 404 for a machine out of scope, as for one that does not exist', async () => {
    const hidden = await as(onlyWeb, '/machines/pc2.ops.acme/checkin-history');
    assert.equal(hidden.status, 404);
    const missing = await as(onlyWeb, '/machines/nope.web.acme/checkin-history');
    assert.equal(missing.status, 404);
    assert.equal(hidden.body.error.code, missing.body.error.code);
    assert.equal((await as(master, '/machines/pc2.ops.acme/checkin-history')).body.total, 1);
  });

  it('answers 400 for bad paging input, saying what is wrong', async () => {
    for (const query of ['limit=0', 'limit=1001', 'limit=ten', 'after=not-a-cursor', 'after=', 'sort=id']) {
      const answer = await as(master, `/machines/pc1.web.acme/checkin-history?${query}`);
      assert.equal(answer.status, 400, `${query}: ${JSON.stringify(answer.body)}`);
      assert.equal(answer.body.error.code, 'invalid-input', query);
    }
    const unknown = await as(master, '/machines/pc1.web.acme/checkin-history?sort=id');
    assert.match(unknown.body.error.message, /unknown parameter "sort" \(known: limit, after\)/);
    // A cursor of another list (the command list's) is not one of this list.
    const foreign = Buffer.from(JSON.stringify(['id', 'asc', 'x', 'y'])).toString('base64url');
    assert.equal((await as(master, `/machines/pc1.web.acme/checkin-history?after=${foreign}`)).status, 400);
  });

  it('needs a credential', async () => {
    const answer = await callApi(api.server.httpUrl, '', 'GET', '/machines/pc1.web.acme/checkin-history');
    assert.equal(answer.status, 401);
  });
});
