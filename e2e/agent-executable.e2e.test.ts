import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { agentState, freePort, Proc, TestServer, tempDir, waitFor } from './support/harness';

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

  before(() => {
    execFileSync(process.execPath, [BUILD_SCRIPT, '--out', build], { stdio: 'pipe' });
    manifest = JSON.parse(readFileSync(join(build, 'manifest.json'), 'utf8')) as Manifest;
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

    const port = await freePort();
    server = await TestServer.start({ dataDir: join(dir.path, 'server'), agentPorts: [port] });
    const token = await server.installToken({ group: 'exe.acme' });
    const state = join(lone, 'state');
    const child = spawn(
      executable,
      ['--server', `127.0.0.1:${port}`, '--token', token, '--state', state, '--hardware-id', 'hw-exe'],
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
});
