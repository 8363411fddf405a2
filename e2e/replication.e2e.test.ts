import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash, createPrivateKey, createPublicKey, randomBytes } from 'node:crypto';
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  freePort,
  type Proc,
  runMuster,
  startAgent,
  TestServer,
  tempDir,
  waitEnrolled,
  waitFor,
} from './support/harness';

interface CommandJson {
  id: string;
  type: string;
  status: string;
  result: { output: string | null; error: string | null } | null;
}
interface RoleResponse {
  id: string;
  procedures: string[];
  warnings: string[];
  status: string;
}

const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

/** A port in the offsite range (1024-49151) that nothing listens on right now. */
async function offsitePort(): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    const free = await new Promise<boolean>((resolve) => {
      const probe = createServer();
      probe.once('error', () => resolve(false));
      probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
    });
    if (free) return port;
  }
}

// Offsite replication with real agent processes in both roles, configured through the API:
// the folder layout, change-only transfers on a schedule and on demand, the bandwidth limit,
// synthetic fulls, port errors, and the inactive-local-server notifications.
describe('offsite replication between agents', () => {
  const dir = tempDir('replication');
  let server: TestServer;
  const agents = new Map<string, Proc>();
  const ids = new Map<string, string>();
  const guids = new Map<string, string>();
  const offRoot = join(dir.path, 'offsite-root');
  const localDir = join(dir.path, 'local-server');
  const machineGuid = '6f1c2a9e-1111-4222-8333-444455556666';
  let offsiteId = '';
  let localId = '';
  let port = 0;
  let squatter: Server | null = null;

  const procedure = (id: string) =>
    waitFor(
      `procedure ${id} finished`,
      async () => {
        const c = (await server.api.get(`/commands/${id}`)).body as CommandJson;
        return c.status === 'complete' || c.status === 'failed' ? c : null;
      },
      30_000,
    );
  const mirrored = (path: string) => join(offRoot, guids.get('loc') as string, machineGuid, path);
  const sameContent = (path: string) =>
    existsSync(mirrored(path)) && sha(mirrored(path)) === sha(join(localDir, machineGuid, path));

  before(async () => {
    const agentPort = await freePort();
    server = await TestServer.start({
      dataDir: join(dir.path, 'server'),
      agentPorts: [agentPort],
      extraArgs: [
        '--replication-inactive-seconds',
        '2',
        '--replication-watch-ms',
        '300',
        '--replication-report-stale-seconds',
        '6',
        '--replication-delete-delay-seconds',
        '0',
      ],
    });
    const token = await server.installToken({ group: 'rep.acme', maxUses: 5 });
    for (const name of ['off', 'loc', 'loc2']) {
      const state = join(dir.path, name);
      const agent = startAgent(name, { stateDir: state, server: `127.0.0.1:${agentPort}`, token });
      agents.set(name, agent);
      const id = await waitEnrolled(agent, state);
      ids.set(name, id);
      await server.waitForStatus(id, 'online');
      guids.set(name, ((await server.api.get(`/machines/${id}`)).body as { guid: string }).guid);
    }
    await server.api.put('/checkin-control', { filter: '*.rep.acme', settings: { periodSeconds: 1 } });
    mkdirSync(join(localDir, machineGuid), { recursive: true });
    writeFileSync(join(localDir, machineGuid, 'full.img'), randomBytes(2 * 1024 * 1024));
    mkdirSync(join(localDir, machineGuid, 'incr'));
    writeFileSync(join(localDir, machineGuid, 'incr', 'inc1.img'), randomBytes(300_000));
    port = await offsitePort();
  });
  after(async () => {
    squatter?.close();
    await Promise.all([...agents.values()].map((a) => a.stop()));
    await server.stop();
    dir.cleanup();
  });

  it('refuses bad offsite servers with clear errors and stores nothing', async () => {
    const off = ids.get('off') as string;
    const base = { machineId: off, host: '127.0.0.1', port, directory: offRoot };
    const cases: Array<[Record<string, unknown>, number, RegExp]> = [
      [{ ...base, port: 1023 }, 400, /1024-49151/],
      [{ ...base, port: 49152 }, 400, /1024-49151/],
      [{ ...base, host: 'backupbox' }, 400, /NETBIOS|fully qualified/i],
      [{ ...base, directory: 'relative/dir' }, 400, /not an absolute path/],
      [{ ...base, machineId: 'ghost.rep.acme' }, 404, /no machine/],
      [{ ...base, extra: 1 }, 400, /extra|additional/i],
    ];
    for (const [body, status, message] of cases) {
      const r = await server.api.post('/offsite-servers', body);
      assert.equal(r.status, status, JSON.stringify(body));
      assert.match((r.body as { error: { message: string } }).error.message, message);
    }
    assert.deepEqual(((await server.api.get('/offsite-servers')).body as { items: unknown[] }).items, []);
  });

  it('a port another program holds: the start procedure fails and says so', async () => {
    const busy = await offsitePort();
    squatter = createServer().listen(busy);
    await new Promise((resolve) => squatter?.once('listening', resolve));
    const r = await server.api.post('/offsite-servers', {
      machineId: ids.get('off'),
      host: '127.0.0.1',
      port: busy,
      directory: join(dir.path, 'busy-root'),
    });
    assert.equal(r.status, 201);
    const created = r.body as RoleResponse;
    const start = await procedure(created.procedures[0] as string);
    assert.equal(start.status, 'failed');
    assert.match(start.result?.error ?? '', /already used by another application/);
    const shown = await waitFor('reported', async () => {
      const o = (await server.api.get(`/offsite-servers/${created.id}`)).body as {
        status: string;
        error: string | null;
      };
      return o.error ? o : null;
    });
    assert.equal(shown.status, 'offline');
    assert.equal((await server.api.request('DELETE', `/offsite-servers/${created.id}`)).status, 200);
  });

  it('starts an offsite server and a local server; the tree arrives as <local GUID>/<machine GUID>/...', async () => {
    const r = await server.api.post('/offsite-servers', {
      machineId: ids.get('off'),
      host: '127.0.0.1',
      port,
      directory: offRoot,
      syntheticFull: true,
    });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    offsiteId = (r.body as RoleResponse).id;
    assert.equal((await procedure((r.body as RoleResponse).procedures[0] as string)).status, 'complete');
    const l = await server.api.post('/local-servers', {
      machineId: ids.get('loc'),
      directory: localDir,
      offsiteServerId: offsiteId,
      schedule: '*/2 * * * * *',
    });
    assert.equal(l.status, 201, JSON.stringify(l.body));
    const local = l.body as RoleResponse & { createdAt: string };
    localId = local.id;
    assert.deepEqual(local.warnings, []);
    for (const p of local.procedures) assert.equal((await procedure(p)).status, 'complete');
    await waitFor(
      'first pass mirrored',
      () => sameContent('full.img') && sameContent(join('incr', 'inc1.img')),
      30_000,
    );
    const listed = await waitFor('local server active', async () => {
      const items = (
        (await server.api.get('/local-servers')).body as {
          items: Array<{ status: string; lastTransferAt: string | null; error: string | null }>;
        }
      ).items;
      return items[0]?.status === 'active' && items[0]?.lastTransferAt ? items[0] : null;
    });
    // The wait only saw a timestamp; it must be the time of a pass of this local server: after it
    // was created and not in the future (server, agents and test share this machine's clock).
    const transferredAt = Date.parse(listed.lastTransferAt as string);
    assert.ok(
      transferredAt >= Date.parse(local.createdAt) && transferredAt <= Date.now(),
      `lastTransferAt ${listed.lastTransferAt}, created ${local.createdAt}`,
    );
    assert.equal(listed.error, null);
    const offsite = await waitFor('offsite online', async () => {
      const o = (await server.api.get(`/offsite-servers/${offsiteId}`)).body as {
        status: string;
        freeBytes: number | null;
        agentStatus: string;
      };
      return o.status === 'online' && o.freeBytes !== null ? o : null;
    });
    assert.ok((offsite.freeBytes ?? 0) > 0);
    const procedures = (
      (await server.api.get(`/machines/${ids.get('off')}/commands`)).body as { items: CommandJson[] }
    ).items;
    assert.ok(
      procedures.some((c) => c.type === 'start-offsite-server' && c.status === 'complete'),
      'shown in pending procedures',
    );
  });

  it('on its schedule sends only what changed, and keeps synthetic full snapshots from data already held', async () => {
    const appended = Date.now();
    appendFileSync(join(localDir, machineGuid, 'full.img'), randomBytes(100_000));
    await waitFor('append mirrored by the schedule', () => sameContent('full.img'), 20_000);
    const pass = await waitFor('the pass reported', async () => {
      const l = (await server.api.get(`/local-servers/${localId}`)).body as {
        lastPass: { at: number; bytesSent: number; matchedBytes: number } | null;
      };
      return l.lastPass && l.lastPass.at >= appended && l.lastPass.bytesSent > 0 ? l.lastPass : null;
    });
    // 100 KB appended to a 2 MiB image: about the appended bytes travel, the rest is matched.
    assert.ok(pass.bytesSent < 200_000, `${pass.bytesSent} bytes sent for a 100 KB append`);
    assert.ok(pass.matchedBytes >= 2 * 1024 * 1024 - 64 * 1024, `${pass.matchedBytes} bytes matched`);
    const snapshots = join(offRoot, guids.get('loc') as string);
    const snapshotDirs = await waitFor('a snapshot', () => {
      const found = readdirSync(snapshots, { withFileTypes: true }).filter(
        (d) => d.name.startsWith('.') && d.isDirectory(),
      );
      return found.length > 0 ? found : null;
    });
    assert.ok(snapshotDirs.length > 0);
  });

  it('replicate-now runs a pass outside the schedule, through the bandwidth limit', async () => {
    const put = await server.api.put(`/local-servers/${localId}`, {
      schedule: '0 0 1 1 *',
      bandwidthKBps: 100,
    });
    assert.equal(put.status, 200, JSON.stringify(put.body));
    for (const p of (put.body as RoleResponse).procedures)
      assert.equal((await procedure(p)).status, 'complete');
    // A restarted local server runs one pass at once; it is over when the next run is the
    // yearly one of the new schedule.
    await waitFor('first pass after the restart', async () => {
      const l = (await server.api.get(`/local-servers/${localId}`)).body as {
        state: string;
        nextRunAt: string | null;
      };
      return l.state === 'idle' && l.nextRunAt !== null && Date.parse(l.nextRunAt) > Date.now() + 86_400_000;
    });
    writeFileSync(join(localDir, machineGuid, 'incr', 'inc2.img'), randomBytes(400_000));
    await new Promise((r) => setTimeout(r, 3000));
    assert.equal(existsSync(mirrored(join('incr', 'inc2.img'))), false, 'not before it is asked for');
    const started = Date.now();
    const now = await server.api.post(`/local-servers/${localId}/replicate-now`);
    assert.equal(now.status, 200);
    await waitFor('mirrored on demand', () => sameContent(join('incr', 'inc2.img')), 30_000, 100);
    const seconds = (Date.now() - started) / 1000;
    // 400 KB at 100 KB/s: at least about 3.5 s (the bucket may burst a quarter second).
    assert.ok(seconds >= 3.2, `400 KB took ${seconds}s at 100 KB/s`);
    assert.equal(statSync(mirrored(join('incr', 'inc2.img'))).size, 400_000);
  });

  it('synthetic fulls are hard links to the data already held', async () => {
    const guidDir = join(offRoot, guids.get('loc') as string);
    const snapshotRoot = join(guidDir, '.muster-snapshots');
    const latest = readdirSync(snapshotRoot).sort().at(-1) as string;
    const unchanged = join(machineGuid, 'incr', 'inc1.img');
    assert.equal(
      statSync(join(snapshotRoot, latest, unchanged)).ino,
      statSync(join(guidDir, unchanged)).ino,
      'an unchanged file shares its inode with the live copy',
    );
  });

  it('the offsite port speaks TLS 1.3 with 256-bit suites only (openssl s_client)', () => {
    const sClient = (...args: string[]) => {
      const r = spawnSync('openssl', ['s_client', '-connect', `127.0.0.1:${port}`, ...args], {
        input: '',
        encoding: 'utf8',
        timeout: 15_000,
      });
      return `${r.stdout}\n${r.stderr}`;
    };
    const modern = sClient('-tls1_3');
    assert.match(modern, /TLSv1\.3/);
    assert.match(modern, /Cipher is (TLS_AES_256_GCM_SHA384|TLS_CHACHA20_POLY1305_SHA256)/);
    assert.doesNotMatch(sClient('-tls1_2'), /Cipher is [A-Z]/, 'TLS 1.2 is refused');
    assert.doesNotMatch(
      sClient('-tls1_3', '-ciphersuites', 'TLS_AES_128_GCM_SHA256'),
      /Cipher is [A-Z]/,
      'a 128-bit suite is refused',
    );
  });

  it('a sender with a key the offsite server does not pin is refused, and so is an offsite with the wrong key', async () => {
    const offsiteKey = createPrivateKey(readFileSync(join(dir.path, 'off', 'agent-key.pem'), 'utf8'));
    const offsitePin = createHash('sha256')
      .update(createPublicKey(offsiteKey).export({ format: 'der', type: 'spki' }))
      .digest('hex');
    const push = (pin: string) =>
      runMuster('push', [
        'replicate',
        'push',
        '--dir',
        localDir,
        '--to',
        `127.0.0.1:${port}`,
        '--pin',
        pin,
        '--guid',
        guids.get('loc') as string,
        '--key',
        join(dir.path, 'stranger-key.pem'),
        '--state',
        join(dir.path, 'stranger-state'),
      ]);
    const stranger = push(offsitePin);
    assert.notEqual(await stranger.wait(), 0);
    assert.match(stranger.output(), /allow list|not allowed|unpinned/i);
    const wrongPin = push('0'.repeat(64));
    assert.notEqual(await wrongPin.wait(), 0);
    assert.match(wrongPin.output(), /pin|fingerprint/i);
  });

  it('verification finds a damaged block; the next transfer fetches only the damage again', async () => {
    const copy = mirrored('full.img');
    const bytes = readFileSync(copy);
    bytes[123_456] = (bytes[123_456] as number) ^ 0xff;
    writeFileSync(copy, bytes);
    const verify = await server.api.post(`/offsite-servers/${offsiteId}/verify`);
    assert.equal(verify.status, 200);
    const done = await procedure((verify.body as { procedures: string[] }).procedures[0] as string);
    assert.equal(done.status, 'complete', JSON.stringify(done.result));
    assert.match(done.result?.output ?? '', /1 damaged/);
    const notice = await waitFor('corruption notification', async () => {
      const items = (
        (await server.api.get('/notifications')).body as { items: Array<{ type: string; message: string }> }
      ).items;
      return items.find((n) => n.type === 'offsite-corruption');
    });
    assert.match(notice.message, /full\.img/);
    const before = Date.now();
    await server.api.post(`/local-servers/${localId}/replicate-now`);
    const pass = await waitFor('repaired', async () => {
      const l = (await server.api.get(`/local-servers/${localId}`)).body as {
        lastPass: { at: number; bytesSent: number } | null;
      };
      return l.lastPass && l.lastPass.at >= before && sameContent('full.img') ? l.lastPass : null;
    });
    assert.ok(
      pass.bytesSent < 512 * 1024,
      `${pass.bytesSent} bytes sent to repair one block of a 2 MiB file`,
    );
  });

  it('a transfer broken by kill -9 of the local or the offsite agent resumes where it stopped', async () => {
    await server.api.put(`/local-servers/${localId}`, { schedule: '0 0 1 1 *', bandwidthKBps: 1024 });
    const size = 6 * 1024 * 1024;
    for (const victim of ['loc', 'off'] as const) {
      const name = join('incr', `resume-${victim}.img`);
      writeFileSync(join(localDir, machineGuid, name), randomBytes(size));
      const started = Date.now();
      await server.api.post(`/local-servers/${localId}/replicate-now`);
      const partialDir = join(offRoot, guids.get('loc') as string, '.muster-partial');
      let tornSeen = false;
      const watch = setInterval(() => {
        if (existsSync(mirrored(name)) && statSync(mirrored(name)).size !== size) tornSeen = true;
      }, 20);
      try {
        await waitFor(
          'a third received',
          () =>
            existsSync(partialDir) &&
            readdirSync(partialDir).some((f) => statSync(join(partialDir, f)).size >= size / 3),
          30_000,
          20,
        );
        const atKill = readdirSync(partialDir).map((f) => `${f}:${statSync(join(partialDir, f)).size}`);
        const agent = agents.get(victim) as Proc;
        await agent.stop('SIGKILL');
        agents.set(victim, startAgent(victim, { stateDir: join(dir.path, victim) }));
        const seen: unknown[] = [];
        const pass = await waitFor(
          'complete after the restart',
          async () => {
            const l = (await server.api.get(`/local-servers/${localId}`)).body as {
              lastPass: { at: number; bytesSent: number; resumedBytes: number; complete: boolean } | null;
            };
            if (l.lastPass && !seen.some((p) => JSON.stringify(p) === JSON.stringify(l.lastPass)))
              seen.push(l.lastPass);
            return l.lastPass && l.lastPass.at > started && l.lastPass.complete && sameContent(name)
              ? l.lastPass
              : null;
          },
          60_000,
          20,
        );
        assert.ok(
          pass.resumedBytes >= size / 3 - 256 * 1024,
          `${victim}: resumed ${pass.resumedBytes} bytes; passes seen: ${JSON.stringify(seen)}; partials at the kill: ${JSON.stringify(atKill)}`,
        );
        assert.ok(
          pass.bytesSent <= size - pass.resumedBytes + 300 * 1024,
          `${victim}: ${pass.bytesSent} bytes sent after resuming at ${pass.resumedBytes}`,
        );
      } finally {
        clearInterval(watch);
      }
      assert.equal(tornSeen, false, 'no partial file was ever visible at its final name');
    }
  });

  it('a local server on the offsite machine itself is allowed, with a warning', async () => {
    mkdirSync(join(dir.path, 'same-machine'));
    const r = await server.api.post('/local-servers', {
      machineId: ids.get('off'),
      directory: join(dir.path, 'same-machine'),
      offsiteServerId: offsiteId,
    });
    assert.equal(r.status, 201);
    assert.match((r.body as RoleResponse).warnings.join(' '), /no disaster-recovery benefit/);
    const del = await server.api.request('DELETE', `/local-servers/${(r.body as RoleResponse).id}`);
    assert.equal(del.status, 200);
    assert.equal(
      (await server.api.request('DELETE', `/offsite-servers/${offsiteId}`)).status,
      409,
      'still in use',
    );
  });

  it('notifies when local servers go inactive; all of one offsite inactive says to restart the offsite server', async () => {
    mkdirSync(join(dir.path, 'local2', machineGuid), { recursive: true });
    writeFileSync(join(dir.path, 'local2', machineGuid, 'disk.img'), randomBytes(10_000));
    const second = await server.api.post('/local-servers', {
      machineId: ids.get('loc2'),
      directory: join(dir.path, 'local2'),
      offsiteServerId: offsiteId,
      schedule: '*/2 * * * * *',
    });
    assert.equal(second.status, 201);
    await server.api.put(`/local-servers/${localId}`, { schedule: '*/2 * * * * *', bandwidthKBps: 0 });
    let seen: unknown = null;
    await waitFor(
      'both active',
      async () => {
        const items = ((await server.api.get('/local-servers')).body as { items: Array<{ status: string }> })
          .items;
        seen = items;
        return items.length === 2 && items.every((i) => i.status === 'active');
      },
      60_000,
    ).catch(async (error: Error) => {
      const off = (await server.api.get(`/machines/${ids.get('off')}/commands`)).body;
      throw new Error(
        `${error.message}; last seen: ${JSON.stringify(seen)}; offsite procedures: ${JSON.stringify(off)}`,
      );
    });
    await (agents.get('off') as Proc).stop('SIGKILL');
    const notice = await waitFor(
      'offsite restart advice',
      async () => {
        const items = (
          (await server.api.get('/notifications')).body as { items: Array<{ type: string; message: string }> }
        ).items;
        return items.find(
          (n) => n.type === 'local-server-inactive' && /restart the offsite server/.test(n.message),
        );
      },
      30_000,
    );
    assert.match(notice.message, new RegExp(offsiteId));
    const items = ((await server.api.get('/local-servers')).body as { items: Array<{ status: string }> })
      .items;
    assert.equal(items.length, 2, 'both local servers are still listed');
    assert.ok(items.every((i) => i.status === 'inactive'));
  });
});
