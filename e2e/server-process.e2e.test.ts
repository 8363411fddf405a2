import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { after, describe, it } from 'node:test';
import { duplicateJsonKeys } from './support/duplicate-json-keys';
import { ApiClient, freePort, type Proc, runMuster, TestServer, tempDir, waitFor } from './support/harness';

/** `muster server` arguments for a data directory and ports of its own. */
async function serverArgs(dataDir: string, ports: { http?: number; agent?: number } = {}): Promise<string[]> {
  return [
    'server',
    '--data-dir',
    dataDir,
    '--http-port',
    String(ports.http ?? (await freePort())),
    '--agent-host',
    '127.0.0.1',
    '--agent-port',
    String(ports.agent ?? (await freePort())),
    '--device-host',
    '127.0.0.1',
    '--device-port',
    '0',
  ];
}

/** Whole lines of a stream, however its chunks are cut (the harness splits per chunk). */
function wholeLines(stream: Readable | null): string[] {
  const lines: string[] = [];
  let rest = '';
  stream?.on('data', (chunk: Buffer | string) => {
    rest += chunk.toString();
    const parts = rest.split('\n');
    rest = parts.pop() ?? '';
    for (const line of parts) if (line.trim()) lines.push(line);
  });
  return lines;
}

/** Occupies a port on 127.0.0.1 until closed. */
async function occupy(port: number): Promise<Server> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return server;
}

/** Waits for a process that should exit by itself and returns its exit code. */
async function exitCode(proc: Proc): Promise<number | null> {
  const timer = setTimeout(() => proc.child.kill('SIGKILL'), 30_000);
  const code = await proc.wait();
  clearTimeout(timer);
  return code;
}

describe('one server per data directory', () => {
  const dir = tempDir('one-server');
  const servers: TestServer[] = [];
  after(async () => {
    for (const s of servers) await s.stop('SIGKILL');
    dir.cleanup();
  });

  it('a second server on the same data directory refuses to start; after kill -9 of the first a new one starts', async () => {
    const dataDir = join(dir.path, 'data');
    const first = await TestServer.start({ dataDir, agentPorts: [await freePort()] });
    servers.push(first);
    const serverId = ((await first.api.get('/server')).body as { serverId: string }).serverId;

    const second = runMuster('second', await serverArgs(dataDir));
    assert.notEqual(await exitCode(second), 0, second.output());
    assert.match(
      second.output(),
      new RegExp(
        `data directory ${dataDir} is in use by another muster server \\(pid ${first.proc.child.pid}\\)`,
      ),
    );
    assert.doesNotMatch(second.output(), /Muster server running|at .*\.ts:\d+/);
    // The refused start changed nothing: the first still answers with its token.
    assert.equal((await first.api.get('/server')).status, 200);

    await first.stop('SIGKILL');
    const next = await TestServer.start({ dataDir, agentPorts: [await freePort()] });
    servers.push(next);
    assert.equal(((await next.api.get('/server')).body as { serverId: string }).serverId, serverId);
  });
});

describe('server logs', () => {
  const dir = tempDir('logs');
  let proc: Proc | undefined;
  after(async () => {
    await proc?.stop();
    dir.cleanup();
  });

  it('log lines have no duplicate keys and each API request is logged once', async () => {
    const dataDir = join(dir.path, 'data');
    const httpPort = await freePort();
    proc = runMuster('logs', await serverArgs(dataDir, { http: httpPort }));
    const lines = wholeLines(proc.child.stdout);
    const api = new ApiClient(`http://127.0.0.1:${httpPort}`, () =>
      readFileSync(join(dataDir, 'admin-token'), 'utf8').trim(),
    );
    await waitFor('the server to answer', async () => (await api.get('/server')).status === 200, 30_000);

    const probes = ['probe-1', 'probe-2', 'probe-3'];
    for (const probe of probes) assert.equal((await api.get(`/machines/${probe}.web.acme`)).status, 404);
    assert.equal((await api.post('/install-tokens', { group: 'log-probe.acme' })).status, 201);
    await waitFor('the last request to be logged', () => lines.some((l) => l.includes('/install-tokens')));

    const httpLines = lines.filter((l) => l.includes('"component":"http"'));
    assert.ok(lines.length >= 5 && httpLines.length >= 4, lines.join('\n'));
    for (const line of lines) assert.deepEqual(duplicateJsonKeys(line), [], line);
    for (const probe of probes) {
      const logged = lines.filter((l) => l.includes(`/machines/${probe}.web.acme`));
      assert.equal(logged.length, 1, logged.join('\n'));
      const entry = JSON.parse(logged[0] as string) as Record<string, unknown>;
      assert.equal(entry.level, 30);
      assert.equal(entry.method, 'GET');
      assert.equal(entry.statusCode, 404);
      assert.equal(typeof entry.reqId, 'string');
      // Fastify's default wrote a second line for the request, tied to it only by reqId.
      const sameRequest = lines.filter((l) => (JSON.parse(l) as { reqId?: unknown }).reqId === entry.reqId);
      assert.equal(sameRequest.length, 1, sameRequest.join('\n'));
    }
  });
});

