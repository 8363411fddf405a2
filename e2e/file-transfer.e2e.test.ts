import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { agentState, freePort, type Proc, startAgent, TestServer, tempDir, waitFor } from './support/harness';

interface CommandJson {
  id: string;
  status: string;
  attempts: number;
  result: { output: string | null; error: string | null } | null;
}

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

// put-file and get-file between real server and agent processes: content verified end to end,
// transfers that resume after the agent or the server is killed, and the bandwidth throttle.
describe('file transfer: put-file and get-file', () => {
  const dir = tempDir('files');
  let server: TestServer;
  let port: number;
  let agent: Proc;
  let machineId: string;
  const state = join(dir.path, 'agent');
  const drop = join(dir.path, 'drop');

  const command = async (id: string) => (await server.api.get(`/commands/${id}`)).body as CommandJson;
  const finished = (id: string, timeoutMs = 40_000) =>
    waitFor(
      `command ${id} finished`,
      async () => {
        const c = await command(id);
        return c.status === 'complete' || c.status === 'failed' ? c : null;
      },
      timeoutMs,
      100,
    );
  const enqueue = async (type: string, params: Record<string, unknown>) => {
    const r = await server.api.post('/commands', { targets: { machines: [machineId] }, type, params });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return (r.body as { items: Array<{ id: string }> }).items[0]?.id as string;
  };
  const upload = async (name: string, data: Buffer) => {
    const response = await fetch(`${server.api.baseUrl}/api/v1/files?name=${encodeURIComponent(name)}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.api.token()}`, 'content-type': 'application/octet-stream' },
      body: data,
    });
    assert.equal(response.status, 201);
    return (await response.json()) as { id: string; size: number; sha256: string; status: string };
  };
  const setRate = async (kbps: number) => {
    await server.api.put('/checkin-control', { machines: [machineId], settings: { bandwidthKBps: kbps } });
    await waitFor('rate applied', () => agentState(state).checkinControl?.bandwidthKBps === kbps);
  };

  before(async () => {
    port = await freePort();
    server = await TestServer.start({
      dataDir: join(dir.path, 'server'),
      agentPorts: [port],
      extraArgs: ['--command-lease-seconds', '10', '--command-max-attempts', '5', '--queue-sweep-ms', '200'],
    });
    const token = await server.installToken({ group: 'files.acme', maxUses: 2 });
    agent = startAgent('f1', { stateDir: state, server: `127.0.0.1:${port}`, token });
    machineId = await waitFor('enrolled', () => agentState(state).machineId);
    await server.waitForStatus(machineId, 'online');
    await server.api.put('/checkin-control', { machines: [machineId], settings: { periodSeconds: 2 } });
    writeFileSync(join(dir.path, 'keep'), '');
    await import('node:fs/promises').then((fs) => fs.mkdir(drop));
  });
  after(async () => {
    await agent?.stop();
    await server?.stop();
    dir.cleanup();
  });

  it('stores an upload with its SHA-256 and gives it back byte for byte', async () => {
    const data = randomBytes(700_000);
    const file = await upload('tool.bin', data);
    assert.deepEqual([file.status, file.size, file.sha256], ['complete', data.length, sha256(data)]);
    const response = await fetch(`${server.api.baseUrl}/api/v1/files/${file.id}/content`, {
      headers: { authorization: `Bearer ${server.api.token()}` },
    });
    assert.equal(response.status, 200);
    assert.deepEqual(Buffer.from(await response.arrayBuffer()), data);
    const listed = (await server.api.get('/files')).body as { items: Array<{ id: string }> };
    assert.ok(listed.items.some((f) => f.id === file.id));
  });

  it('refuses bad uploads and put-file of unknown files, changing nothing', async () => {
    const before = ((await server.api.get('/files')).body as { items: unknown[] }).items.length;
    const noName = await fetch(`${server.api.baseUrl}/api/v1/files`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.api.token()}`, 'content-type': 'application/octet-stream' },
      body: 'x',
    });
    assert.equal(noName.status, 400, 'the name is required');
    const slash = await fetch(`${server.api.baseUrl}/api/v1/files?name=a%2Fb`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.api.token()}`, 'content-type': 'application/octet-stream' },
      body: 'x',
    });
    assert.equal(slash.status, 400, 'a name with a slash');
    const asJson = await server.api.post('/files?name=a.txt', { not: 'raw' });
    assert.equal(asJson.status, 415, 'JSON is not a file upload');
    const unknown = await server.api.post('/commands', {
      targets: { machines: [machineId] },
      type: 'put-file',
      params: { fileId: 'nope', path: join(drop, 'x') },
    });
    assert.equal(unknown.status, 404);
    assert.match((unknown.body as { error: { message: string } }).error.message, /no file "nope"/);
    const missingPath = await server.api.post('/commands', {
      targets: { machines: [machineId] },
      type: 'get-file',
      params: {},
    });
    assert.equal(missingPath.status, 400);
    assert.equal(((await server.api.get('/files')).body as { items: unknown[] }).items.length, before);
    const queued = (await server.api.get(`/machines/${machineId}/commands`)).body as {
      items: Array<{ type: string }>;
    };
    assert.deepEqual(
      queued.items.filter((c) => c.type.endsWith('-file')),
      [],
      'nothing was queued',
    );
  });

  it('put-file writes the file, checked against the signed SHA-256; refuses to overwrite unless told', async () => {
    const data = randomBytes(1_000_000);
    const file = await upload('payload.bin', data);
    const target = join(drop, 'payload.bin');
    const done = await finished(await enqueue('put-file', { fileId: file.id, path: target }));
    assert.equal(done.status, 'complete', JSON.stringify(done.result));
    assert.deepEqual(readFileSync(target), data);
    const again = await finished(await enqueue('put-file', { fileId: file.id, path: target }));
    assert.equal(again.status, 'failed');
    assert.match(again.result?.error ?? '', /exists; set overwrite/);
    const relative = await finished(await enqueue('put-file', { fileId: file.id, path: 'relative/x' }));
    assert.match(relative.result?.error ?? '', /not an absolute path/);
    const replaced = await finished(
      await enqueue('put-file', { fileId: file.id, path: target, overwrite: true }),
    );
    assert.equal(replaced.status, 'complete');
    assert.deepEqual(
      readdirSync(drop).filter((f) => f.includes('muster-part')),
      [],
      'no partial file is left behind',
    );
  });

  it('get-file sends a file to the server store; the download matches', async () => {
    const data = randomBytes(900_000);
    const source = join(dir.path, 'report.log');
    writeFileSync(source, data);
    const done = await finished(await enqueue('get-file', { path: source }));
    assert.equal(done.status, 'complete', JSON.stringify(done.result));
    const out = JSON.parse(done.result?.output ?? '{}') as { fileId: string; sha256: string; size: number };
    assert.deepEqual([out.size, out.sha256], [data.length, sha256(data)]);
    const response = await fetch(`${server.api.baseUrl}/api/v1/files/${out.fileId}/content`, {
      headers: { authorization: `Bearer ${server.api.token()}` },
    });
    assert.deepEqual(Buffer.from(await response.arrayBuffer()), data);
    const meta = (await server.api.get(`/files/${out.fileId}`)).body as { name: string; machineId: string };
    assert.deepEqual([meta.name, meta.machineId], ['report.log', machineId]);
    const missing = await finished(await enqueue('get-file', { path: join(dir.path, 'nothing-here') }));
    assert.match(missing.result?.error ?? '', /is not a file/);
    const tooBig = await finished(await enqueue('get-file', { path: source, maxBytes: 1000 }));
    assert.match(tooBig.result?.error ?? '', /more than maxBytes/);
  });

  it('put-file goes through the throttle and resumes where it stopped after kill -9 of the agent', async () => {
    const rate = 256; // KB/s
    await setRate(rate);
    const data = randomBytes(1_600_000);
    const file = await upload('big.bin', data);
    const target = join(drop, 'big.bin');
    const id = await enqueue('put-file', { fileId: file.id, path: target });
    const partial = () =>
      readdirSync(drop).find((f) => f.startsWith('.big.bin.') && f.endsWith('.muster-part'));
    const started = Date.now();
    const size = await waitFor(
      'half received',
      () => {
        const p = partial();
        const n = p ? statSync(join(drop, p)).size : 0;
        return n >= 600_000 ? n : null;
      },
      20_000,
      20,
    );
    const seconds = (Date.now() - started) / 1000;
    // 600 KB at 256 KB/s takes at least 2.3 s; the bucket may burst a quarter second ahead.
    assert.ok(
      seconds >= (size / 1024 - rate / 4) / rate - 0.2,
      `${size} bytes in ${seconds}s at ${rate} KB/s`,
    );
    await agent.stop('SIGKILL');
    assert.equal(existsSync(target), false, 'nothing at the final name before it is complete');
    await setRateOffline(0);
    agent = startAgent('f1', { stateDir: state });
    const done = await finished(id);
    assert.equal(done.status, 'complete', JSON.stringify(done.result));
    const resumedAt = Number(/resumed at byte (\d+)/.exec(done.result?.output ?? '')?.[1]);
    assert.ok(resumedAt >= size - 4 * 128 * 1024, `resumed at ${resumedAt}, had ${size}`);
    assert.deepEqual(readFileSync(target), data);
  });

  it('get-file resumes after kill -9 of the server: what the server stored is not sent again', async () => {
    await setRate(256);
    const data = randomBytes(1_500_000);
    const source = join(dir.path, 'upload.bin');
    writeFileSync(source, data);
    const id = await enqueue('get-file', { path: source });
    await waitFor(
      'upload under way',
      async () => {
        const files = (
          (await server.api.get('/files')).body as { items: Array<{ commandId: string; received: number }> }
        ).items;
        return (files.find((f) => f.commandId === id)?.received ?? 0) >= 500_000;
      },
      20_000,
      50,
    );
    await server.stop('SIGKILL');
    server = await server.restart();
    await server.api.put('/checkin-control', { machines: [machineId], settings: { bandwidthKBps: 0 } });
    const done = await finished(id);
    assert.equal(done.status, 'complete', JSON.stringify(done.result));
    const out = JSON.parse(done.result?.output ?? '{}') as {
      fileId: string;
      resumedAt: number;
      sha256: string;
    };
    assert.ok(out.resumedAt >= 500_000, `resumed at ${out.resumedAt}`);
    assert.equal(out.sha256, sha256(data));
    const response = await fetch(`${server.api.baseUrl}/api/v1/files/${out.fileId}/content`, {
      headers: { authorization: `Bearer ${server.api.token()}` },
    });
    assert.deepEqual(Buffer.from(await response.arrayBuffer()), data);
  });

  /** Lifts the throttle while the agent is down; its welcome brings the new settings. */
  async function setRateOffline(kbps: number): Promise<void> {
    await server.waitForStatus(machineId, 'offline');
    await server.api.put('/checkin-control', { machines: [machineId], settings: { bandwidthKBps: kbps } });
  }
});
