import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { generateAgentKey } from '../agent-key';
import { optimizingCompilerPaused, pauseOptimizingCompiler } from '../optimizing-compiler';
import { BandwidthThrottle } from '../throttle';
import { RoleManager } from './role-manager';

const stateDir = mkdtempSync(join(tmpdir(), 'muster-role-manager-'));
after(() => rmSync(stateDir, { recursive: true, force: true }));

const quiet = { info: () => {}, warn: () => {}, error: () => {} };

describe('role manager and the optimizing compiler', () => {
  const roles = new RoleManager(
    stateDir,
    generateAgentKey().privateKey,
    new BandwidthThrottle(),
    quiet,
    () => {},
  );

  it('stopping a role it does not hold leaves optimizing paused', async () => {
    pauseOptimizingCompiler();
    assert.equal(
      await roles.run('stop-local-server', { localServerId: 'none' }),
      'local server none stopped',
    );
    assert.equal(optimizingCompilerPaused(), true);
  });

  it('being asked to take a replication role turns optimizing back on (even if the start is refused)', async () => {
    for (const type of ['start-offsite-server', 'start-local-server'] as const) {
      pauseOptimizingCompiler();
      // Parameters without the role's fields: the start fails, after the switch.
      await assert.rejects(roles.run(type, {}));
      assert.equal(optimizingCompilerPaused(), false, type);
    }
  });
});
