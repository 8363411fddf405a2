import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { agentState, freePort, Proc, TestServer, tempDir, waitFor } from './support/harness';

const BUILD_SCRIPT = fileURLToPath(new URL('../scripts/build-agent.mjs', import.meta.url));
const OLD = '0.1.0-e2e.1';
const NEW = '0.1.0-e2e.2';

const sha256Of = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

/** Builds the agent executable reporting `version` into `out`; returns the executable's path. */
function build(out: string, version: string): string {
  execFileSync(process.execPath, [BUILD_SCRIPT, '--out', out, '--version', version], { stdio: 'pipe' });
  return join(out, `muster-agent-${process.platform}-${process.arch}`);
}

interface MachineJson {
  status: string;
  agentVersion: string | null;
}

// Self-update with real builds and processes: the server serves a newer build and rolls it out
// to its update group; the agent fetches it over its connection, swaps it in, restarts into it
// and confirms once welcomed. Then a new build that cannot check in (its server is down) goes
// back to the previous one by itself, which checks in once the server is back.
describe('agent self-update', () => {
  const dir = tempDir('agent-update');
  const installed = join(dir.path, 'opt', 'muster-agent');
  const executable = join(installed, 'muster-agent');
  const state = join(dir.path, 'state');
  let oldBuild: string;
  let newBuild: string;
  let server: TestServer;
  let id: string;
  const env = { PATH: '/usr/bin:/bin', HOME: dir.path };

  /** The agent processes of this state directory (a restart starts a new, detached one). */
  const stopAgents = () => spawnSync('pkill', ['-f', '--', `--state ${state}`]);

  const machine = async () => (await server.api.get(`/machines/${id}`)).body as MachineJson;

  before(async () => {
    oldBuild = build(join(dir.path, 'build-old'), OLD);
    newBuild = build(join(dir.path, 'build-new'), NEW);
    server = await TestServer.start({
      dataDir: join(dir.path, 'server'),
      agentPorts: [await freePort()],
      env: {
        MUSTER_AGENT_BUILD_DIR: join(dir.path, 'build-new'),
        MUSTER_AGENT_UPDATE_GROUPS: 'upd.acme',
        MUSTER_AGENT_UPDATE_INTERVAL_MS: '300',
        MUSTER_AGENT_UPDATE_TRIAL_SECONDS: '60',
      },
    });
  });
  after(async () => {
    stopAgents();
    await server?.stop();
    dir.cleanup();
  });

  it('an agent of the update group reporting an older version is updated, restarts into the new build and confirms it', async () => {
    mkdirSync(installed, { recursive: true });
    copyFileSync(oldBuild, executable);
    execFileSync('chmod', ['755', executable]);
    const token = await server.installToken({ group: 'upd.acme' });
    const child = spawn(
      executable,
      ['--server', `127.0.0.1:${server.options.agentPorts[0]}`, '--token', token, '--state', state],
      { env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const first = new Proc('agent:old', child);
    id = (await waitFor('enrolled', () => agentState(state).machineId)) as string;

    const updated = await waitFor(
      'the new version checked in',
      async () => {
        const m = await machine();
        return m.status === 'online' && m.agentVersion === NEW ? m : null;
      },
      60_000,
    );
    assert.equal(updated.agentVersion, NEW);
    assert.equal(await first.wait(), 0, 'the old process handed over and ended');
    assert.equal(sha256Of(executable), sha256Of(newBuild), 'the new build is in place');
    assert.equal(sha256Of(`${executable}.previous`), sha256Of(oldBuild), 'the old one is kept');
    await waitFor('the update confirmed', () => !existsSync(join(state, 'update-trial.json')));
    assert.equal(existsSync(join(state, 'update-trial.deadline')), false);

    const list = (await server.api.get(`/machines/${id}/commands?type=update-agent`)).body as {
      items: Array<{
        status: string;
        params: { version: string; sha256: string };
        result: { output: string };
      }>;
    };
    assert.equal(list.items.length, 1, 'one update, not one per sweep');
    assert.equal(list.items[0]?.status, 'complete');
    assert.equal(list.items[0]?.params.sha256, sha256Of(newBuild));
    assert.match(
      list.items[0]?.result.output ?? '',
      new RegExp(`version ${NEW.replaceAll('.', '\\.')} staged`),
    );
  });

  it('a new build that cannot check in within its trial goes back to the previous one, which checks in', async () => {
    stopAgents();
    await server.waitForStatus(id, 'offline');
    await server.stop();
    // An update on trial, as update-agent leaves it, whose new build (here the old one, any
    // build will do) finds no server: the previous build must come back by itself.
    copyFileSync(executable, `${executable}.previous`);
    copyFileSync(oldBuild, executable);
    const deadline = Date.now() + 6000;
    writeFileSync(
      join(state, 'update-trial.json'),
      JSON.stringify({ version: OLD, previous: `${executable}.previous`, executable, deadline }),
    );
    writeFileSync(join(state, 'update-trial.deadline'), `${Math.ceil(deadline / 1000)}\n`);
    const child = spawn(executable, ['--state', state], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const trying = new Proc('agent:trial', child);
    assert.equal(await trying.wait(), 1, 'the build on trial gave up');
    assert.match(trying.output(), /did not check in in time: going back to the previous one/);
    assert.equal(sha256Of(executable), sha256Of(newBuild), 'the previous build is back in place');
    assert.equal(existsSync(join(state, 'update-trial.json')), false);

    server = await server.restart();
    const back = await waitFor(
      'the previous build checked in',
      async () => {
        const m = await machine();
        return m.status === 'online' ? m : null;
      },
      60_000,
    );
    assert.equal(back.agentVersion, NEW);
  });
});
