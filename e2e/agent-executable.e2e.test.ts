import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { agentState, freePort, Proc, runMuster, TestServer, tempDir, waitFor } from './support/harness';
import { TerminalTestClient } from './support/terminal-client';
import { systemdAnalyzeAvailable, verifyUnits } from './support/unit-file';

const BUILD_SCRIPT = fileURLToPath(new URL('../scripts/build-agent.mjs', import.meta.url));

interface Manifest {
  file: string;
  platform: string;
  version: string;
  size: number;
  sha256: string;
}

// `npm run build:agent` for real: the executable is built, copied alone into an empty directory
// (no node_modules, no sources beside it, not started through node) and run there as an agent
// against a real server: it enrolls, checks in and runs a command.
describe('the self-contained agent executable', () => {
  const dir = tempDir('agent-exe');
  const build = join(dir.path, 'build');
  const lone = join(dir.path, 'lone');
  let manifest: Manifest;
  let server: TestServer;
  let agent: Proc | undefined;

  before(async () => {
    execFileSync(process.execPath, [BUILD_SCRIPT, '--out', build], { stdio: 'pipe' });
    manifest = JSON.parse(readFileSync(join(build, 'manifest.json'), 'utf8')) as Manifest;
    server = await TestServer.start({
      dataDir: join(dir.path, 'server'),
      agentPorts: [await freePort()],
      env: { MUSTER_AGENT_BUILD_DIR: build },
    });
  });
  after(async () => {
    await agent?.stop();
    await server?.stop();
    dir.cleanup();
  });

  it('is one file whose manifest gives its true size and SHA-256', () => {
    assert.deepEqual(readdirSync(build).sort(), ['manifest.json', manifest.file, `${manifest.file}.sha256`]);
    assert.equal(manifest.platform, `${process.platform}-${process.arch}`);
    const bytes = readFileSync(join(build, manifest.file));
    assert.equal(bytes.length, manifest.size);
    assert.equal(createHash('sha256').update(bytes).digest('hex'), manifest.sha256);
    assert.equal(
      readFileSync(join(build, `${manifest.file}.sha256`), 'utf8'),
      `${manifest.sha256}  ${manifest.file}\n`,
    );
  });

  it('runs alone: --help, then enrolls, checks in and runs a command', async () => {
    execFileSync('mkdir', ['-p', lone]);
    const executable = join(lone, manifest.file);
    copyFileSync(join(build, manifest.file), executable);
    execFileSync('chmod', ['755', executable]);
    // An empty environment path and another working directory: nothing of the repository is reachable.
    const env = { PATH: '/usr/bin:/bin', HOME: lone };
    const help = execFileSync(executable, ['--help'], { cwd: lone, env, encoding: 'utf8' });
    assert.match(help, /^Usage: muster-agent \[options\]/);
    assert.match(help, /--token <token>/);

    const token = await server.installToken({ group: 'exe.acme' });
    const state = join(lone, 'state');
    const child = spawn(
      executable,
      [
        '--server',
        `127.0.0.1:${server.options.agentPorts[0]}`,
        '--token',
        token,
        '--state',
        state,
        '--hardware-id',
        'hw-exe',
      ],
      { cwd: lone, env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    agent = new Proc('agent:exe', child);
    const id = await waitFor('enrolled', () => agentState(state).machineId);
    const machine = await server.waitForStatus(id, 'online');
    assert.ok(id.endsWith('.exe.acme'), `enrolled into the token's group: ${id}`);
    assert.equal(machine.audit?.hardwareId, 'hw-exe');
    const queued = await server.api.post('/commands', {
      targets: { machines: [id] },
      type: 'shell',
      params: { script: 'echo from-the-executable' },
    });
    assert.equal(queued.status, 201, JSON.stringify(queued.body));
    const cid = (queued.body as { items: Array<{ id: string }> }).items[0]?.id as string;
    const done = await waitFor('command complete', async () => {
      const c = (await server.api.get(`/commands/${cid}`)).body as {
        status: string;
        result: { output: string | null } | null;
      };
      return c.status === 'complete' ? c : null;
    });
    assert.match(done.result?.output ?? '', /from-the-executable/);
    assert.doesNotMatch(agent.output(), /Warning/, 'no runtime warning from the executable');
  });

  it('opens a remote terminal: the pseudo-terminal library comes out of the executable', async () => {
    const state = join(lone, 'state');
    const id = agentState(state).machineId;
    assert.ok(agent && id, 'the agent of the test before runs');
    const t = await TerminalTestClient.open(server.api.baseUrl, server.api.token(), id, {
      cols: 80,
      rows: 24,
    });
    await t.waitForControl('opened');
    t.type('echo exe-$((6*7))\r');
    await t.waitForOutput(/exe-42/);
    t.type('exit\r');
    assert.equal((await t.closed).code, 1000);
    // node-pty's native addon is an asset of the executable, written under the agent's state.
    assert.ok(readdirSync(join(state, 'native')).length > 0, 'the addon extracted under <state>/native');
  });

  const base = () => `http://127.0.0.1:${server.options.httpPort}`;

  /** Fetches a token's install script from the server, as the one-line install command does. */
  async function installScriptOf(token: string): Promise<string> {
    const response = await fetch(`${base()}/install/${token}`);
    assert.equal(response.status, 200, await response.clone().text());
    assert.match(response.headers.get('content-type') ?? '', /^text\/x-shellscript/);
    return response.text();
  }

  /** Runs an install script into a directory tree (MUSTER_INSTALL_ROOT), as root would run it. */
  function runInstall(script: string, root: string): { status: number; output: string } {
    const file = join(dir.path, `install-${Date.now()}.sh`);
    execFileSync('sh', ['-c', `cat > ${file}`], { input: script });
    try {
      const output = execFileSync('sh', [file], {
        env: { PATH: '/usr/bin:/bin', MUSTER_INSTALL_ROOT: root },
        encoding: 'utf8',
        stdio: 'pipe',
      });
      return { status: 0, output };
    } catch (error) {
      const e = error as { status: number; stdout: string; stderr: string };
      return { status: e.status, output: `${e.stdout}${e.stderr}` };
    }
  }

  it('an install script per token downloads, checks, installs, enrolls; the unit passes systemd-analyze', async () => {
    // What an administrator runs: the CLI prints the one command for the managed machine.
    const cli = runMuster('cli', [
      '--api',
      base(),
      '--token-file',
      join(dir.path, 'server', 'admin-token'),
      'install-token',
      'create',
      '--group',
      'installed.acme',
      '--script',
    ]);
    assert.equal(await cli.wait(), 0, cli.output());
    const oneLine = cli.output().trim();
    const url = /^curl -fsSL -o muster-install\.sh '([^']+)' && sudo sh muster-install\.sh$/.exec(
      oneLine,
    )?.[1];
    assert.ok(url?.startsWith(`${base()}/install/mit_`), oneLine);
    const token = (url as string).slice(`${base()}/install/`.length);
    const script = await installScriptOf(token);
    const root = join(dir.path, 'root');
    const run = runInstall(script, root);
    assert.equal(run.status, 0, run.output);
    assert.match(run.output, /Enrolling with 127\.0\.0\.1:\d+/);

    const executable = join(root, 'opt/muster-agent/muster-agent');
    assert.equal(createHash('sha256').update(readFileSync(executable)).digest('hex'), manifest.sha256);
    const state = join(root, 'var/lib/muster-agent');
    assert.equal(statSync(state).mode & 0o777, 0o700);
    const id = agentState(state).machineId;
    assert.ok(id?.endsWith('.installed.acme'), `enrolled by the script: ${id}`);
    // The token is gone from the root-only config once used; it was never on a command line.
    const config = join(root, 'etc/muster-agent/agent.env');
    assert.equal(statSync(config).mode & 0o777, 0o600);
    assert.equal(readFileSync(config, 'utf8'), `MUSTER_SERVER=127.0.0.1:${server.options.agentPorts[0]}\n`);

    const unit = readFileSync(join(root, 'etc/systemd/system/muster-agent.service'), 'utf8');
    assert.match(unit, /^ExecStart=\/opt\/muster-agent\/muster-agent --state \/var\/lib\/muster-agent$/m);
    assert.match(unit, /^Restart=always$/m);
    assert.match(unit, /^EnvironmentFile=-\/etc\/muster-agent\/agent.env$/m);
    assert.doesNotMatch(unit, /mit_/);
    if (systemdAnalyzeAvailable()) {
      // The unit as written, but for the executable's place in the tree it was installed into
      // (verify checks that ExecStart's program exists and is executable).
      const checked = join(dir.path, 'verify', 'muster-agent.service');
      mkdirSync(dirname(checked), { recursive: true });
      writeFileSync(checked, unit.replace('ExecStart=/opt/', `ExecStart=${root}/opt/`));
      const verified = verifyUnits([checked]);
      assert.ok(verified.ok, verified.output);
    }

    // Started as systemd would start it: the unit's command line and environment file.
    const child = spawn(executable, ['--state', state], {
      env: { PATH: '/usr/bin:/bin', MUSTER_SERVER: `127.0.0.1:${server.options.agentPorts[0]}` },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const installed = new Proc('agent:installed', child);
    try {
      await server.waitForStatus(id as string, 'online');
    } finally {
      await installed.stop();
    }
  });

  it('an install script whose token the server refuses fails with the reason and starts nothing', async () => {
    const unknown = `mit_${'A'.repeat(43)}`;
    const root = join(dir.path, 'refused-root');
    const run = runInstall(await installScriptOf(unknown), root);
    assert.equal(run.status, 1, run.output);
    assert.match(run.output, /the server refused this agent/);
    assert.match(run.output, /install token/i);
    assert.equal(existsSync(join(root, 'etc/systemd/system/muster-agent.service')), false, 'no unit written');
  });

  it('installs itself by hand (agent install), enrolls, and uninstalls (agent uninstall)', async () => {
    const executable = join(lone, manifest.file);
    const root = join(dir.path, 'by-hand');
    const token = await server.installToken({ group: 'byhand.acme' });
    const env = { PATH: '/usr/bin:/bin', HOME: lone };
    const agentPort = `127.0.0.1:${server.options.agentPorts[0]}`;
    const installed = execFileSync(
      executable,
      ['install', '--root', root, '--server', agentPort, '--token', token],
      { env, encoding: 'utf8', stdio: 'pipe' },
    );
    assert.match(installed, /Installed into/);
    const copy = join(root, 'opt/muster-agent/muster-agent');
    assert.equal(createHash('sha256').update(readFileSync(copy)).digest('hex'), manifest.sha256, 'itself');
    assert.equal(
      readFileSync(join(root, 'etc/muster-agent/agent.env'), 'utf8'),
      `MUSTER_SERVER=${agentPort}\n`,
    );
    assert.ok(agentState(join(root, 'var/lib/muster-agent')).machineId?.endsWith('.byhand.acme'));
    assert.equal(
      readFileSync(join(root, 'etc/systemd/system/muster-agent.service'), 'utf8'),
      (await installScriptOf(token)).split("<<'UNIT'\n")[1]?.split('UNIT\n')[0],
      'the same unit as the install script writes',
    );

    // A token the server refuses: exit status 3, nothing started or left to start.
    const refusedRoot = join(dir.path, 'by-hand-refused');
    const refused = spawnSync(
      executable,
      ['install', '--root', refusedRoot, '--server', agentPort, '--token', `mit_${'B'.repeat(43)}`],
      { env, encoding: 'utf8' },
    );
    assert.equal(refused.status, 3, refused.stderr);
    assert.match(refused.stderr, /the server refused this agent/);
    assert.equal(existsSync(join(refusedRoot, 'etc/systemd/system/muster-agent.service')), false);

    const removed = execFileSync(executable, ['uninstall', '--root', root], { env, encoding: 'utf8' });
    assert.match(removed, /uninstalled/);
    for (const path of [
      'opt/muster-agent',
      'etc/muster-agent',
      'var/lib/muster-agent',
      'etc/systemd/system/muster-agent.service',
    ])
      assert.equal(existsSync(join(root, path)), false, `${path} removed`);
  });

  it('bad requests: a malformed token, an unknown download', async () => {
    const malformed = await fetch(`${base()}/install/not-a-token`);
    assert.equal(malformed.status, 400);
    assert.match(await malformed.text(), /not an install token/);
    const other = await fetch(`${base()}/downloads/muster-agent-windows-x64.exe`);
    assert.equal(other.status, 404);
    assert.match(await other.text(), /this server has muster-agent-linux-x64/);
    // muster agent install under node needs the executable named; a bad server is refused
    // before anything is written.
    const badRoot = join(dir.path, 'bad-root');
    const noExecutable = runMuster('cli', [
      'agent',
      'install',
      '--root',
      badRoot,
      '--server',
      '127.0.0.1:5721',
    ]);
    assert.equal(await noExecutable.wait(), 1);
    assert.match(noExecutable.output(), /give the agent executable: --executable FILE/);
    const badServer = runMuster('cli', [
      'agent',
      'install',
      '--root',
      badRoot,
      '--server',
      'https://muster.example.com',
      '--executable',
      join(build, manifest.file),
    ]);
    assert.notEqual(await badServer.wait(), 0);
    assert.match(badServer.output(), /host:port|https/);
    assert.equal(existsSync(badRoot), false, 'nothing written');
    // The request log names the route, never a token.
    assert.doesNotMatch(server.proc.output(), /\/install\/mit_/);
  });
});
