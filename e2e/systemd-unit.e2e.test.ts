import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { envName, ServerConfigSchema } from '@muster/server';
import { tempDir } from './support/harness';
import { parseUnitFile, systemdAnalyzeAvailable, verifyUnits } from './support/unit-file';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const UNIT_PATH = join(ROOT, 'deploy/systemd/muster-server.service');
const unitText = readFileSync(UNIT_PATH, 'utf8');
const ANALYZE = systemdAnalyzeAvailable();

/** The one value of a key, failing when it is missing or given twice. */
function one(section: Record<string, string[]> | undefined, key: string): string {
  const values = section?.[key];
  assert.ok(values && values.length === 1, `${key}= is set exactly once (got ${JSON.stringify(values)})`);
  return values[0] as string;
}

// The server's systemd unit (deploy/systemd/muster-server.service). Its keys are checked here
// on every machine; `systemd-analyze verify` runs on it where systemd-analyze is installed
// (this suite's machine has it; where it is missing that test is skipped and says so).
describe('the systemd unit of the server', () => {
  const unit = parseUnitFile(unitText);
  const service = unit.Service;

  it('runs the server as a dedicated user on its state directory, restarted on failure, with room for many agents', () => {
    const user = one(service, 'User');
    assert.notEqual(user, 'root');
    assert.equal(one(service, 'Group'), user);
    const stateDirectory = one(service, 'StateDirectory');
    const dataDir = `/var/lib/${stateDirectory}`;
    assert.equal(one(service, 'StateDirectoryMode'), '0700');
    assert.ok(
      service?.Environment?.includes(`MUSTER_DATA_DIR=${dataDir}`),
      'the data directory is the state directory',
    );
    assert.equal(one(service, 'WorkingDirectory'), dataDir);
    const [node, script, ...args] = one(service, 'ExecStart').split(/\s+/);
    assert.ok(node?.startsWith('/'), 'ExecStart names node by its absolute path');
    assert.ok(script?.endsWith('/packages/cli/bin/muster.mjs'));
    assert.ok(
      existsSync(join(ROOT, 'packages/cli/bin/muster.mjs')),
      'the script it runs is in the repository',
    );
    assert.deepEqual(args, ['server']);
    assert.match(one(service, 'Restart'), /^(on-failure|always)$/);
    assert.ok(Number(one(service, 'LimitNOFILE')) >= 65536);
    assert.equal(one(unit.Install, 'WantedBy'), 'multi-user.target');
  });

  it('sets only MUSTER_* variables the server knows', () => {
    const known = new Set(Object.keys(ServerConfigSchema.properties).map(envName));
    for (const assignment of service?.Environment ?? []) {
      const name = assignment.split('=')[0] as string;
      if (name.startsWith('MUSTER_')) assert.ok(known.has(name), `${name} is a server setting`);
    }
  });

  it('is hardened: no new privileges, a read-only system but for the data directory, no capabilities', () => {
    const dataDir = `/var/lib/${one(service, 'StateDirectory')}`;
    assert.equal(one(service, 'NoNewPrivileges'), 'yes');
    assert.equal(one(service, 'ProtectSystem'), 'strict');
    assert.ok(one(service, 'ReadWritePaths').split(/\s+/).includes(dataDir));
    assert.equal(one(service, 'ProtectHome'), 'yes');
    assert.equal(one(service, 'PrivateTmp'), 'yes');
    assert.equal(one(service, 'CapabilityBoundingSet'), '');
    assert.match(one(service, 'RestrictAddressFamilies'), /AF_INET6/);
    // Node's JIT needs memory it writes and then runs: this would kill the server at start.
    assert.equal(service?.MemoryDenyWriteExecute, undefined);
  });

  it('passes systemd-analyze verify, with nothing to warn about', {
    skip: !ANALYZE && 'systemd-analyze is not installed on this machine',
  }, () => {
    const verified = verifyUnits([UNIT_PATH]);
    assert.ok(verified.ok, verified.output);
    // The check catches what it should: a misspelt key is only a warning for systemd, a finding here.
    const dir = tempDir('unit');
    try {
      const misspelt = join(dir.path, 'muster-server.service');
      writeFileSync(misspelt, unitText.replace(/^NoNewPrivileges=yes$/m, 'NoNewPrivilege=yes'));
      const caught = verifyUnits([misspelt]);
      assert.equal(caught.ok, false);
      assert.match(caught.output, /Unknown key 'NoNewPrivilege'/);
    } finally {
      dir.cleanup();
    }
  });

  it('rates low in systemd-analyze security (offline)', {
    skip: !ANALYZE && 'systemd-analyze is not installed on this machine',
  }, () => {
    const result = spawnSync('systemd-analyze', ['security', '--offline=yes', UNIT_PATH], {
      encoding: 'utf8',
    });
    const level = /Overall exposure level for muster-server\.service: ([0-9.]+)/.exec(
      `${result.stdout}${result.stderr}`,
    );
    assert.ok(level, `systemd-analyze security printed no level: ${result.stdout}${result.stderr}`);
    // 0 is fully locked down, 10 is unprotected; systemd calls below 2.0 "OK".
    assert.ok(Number(level[1]) < 2.0, `exposure ${level[1]}`);
  });
});
