import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { startTestApiServer, type TestApiServer } from '../packages/server/src/test-support/api-server';
import { MUSTER_BIN } from './support/harness';

interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `muster <args>` against the test server and collects what it printed on each stream. */
function muster(api: TestApiServer | null, args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  const globals = api
    ? ['--api', api.server.httpUrl, '--api-token', readFileSync(api.server.adminTokenFile, 'utf8').trim()]
    : [];
  const { MUSTER_TOKEN: _token, ...inherited } = process.env;
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [MUSTER_BIN, ...globals, ...args],
      { env: { ...inherited, ...env } },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** The CLI's filters and messages (issue 8, item 15). */
describe('muster CLI: filters and what it says when something is missing', () => {
  let api: TestApiServer;
  before(async () => {
    api = await startTestApiServer({}, { listen: true });
    await api.seedMachines('web.acme', ['pc1.web.acme']);
    await api.seedMachines('eu.web.acme', ['pc2.eu.web.acme']);
    await api.seedMachines('noweb.acme', ['y.noweb.acme']);
  });
  after(async () => {
    await api?.close();
  });

  it('machines list --filter with a group name lists that group and its subgroups', async () => {
    const run = await muster(api, ['machines', 'list', '--filter', 'web.acme', '--json']);
    assert.equal(run.code, 0, run.stderr);
    const listed = (JSON.parse(run.stdout) as { items: Array<{ id: string }> }).items.map((m) => m.id).sort();
    assert.deepEqual(listed, ['pc1.web.acme', 'pc2.eu.web.acme']);
  });

  it('machines list says when the filter matched nothing', async () => {
    const run = await muster(api, ['machines', 'list', '--filter', 'nothing.acme']);
    assert.equal(run.code, 0);
    assert.match(run.stderr, /no machine matches the filter "nothing\.acme"/);
  });

  it('checkin-control set with a group name changes that group, and fails on a filter matching nothing', async () => {
    const set = await muster(api, ['checkin-control', 'set', '--filter', 'web.acme', '--period', '60']);
    assert.equal(set.code, 0, set.stderr);
    assert.match(set.stdout, /updated 2 machine\(s\)/);
    const none = await muster(api, ['checkin-control', 'set', '--filter', 'nothing.acme', '--period', '60']);
    assert.equal(none.code, 1);
    assert.match(none.stderr, /the filter "nothing\.acme" matches no machine.*nothing was changed/);
  });

  it('checkin-control set without a setting says which options give one', async () => {
    const run = await muster(api, ['checkin-control', 'set', '--filter', '*']);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /no setting to change: give at least one of --primary, --secondary, --period/);
    assert.doesNotMatch(run.stderr, /anyOf|required property/);
  });

  it('without a token, the hint names the options that exist', async () => {
    const run = await muster(null, ['--token-file', '/nonexistent/admin-token', 'machines', 'list']);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /pass --api-token/);
    assert.doesNotMatch(run.stderr, /pass --token[ ,]/);
  });
});