describe('a start that fails leaves nothing behind', () => {
  const dir = tempDir('failed-start');
  after(() => dir.cleanup());

  it('a new data directory is removed when the HTTP port is in use', async () => {
    const dataDir = join(dir.path, 'fresh', 'data');
    const httpPort = await freePort();
    const blocker = await occupy(httpPort);
    try {
      const proc = runMuster('port-in-use', await serverArgs(dataDir, { http: httpPort }));
      assert.equal(await exitCode(proc), 1, proc.output());
      assert.match(
        proc.output(),
        new RegExp(`the HTTP API cannot listen on 127\\.0\\.0\\.1:${httpPort}: the port is already in use`),
      );
    } finally {
      blocker.close();
    }
    assert.equal(
      existsSync(join(dir.path, 'fresh')),
      false,
      'the data directory and its new parent are gone',
    );
  });

  it('an existing data directory keeps only what was in it when the agent port is in use', async () => {
    const dataDir = join(dir.path, 'existing');
    mkdirSync(dataDir);
    writeFileSync(join(dataDir, 'notes.txt'), 'the administrator put this here\n');
    const agentPort = await freePort();
    const blocker = await occupy(agentPort);
    try {
      const proc = runMuster('agent-port-in-use', await serverArgs(dataDir, { agent: agentPort }));
      assert.equal(await exitCode(proc), 1, proc.output());
      assert.match(proc.output(), new RegExp(`agent gateway cannot listen on 127\\.0\\.0\\.1:${agentPort}`));
    } finally {
      blocker.close();
    }
    assert.deepEqual(readdirSync(dataDir), ['notes.txt']);

    // The next start on that directory is a first start: it creates the admin token now.
    const server = await TestServer.start({ dataDir, agentPorts: [agentPort] });
    try {
      assert.match(server.proc.output(), /Admin token \(created now\)/);
    } finally {
      await server.stop();
    }
  });
});

describe('a running server', () => {
  const dir = tempDir('running');
  let server: TestServer | undefined;
  after(async () => {
    await server?.stop('SIGKILL');
    dir.cleanup();
  });

  it('cancels a command on a POST with a JSON content type and no body', async () => {
    server = await TestServer.start({ dataDir: join(dir.path, 'data'), agentPorts: [await freePort()] });
    const token = await server.api.post('/install-tokens', { group: 'web.acme', machineName: 'pc1' });
    assert.equal(token.status, 201, JSON.stringify(token.body));
    const queued = await server.api.post('/commands', {
      targets: { machines: ['pc1.web.acme'] },
      type: 'audit',
      params: {},
    });
    assert.equal(queued.status, 201, JSON.stringify(queued.body));
    const id = (queued.body as { items: Array<{ id: string }> }).items[0]?.id;
    assert.ok(id);
    // The API client sets content-type: application/json for any body, here an empty one.
    const canceled = await server.api.request('POST', `/commands/${id}/cancel`, '');
    assert.equal(canceled.status, 200, JSON.stringify(canceled.body));
    assert.equal((canceled.body as { status: string }).status, 'canceled');
  });

  it('refuses changes with store-unavailable once its data directory is deleted, and logs why', async () => {
    assert.ok(server, 'started by the previous test');
    const { dataDir } = server.options;
    const adminToken = readFileSync(join(dataDir, 'admin-token'), 'utf8').trim();
    const api = new ApiClient(`http://127.0.0.1:${server.options.httpPort}`, () => adminToken);
    assert.equal((await api.post('/install-tokens', { group: 'before.acme' })).status, 201);

    rmSync(dataDir, { recursive: true, force: true });
    const refused = await api.post('/install-tokens', { group: 'after.acme' });
    assert.equal(refused.status, 503, JSON.stringify(refused.body));
    const error = (refused.body as { error: { code: string; message: string } }).error;
    assert.equal(error.code, 'store-unavailable');
    assert.match(
      error.message,
      /muster\.db was deleted while the server was running, so changes are refused/,
    );
    // Reads still answer, so an administrator can see what the server holds.
    assert.equal((await api.get('/server')).status, 200);
    assert.equal((await api.get('/machines/pc1.web.acme')).status, 200);
    const logged = server.proc.logs('was deleted while the server was running');
    assert.equal(logged.length, 1, server.proc.output());
    assert.equal(logged[0]?.level, 50);
    assert.equal(logged[0]?.component, 'server');
  });
});

describe('the first start', () => {
  const dir = tempDir('first-start');
  after(() => dir.cleanup());

  it('gives admin a console password in admin-password (mode 0600) that signs in; a restart makes none', async () => {
    const dataDir = join(dir.path, 'data');
    const agentPort = await freePort();
    let server = await TestServer.start({ dataDir, agentPorts: [agentPort] });
    const file = join(dataDir, 'admin-password');
    // Written just after the admin token, once its hash is made: the API may answer first.
    const password = await waitFor(
      'admin-password',
      () => existsSync(file) && readFileSync(file, 'utf8').trim(),
    );
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.match(
      server.proc.output(),
      /Console sign-in \(created now\): name admin, password in .*admin-password/,
    );
    const signIn = (pw: string) =>
      fetch(`http://127.0.0.1:${server.options.httpPort}/api/v1/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'admin', password: pw }),
      });
    assert.equal((await signIn(password)).status, 201);
    await server.stop();
    server = await TestServer.start({ dataDir, agentPorts: [agentPort] });
    try {
      assert.doesNotMatch(server.proc.output(), /Console sign-in/);
      assert.equal(readFileSync(file, 'utf8').trim(), password, 'the password is not replaced');
      assert.equal((await signIn(password)).status, 201);
    } finally {
      await server.stop();
    }
  });
});
