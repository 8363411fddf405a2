import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  agentState,
  freePort,
  MUSTER_COMPILED_BIN,
  type Proc,
  startAgent,
  TestServer,
  tempDir,
  waitFor,
} from './support/harness';

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
const MODULE_LOG_HOOK = fileURLToPath(new URL('./support/module-log/register.mjs', import.meta.url));

/** The environment of a compiled muster process whose resolved modules are written to `logFile`. */
function recordedEnv(logFile: string): NodeJS.ProcessEnv {
  return { NODE_OPTIONS: `--import=${MODULE_LOG_HOOK}`, MUSTER_MODULE_LOG: logFile };
}

/** The module URLs a process resolved, read from its log. */
function modulesIn(logFile: string): string[] {
  return existsSync(logFile) ? readFileSync(logFile, 'utf8').split('\n').filter(Boolean) : [];
}

/** What must never load at run time: TypeScript tooling or a TypeScript file. */
function typeScriptToolingIn(modules: string[]): string[] {
  return modules.filter(
    (url) => /\/node_modules\/(tsx|esbuild|@esbuild|typescript)\//.test(url) || url.endsWith('.ts'),
  );
}

/** What only the server needs: its package, its HTTP framework and its database drivers. */
function serverPackagesIn(modules: string[]): string[] {
  return modules.filter((url) =>
    /\/packages\/server\/|\/node_modules\/(fastify|better-sqlite3|pg|kysely|argon2)\//.test(url),
  );
}

/** The compiled `muster` (issue 11, item 1): built JavaScript, run by plain node. */
describe('compiled muster: runs from dist without TypeScript tooling', () => {
  const dir = tempDir('compiled');
  before(() => {
    // The build the product runs (npm install runs it too); a no-op when dist is current.
    execFileSync('npm', ['run', 'build:packages'], { cwd: REPO_ROOT, stdio: 'pipe' });
  });
  after(() => dir.cleanup());

  it('muster --help loads the compiled CLI only: no tsx, esbuild or TypeScript, no server packages', () => {
    const log = join(dir.path, 'help.modules');
    const { NODE_OPTIONS: _inherited, ...env } = process.env;
    const run = spawnSync(process.execPath, [MUSTER_COMPILED_BIN, '--help'], {
      env: { ...env, ...recordedEnv(log) },
      encoding: 'utf8',
    });
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /Usage: muster/);
    assert.match(run.stdout, /agent +Run the Muster agent/);
    const modules = modulesIn(log);
    assert.ok(
      modules.some((url) => url.endsWith('/packages/cli/dist/bundle/main.js')),
      `the bundled entry was not loaded: ${modules.join('\n')}`,
    );
    assert.deepEqual(typeScriptToolingIn(modules), []);
    assert.deepEqual(serverPackagesIn(modules), []);
    // scripts/bundle-cli.mjs: the CLI's modules and commander come as a handful of chunks, so
    // `--help` resolves no file of node_modules and none of the unbundled dist.
    assert.deepEqual(
      modules.filter(
        (url) => url.includes('/node_modules/') || /\/packages\/cli\/dist\/(?!bundle\/)/.test(url),
      ),
      [],
    );
    const bundleChunks = modules.filter((url) => url.includes('/packages/cli/dist/bundle/'));
    assert.ok(
      bundleChunks.length <= 6,
      `--help loaded ${bundleChunks.length} chunks: ${bundleChunks.join('\n')}`,
    );
  });

  describe('a compiled server and a compiled agent', () => {
    let server: TestServer;
    let agent: Proc;
    const serverLog = join(dir.path, 'server.modules');
    const agentLog = join(dir.path, 'agent.modules');
    before(async () => {
      const port = await freePort();
      server = await TestServer.start({
        dataDir: join(dir.path, 'server'),
        agentPorts: [port],
        bin: MUSTER_COMPILED_BIN,
        env: recordedEnv(serverLog),
      });
      const token = await server.installToken({ group: 'built.acme', maxUses: 1 });
      const state = join(dir.path, 'agent');
      agent = startAgent('built', {
        stateDir: state,
        server: `127.0.0.1:${port}`,
        token,
        bin: MUSTER_COMPILED_BIN,
        env: recordedEnv(agentLog),
      });
      const id = await waitFor('the compiled agent to enroll', () => agentState(state).machineId);
      await server.waitForStatus(id, 'online');
    });
    after(async () => {
      await agent?.stop();
      await server?.stop();
    });

    it('muster server runs from packages/*/dist without TypeScript tooling', () => {
      const modules = modulesIn(serverLog);
      assert.ok(
        modules.some((url) => url.includes('/packages/server/dist/')),
        modules.join('\n'),
      );
      assert.deepEqual(typeScriptToolingIn(modules), []);
    });

    it('muster agent, connected, has loaded neither TypeScript tooling nor the server packages', () => {
      const modules = modulesIn(agentLog);
      assert.ok(
        modules.some((url) => url.includes('/packages/agent/dist/')),
        modules.join('\n'),
      );
      assert.deepEqual(typeScriptToolingIn(modules), []);
      assert.deepEqual(serverPackagesIn(modules), []);
    });
  });
});
