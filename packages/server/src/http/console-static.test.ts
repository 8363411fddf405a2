import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startTestApiServer, type TestApiServer } from '../test-support/api-server';

/** A built console as Vite lays it out: index.html and hashed assets. */
function fakeBuild(): string {
  const dir = mkdtempSync(join(tmpdir(), 'muster-console-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(
    join(dir, 'index.html'),
    '<!doctype html><div id="root"></div><script type="module" src="/assets/app-1a2b.js"></script>',
  );
  writeFileSync(join(dir, 'assets', 'app-1a2b.js'), 'console.log("console");');
  return dir;
}

describe('the web console is served at / on the API port', () => {
  let server: TestApiServer;
  before(async () => {
    server = await startTestApiServer({ consoleDir: fakeBuild() });
  });
  after(() => server.close());

  const get = (url: string, headers: Record<string, string> = {}) =>
    server.server.app.inject({ method: 'GET', url, headers });

  it('answers the page without a session, with a strict CSP that no page may frame', async () => {
    const page = await get('/');
    assert.equal(page.statusCode, 200);
    assert.match(page.headers['content-type'] as string, /text\/html/);
    assert.match(page.body, /id="root"/);
    const csp = page.headers['content-security-policy'] as string;
    assert.match(csp, /script-src 'self'(;|$)/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.doesNotMatch(csp, /unsafe-eval/);
    // Inline styles only, for xterm.js's computed terminal styles; never inline scripts.
    const inline = csp.split(';').filter((d) => d.includes('unsafe-inline'));
    assert.deepEqual(
      inline.map((d) => d.trim()),
      ["style-src 'self' 'unsafe-inline'"],
    );
    assert.equal(page.headers['x-frame-options'], 'DENY');
    assert.equal(page.headers['x-content-type-options'], 'nosniff');
  });

  it('answers an address inside the console with the page, so a deep link or a reload works', async () => {
    const deep = await get('/machines/pc1.acme?x=1');
    assert.equal(deep.statusCode, 200);
    assert.match(deep.body, /id="root"/);
    assert.equal(deep.headers['cache-control'], 'no-cache');
  });

  it('serves hashed assets for good, with their type', async () => {
    const asset = await get('/assets/app-1a2b.js');
    assert.equal(asset.statusCode, 200);
    assert.match(asset.headers['content-type'] as string, /javascript/);
    assert.match(asset.headers['cache-control'] as string, /immutable/);
  });

  it('keeps unknown API paths as JSON 404s, and the API behind its credentials', async () => {
    const unknown = await get('/api/v1/no-such-route');
    assert.equal(unknown.statusCode, 404);
    assert.equal(unknown.json().error.code, 'not-found');
    // Refused by the authentication hook before any route runs, and still with the headers.
    const refused = await get('/api/v1/machines');
    assert.equal(refused.statusCode, 401);
    assert.match(refused.headers['content-security-policy'] as string, /frame-ancestors 'none'/);
    assert.equal(refused.headers['x-content-type-options'], 'nosniff');
    const token = readFileSync(server.server.adminTokenFile, 'utf8').trim();
    const answer = await get('/api/v1/server', { authorization: `Bearer ${token}` });
    assert.equal(answer.statusCode, 200);
    assert.equal(answer.headers['x-frame-options'], 'DENY');
  });
});

describe('a server whose console is not built', () => {
  it('answers 503 with the command that builds it, and the API as usual', async () => {
    const server = await startTestApiServer({ consoleDir: mkdtempSync(join(tmpdir(), 'muster-empty-')) });
    try {
      const page = await server.server.app.inject({ method: 'GET', url: '/' });
      assert.equal(page.statusCode, 503);
      assert.match(page.body, /npm run build -w @muster\/console/);
      assert.equal((await server.call('GET', '/server')).status, 200);
    } finally {
      await server.close();
    }
  });
});
