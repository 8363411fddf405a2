import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { AgentBuilds } from './agent-builds';
import { AgentUpdateRollout, type ConnectedAgent } from './agent-update-rollout';

const SHA = 'f'.repeat(64);

/** A build folder holding version `version` of a five-byte "executable". */
function buildFolder(version: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'muster-rollout-'));
  writeFileSync(join(dir, 'muster-agent-linux-x64'), '12345');
  writeFileSync(
    join(dir, 'manifest.json'),
    JSON.stringify({ file: 'muster-agent-linux-x64', platform: 'linux-x64', version, size: 5, sha256: SHA }),
  );
  return dir;
}

describe('agent update roll-out', () => {
  const folders: string[] = [];
  after(() => {
    for (const f of folders) rmSync(f, { recursive: true, force: true });
  });

  /** A roll-out over these connected agents, with `inFlight` updates already running elsewhere. */
  function rollout(agents: ConnectedAgent[], groups: string[], concurrency: number, inFlight = 0) {
    const folder = buildFolder('2.0.0');
    folders.push(folder);
    const queued: Array<{ machineIds: string[]; params: Record<string, unknown> }> = [];
    const errors: unknown[] = [];
    const r = new AgentUpdateRollout(
      new AgentBuilds(folder),
      { groups, concurrency, trialSeconds: 60, intervalMs: 1000 },
      {
        connected: () => agents,
        updatesInFlight: async () => inFlight + queued.reduce((n, q) => n + q.machineIds.length, 0),
        enqueue: async (machineIds, params) => {
          queued.push({ machineIds, params });
        },
        onError: (e) => errors.push(e),
      },
    );
    return { r, queued, errors };
  }

  const agents: ConnectedAgent[] = [
    { machineId: 'a.web.acme', agentVersion: '1.0.0' },
    { machineId: 'b.web.acme', agentVersion: '2.0.0' }, // already current
    { machineId: 'c.eu.web.acme', agentVersion: '1.0.0' }, // a subgroup
    { machineId: 'd.lab.acme', agentVersion: '1.0.0' }, // not in the update groups
    { machineId: 'e.web.acme', agentVersion: null }, // not welcomed yet
    { machineId: 'f.web.acme', agentVersion: '1.0.0' },
  ];

  it('updates the agents of its groups that report another version, at most `concurrency` at once', async () => {
    const { r, queued } = rollout(agents, ['web.acme'], 2);
    assert.deepEqual(await r.sweep(), ['a.web.acme', 'c.eu.web.acme']);
    assert.deepEqual(queued[0]?.params, { version: '2.0.0', size: 5, sha256: SHA, trialSeconds: 60 });
    // Both still in flight: nothing more until they end.
    assert.deepEqual(await r.sweep(), []);
  });

  it('counts updates running on other nodes, and offers a build to a machine once', async () => {
    const busy = rollout(agents, ['*'], 3, 2);
    assert.deepEqual(await busy.r.sweep(), ['a.web.acme']);
    const { r } = rollout(agents, ['*'], 10);
    assert.deepEqual(await r.sweep(), ['a.web.acme', 'c.eu.web.acme', 'd.lab.acme', 'f.web.acme']);
    // Failed or rolled back, an agent still reports the old version: it is not offered the same build again.
    assert.deepEqual(await r.sweep(), []);
  });

  it('does nothing without groups or without a build, and refuses a bad group at once', async () => {
    const { r, queued } = rollout(agents, [], 10);
    assert.deepEqual(await r.sweep(), []);
    assert.equal(queued.length, 0);
    const none = new AgentUpdateRollout(
      new AgentBuilds(join(tmpdir(), 'no-such-muster-build')),
      { groups: ['*'], concurrency: 10, trialSeconds: 60, intervalMs: 1000 },
      {
        connected: () => agents,
        updatesInFlight: async () => 0,
        enqueue: async () => assert.fail('nothing to roll out'),
        onError: (e) => assert.fail(String(e)),
      },
    );
    assert.deepEqual(await none.sweep(), []);
    assert.throws(() => rollout(agents, ['web acme'], 1), /is not a machine filter/);
  });
});
