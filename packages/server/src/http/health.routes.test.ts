import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { sqliteFileOf } from '../config';
import { startTestApiServer, type TestApiServer } from '../test-support/api-server';
import { createTestPostgresDatabase, type TestPostgresDatabase } from '../test-support/postgres';

/** GET a probe at the server's root (outside /api/v1), without any credential. */
async function probe(api: TestApiServer, path: '/healthz' | '/readyz') {
  const answer = await api.server.app.inject({ method: 'GET', url: path });
  return { status: answer.statusCode, body: answer.json() };
}

describe('/healthz and /readyz on SQLite', () => {
  let api: TestApiServer;
  before(async () => {
    api = await startTestApiServer({}, { listen: true });
  });
  after(async () => {
    await api?.close();
  });

  it('answer without credentials while the server is up, from a real socket too', async () => {
    assert.deepEqual(await probe(api, '/healthz'), { status: 200, body: { status: 'ok' } });
    assert.deepEqual(await probe(api, '/readyz'), {
      status: 200,
      body: { status: 'ready', checks: { store: 'ok', listeners: 'ok' } },
    });
    const overHttp = await fetch(`${api.server.httpUrl}/readyz`);
    assert.equal(overHttp.status, 200);
    assert.equal(((await overHttp.json()) as { status: string }).status, 'ready');
  });

  it('/readyz answers 503 not-ready while the server shuts down', async () => {
    const other = await startTestApiServer({}, { listen: true });
    const closing = other.server.close();
    const ready = await probe(other, '/readyz');
    await closing;
    assert.equal(ready.status, 503);
    assert.equal(ready.body.error.code, 'not-ready');
    assert.equal(ready.body.error.message, 'not ready: the server is shutting down');
    assert.deepEqual(ready.body.error.details.checks, {
      store: 'ok',
      listeners: 'the server is shutting down',
    });
    await other.close();
  });

  it('/readyz answers 503 once the store file is gone, /healthz still 200', async () => {
    rmSync(sqliteFileOf(api.config));
    const ready = await probe(api, '/readyz');
    assert.equal(ready.status, 503);
    assert.equal(ready.body.error.code, 'store-unavailable');
    assert.match(
      ready.body.error.message,
      /^not ready: the store is unreachable: the SQLite store .* was deleted/,
    );
    assert.equal(ready.body.error.details.checks.listeners, 'ok');
    assert.match(ready.body.error.details.checks.store, /was deleted/);
    assert.equal((await probe(api, '/healthz')).status, 200);
  });
});

describe('/readyz on PostgreSQL', () => {
  let database: TestPostgresDatabase;
  let api: TestApiServer;
  before(async () => {
    database = await createTestPostgresDatabase();
    api = await startTestApiServer({ databaseUrl: database.url });
  });
  after(async () => {
    await api?.close().catch(() => undefined);
    await database?.drop();
  });

  it('answers 503 with why once the database is dropped under the server', async () => {
    assert.equal((await probe(api, '/readyz')).status, 200);
    // Dropping it ends every connection the server holds; new ones find no database.
    await database.drop();
    const ready = await probe(api, '/readyz');
    assert.equal(ready.status, 503);
    assert.equal(ready.body.error.code, 'store-unavailable');
    assert.match(ready.body.error.message, /^not ready: the store is unreachable: .+/);
    assert.notEqual(ready.body.error.details.checks.store, 'ok');
    assert.deepEqual(await probe(api, '/healthz'), { status: 200, body: { status: 'ok' } });
  });
});
