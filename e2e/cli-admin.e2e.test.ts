import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { freePort, MUSTER_BIN, startAgent, TestServer, tempDir, waitFor } from './support/harness';

/** What one `muster` run printed and how it ended. */
interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

interface CommandJson {
  id: string;
  status: string;
  result: { exitCode: number | null; output: string | null; error: string | null } | null;
  transitions: Array<{ status: string; detail: string | null }>;
}

// The admin command line against a real server process (and real agents): install tokens
// (default expiry, never, list, revoke), machines delete, and the commands, files and
// devices subcommands. Every run is a real `muster` process.
describe('muster admin command line', () => {
  const dir = tempDir('cli-admin');
  let server: TestServer;
  let agentPort: number;
  let devicePort: number;
  const agents: Array<{ stop(): Promise<void> }> = [];

  const cli = (...args: string[]): Promise<CliRun> =>
    new Promise((resolve) => {
      execFile(
        process.execPath,
        [
          MUSTER_BIN,
          '--api',
          server.api.baseUrl,
          '--token-file',
          join(dir.path, 'server', 'admin-token'),
          ...args,
        ],
        { env: { ...process.env, MUSTER_TOKEN: '' } },
        (error, stdout, stderr) => {
          const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
          resolve({ code, stdout, stderr });
        },
      );
    });
  const ok = async (...args: string[]): Promise<string> => {
    const run = await cli(...args);
    assert.equal(run.code, 0, `muster ${args.join(' ')} failed: ${run.stderr}`);
    return run.stdout;
  };
  const fails = async (pattern: RegExp, ...args: string[]): Promise<void> => {
    const run = await cli(...args);
    assert.equal(run.code, 1, `muster ${args.join(' ')} should fail; printed ${run.stdout}`);
    assert.match(run.stderr, pattern);
  };
  const command = async (id: string) => (await server.api.get(`/commands/${id}`)).body as CommandJson;

  before(async () => {
    agentPort = await freePort();
    devicePort = await freePort();
    server = await TestServer.start({
      dataDir: join(dir.path, 'server'),
      agentPorts: [agentPort],
      devicePort,
    });
  });
  after(async () => {
    await Promise.all(agents.map((a) => a.stop()));
    await server.stop();
    dir.cleanup();
  });

  it('install tokens expire after 7 days by default, never on request, and bad lifetimes are refused', async () => {
    const before = Date.now();
    const made = JSON.parse(await ok('install-token', 'create', '--group', 'cli.acme', '--json'));
    const week = 7 * 86400_000;
    const expiresAt = Date.parse(made.expiresAt);
    assert.ok(expiresAt >= before + week && expiresAt <= Date.now() + week, made.expiresAt);

    const forever = JSON.parse(
      await ok('install-token', 'create', '--group', 'cli.acme', '--expires-in', 'never', '--json'),
    );
    assert.equal(forever.expiresAt, null);
    const viaApi = await server.api.post('/install-tokens', { group: 'cli.acme', expiresInSeconds: null });
    assert.equal(viaApi.status, 201);
    assert.equal((viaApi.body as { expiresAt: string | null }).expiresAt, null);

    // 0 means never too, as in the server setting installTokenExpirySeconds.
    const zero = await server.api.post('/install-tokens', { group: 'cli.acme', expiresInSeconds: 0 });
    assert.equal(zero.status, 201);
    assert.equal((zero.body as { expiresAt: string | null }).expiresAt, null);
    for (const bad of [-1, 1.5, 'soon', 11 * 365 * 86400]) {
      const refused = await server.api.post('/install-tokens', { group: 'bad.acme', expiresInSeconds: bad });
      assert.equal(refused.status, 400, `expiresInSeconds ${bad}`);
    }
    await fails(
      /--expires-in|"never"/,
      'install-token',
      'create',
      '--group',
      'cli.acme',
      '--expires-in',
      'soon',
    );
  });

  it('lists install tokens without their secret and revokes them: a revoked token enrolls nothing (4011)', async () => {
    const token = await server.installToken({ group: 'rev.acme', maxUses: 3 });
    const listed = await ok('install-token', 'list', '--json');
    assert.equal(listed.includes(token), false, 'the list never shows a token');
    const items = JSON.parse(listed).items as Array<{
      id: string;
      prefix: string;
      state: string;
      group: string;
    }>;
    const mine = items.find((t) => t.group === 'rev.acme');
    assert.ok(mine, 'the new token is listed');
    assert.equal(mine.state, 'active');
    assert.ok(token.startsWith(mine.prefix) && mine.prefix.length === 12, mine.prefix);
    assert.match(
      await ok('install-token', 'list'),
      new RegExp(`${mine.id}\\s+${mine.prefix}…\\s+rev\\.acme`),
    );

    assert.match(await ok('install-token', 'revoke', mine.id), new RegExp(`${mine.id}: revoked at `));
    const after = JSON.parse(await ok('install-token', 'list', '--json')).items as typeof items;
    assert.equal(after.find((t) => t.id === mine.id)?.state, 'revoked');
    await fails(/no install token "nope"/, 'install-token', 'revoke', 'nope');

    const agent = startAgent('revoked', {
      stateDir: join(dir.path, 'revoked'),
      server: `127.0.0.1:${agentPort}`,
      token,
    });
    agents.push(agent);
    await waitFor('the revoked token refused', () => agent.logs('install token was revoked').length > 0);
    assert.ok(agent.logs('4011').length > 0, agent.output());
    assert.deepEqual(await server.machines('*.rev.acme'), []);
  });

  it('queues, lists, shows and cancels commands; deleting the machine closes its agent (4016) and ends its commands', async () => {
    // One use only: an agent still running with a valid token would enroll again after the
    // delete (as `muster agent --token` is meant to), which is not what this test is about.
    const token = await server.installToken({ group: 'q.acme', maxUses: 1 });
    const agent = startAgent('qa', {
      stateDir: join(dir.path, 'qa'),
      server: `127.0.0.1:${agentPort}`,
      token,
    });
    agents.push(agent);
    const machine = (await waitFor('enrolled', async () => (await server.machines('*.q.acme'))[0])).id;
    await server.waitForStatus(machine, 'online');

    const queued = JSON.parse(
      await ok(
        'commands',
        'queue',
        '--machines',
        machine,
        '--type',
        'shell',
        '--script',
        'echo hello-cli',
        '--json',
      ),
    );
    assert.equal(queued.items.length, 1);
    const echoId = queued.items[0].id as string;
    await waitFor('echo done', async () => (await command(echoId)).status === 'complete');
    const shown = await ok('commands', 'show', echoId);
    assert.match(shown, /status: +complete/);
    assert.match(shown, /hello-cli/);
    const listed = JSON.parse(await ok('commands', 'list', '--target', machine, '--json'));
    assert.deepEqual(
      listed.items.map((c: { id: string }) => c.id),
      [echoId],
    );
    await fails(/cannot be canceled|not pending|409/, 'commands', 'cancel', echoId);
    assert.equal(
      typeof ((await server.api.get(`/commands/${echoId}`)).body as { expiresAt: unknown }).expiresAt,
      'string',
      'the default TTL',
    );
    const forever = JSON.parse(
      await ok('commands', 'queue', '--machines', machine, '--type', 'audit', '--ttl', 'never', '--json'),
    ).items[0].id as string;
    assert.equal(
      ((await server.api.get(`/commands/${forever}`)).body as { expiresAt: unknown }).expiresAt,
      null,
      '--ttl never',
    );

    // One command runs (delivered, no result yet); the next two wait behind it.
    const long = JSON.parse(
      await ok(
        'commands',
        'queue',
        '--machines',
        machine,
        '--type',
        'shell',
        '--script',
        'sleep 60',
        '--json',
      ),
    ).items[0].id as string;
    await waitFor('sleep delivered', async () => (await command(long)).status === 'processing');
    const queueAudit = async () =>
      JSON.parse(await ok('commands', 'queue', '--machines', machine, '--type', 'audit', '--json')).items[0]
        .id as string;
    const waiting = await queueAudit();
    const toCancel = await queueAudit();
    assert.match(await ok('commands', 'cancel', toCancel), new RegExp(`${toCancel}: canceled`));

    const deleted = await ok('machines', 'delete', machine);
    assert.match(
      deleted,
      new RegExp(`${machine}: deleted; 1 command\\(s\\) not yet delivered canceled, 1 delivered`),
    );
    await waitFor('agent closed with 4016', () => agent.logs('4016').length > 0);
    assert.equal(await server.machine(machine), null);
    const ran = await command(long);
    assert.equal(ran.status, 'unknown');
    assert.match(ran.result?.error ?? '', /machine removed after the command was delivered; it may have run/);
    const never = await command(waiting);
    assert.equal(never.status, 'canceled');
    assert.match(never.transitions.at(-1)?.detail ?? '', /machine removed before the command was delivered/);
    await fails(/no machine/, 'machines', 'delete', machine);
  });

  it('refuses bad command-line input with a clear message and queues nothing', async () => {
    const before = (await server.api.get('/commands?limit=1000')).body as { items: unknown[] };
    await fails(/exactly one of --machines, --devices or --filter/, 'commands', 'queue', '--type', 'shell');
    await fails(
      /--params is not JSON/,
      'commands',
      'queue',
      '--filter',
      '*',
      '--type',
      'shell',
      '--params',
      '{bad',
    );
    await fails(
      /--script is for --type shell/,
      'commands',
      'queue',
      '--filter',
      '*',
      '--type',
      'audit',
      '--script',
      'x',
    );
    await fails(
      /--priority must be a whole number from -100 to 100/,
      'commands',
      'queue',
      '--filter',
      '*',
      '--type',
      'audit',
      '--priority',
      '500',
    );
    await fails(
      /--ttl must be a number of seconds from 1 to 31536000, or "never"/,
      'commands',
      'queue',
      '--filter',
      '*',
      '--type',
      'audit',
      '--ttl',
      'forever',
    );
    await fails(/--status.*Allowed choices are pending, processing/, 'commands', 'list', '--status', 'bogus');
    await fails(/--from must be a date/, 'commands', 'list', '--from', 'yesterday-ish');
    await fails(/no command|not-found/, 'commands', 'show', 'nope');
    const afterRuns = (await server.api.get('/commands?limit=1000')).body as { items: unknown[] };
    assert.equal(afterRuns.items.length, before.items.length, 'nothing was queued');
    assert.match(await ok('commands', '--help'), /queue[\s\S]*list[\s\S]*show[\s\S]*cancel/);
  });

  it('uploads, lists, downloads (checked) and deletes files', async () => {
    const source = join(dir.path, 'payload.bin');
    const content = Buffer.from(Array.from({ length: 300_000 }, (_, i) => i % 251));
    writeFileSync(source, content);
    const uploaded = JSON.parse(await ok('files', 'upload', source, '--name', 'payload.bin', '--json'));
    assert.equal(uploaded.size, content.length);
    const grouped = JSON.parse(
      await ok('files', 'upload', source, '--name', 'grouped.bin', '--group', 'q.acme', '--json'),
    );
    assert.equal(grouped.group, 'q.acme', 'the file belongs to the group named');
    const listed = JSON.parse(await ok('files', 'list', '--json')).items as Array<{ id: string }>;
    assert.ok(listed.some((f) => f.id === uploaded.id));
    const target = join(dir.path, 'downloaded.bin');
    assert.match(await ok('files', 'download', uploaded.id, '--output', target), /300000 bytes/);
    assert.deepEqual(readFileSync(target), content);
    await fails(/exists; add --force/, 'files', 'download', uploaded.id, '--output', target);
    await ok('files', 'download', uploaded.id, '--output', target, '--force');
    assert.match(await ok('files', 'delete', uploaded.id), /deleted/);
    await fails(
      /no file|not-found/,
      'files',
      'download',
      uploaded.id,
      '--output',
      join(dir.path, 'gone.bin'),
    );
    await fails(/cannot read/, 'files', 'upload', join(dir.path, 'missing.bin'));
  });

  it('lists and shows devices, queues device commands and asks for a check-in', async () => {
    const enrollment = await server.api.post('/device-enrollment-tokens', {
      group: 'phones.acme',
      platform: 'android',
    });
    assert.equal(enrollment.status, 201);
    const caFile = join(dir.path, 'server', 'tls-cert.pem');
    const sim = await cli(
      'device',
      'simulate',
      '--server',
      `https://127.0.0.1:${devicePort}`,
      '--token',
      (enrollment.body as { token: string }).token,
      '--platform',
      'android',
      '--name-prefix',
      'pixel',
      '--state',
      join(dir.path, 'phones'),
      '--ca',
      caFile,
      '--server-name',
      'muster-server',
      '--once',
    );
    assert.equal(sim.code, 0, sim.stderr);
    const devices = JSON.parse(await ok('devices', 'list', '--json')).items as Array<{ id: string }>;
    assert.equal(devices.length, 1);
    const phone = devices[0]?.id as string;
    assert.match(await ok('devices', 'list'), new RegExp(`${phone}\\s+android`));
    assert.equal(JSON.parse(await ok('devices', 'show', phone)).id, phone);
    await fails(/no device/, 'devices', 'show', 'nope.phones.acme');

    const queued = JSON.parse(
      await ok('devices', 'command', phone, '--type', 'message', '--text', 'hi', '--json'),
    );
    const c = await command(queued.items[0].id);
    assert.equal(c.status, 'pending');
    await fails(/--type.*(choices|Allowed)/i, 'devices', 'command', phone, '--type', 'explode');
    await fails(/--text is for --type message/, 'devices', 'command', phone, '--type', 'lock', '--text', 'x');

    // No push channel is configured for this phone on this server: the answer says so.
    const wake = await cli('devices', 'request-checkin', phone);
    assert.ok(
      wake.code === 0 ? /wake-up .* via /.test(wake.stdout) : wake.stderr.length > 0,
      wake.stdout + wake.stderr,
    );
  });
});
