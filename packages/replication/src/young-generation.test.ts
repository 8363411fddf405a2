import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createReplicationIdentity } from './tls-identity';

const run = promisify(execFile);
const here = (name: string): string => fileURLToPath(new URL(name, import.meta.url));

/**
 * Runs a fresh node process that starts the engine as `start` says (or not at all), then
 * allocates short-lived objects fast, as a transfer does: the young generation's size in bytes
 * once the engine has started (loading the TypeScript sources under tsx has grown it already)
 * and its largest size after, and the heap's largest use (live objects and garbage not yet
 * collected).
 */
async function youngGenerationPeak(
  start: 'none' | 'replicate' | 'offsite',
  identity?: { key: string; cert: string },
): Promise<{ peak: number; atStart: number; heapPeak: number }> {
  const script = `
    import { getHeapSpaceStatistics } from 'node:v8';
    import { mkdtemp } from 'node:fs/promises';
    import { tmpdir } from 'node:os';
    import { join } from 'node:path';
    const start = ${JSON.stringify(start)};
    if (start === 'replicate') {
      const { replicate } = await import(${JSON.stringify(here('./replicate.ts'))});
      const dir = await mkdtemp(join(tmpdir(), 'muster-young-'));
      // Nothing listens on port 1: the pass fails at once, after the engine has started.
      await replicate({ localDir: dir, localServerGuid: 'ls-young', stateDir: dir, deleteDelaySeconds: 0,
        offsite: { host: '127.0.0.1', port: 1, keyFingerprint: 'x' }, identity: { key: '', cert: '' } }).catch(() => undefined);
    } else if (start === 'offsite') {
      const { startOffsiteServer } = await import(${JSON.stringify(here('./offsite-server.ts'))});
      const root = await mkdtemp(join(tmpdir(), 'muster-young-'));
      const identity = ${JSON.stringify(identity ?? null)};
      const server = await startOffsiteServer({ root, port: 0, host: '127.0.0.1', identity, allow: [] });
      await server.close();
    }
    const atStart = getHeapSpaceStatistics().find((s) => s.space_name === "new_space")?.space_size;
    let peak = 0;
    let heapPeak = 0;
    let keep = [];
    // Objects that live long enough to be promoted, then die: old-generation garbage.
    const ring = new Array(30000);
    for (let round = 0; round < 150; round++) {
      for (let i = 0; i < 20000; i++) {
        keep.push({ n: i, pair: [i, i + 1], text: 'x' + i });
        if (keep.length > 5000) keep = [];
      }
      for (let i = 0; i < 30000; i++) ring[(round * 30000 + i) % ring.length] = { n: i, pair: [round, i], text: 'y' + i };
      await new Promise((resolve) => setImmediate(resolve));
      const space = getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
      peak = Math.max(peak, space ? space.space_size : 0);
      heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
    }
    console.log(peak, atStart, heapPeak);
  `;
  const { stdout } = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script]);
  const [peak, atStart, heapPeak] = stdout.trim().split(' ').map(Number);
  return { peak: peak!, atStart: atStart!, heapPeak: heapPeak! };
}

const MiB = 1024 * 1024;

test('without the engine, this allocation grows the young generation well past its start (the control)', async () => {
  const { peak, atStart } = await youngGenerationPeak('none');
  assert.ok(peak > 8 * MiB && peak > 2 * atStart, `${atStart} -> ${peak}`);
});

test('a replication pass keeps the young generation of its process from growing', async () => {
  const { peak, atStart } = await youngGenerationPeak('replicate');
  // It may even shrink (V8 does, optimizing for size).
  assert.ok(peak <= atStart, `${atStart} -> ${peak}`);
});

test('a replication pass keeps old-generation garbage to a few MiB despite the small young generation', async () => {
  // With the young generation alone held small, this churn peaked at 48 MiB of heap (objects
  // promoted early and left to die in the old generation); V8's default peaks at about 22.
  const { heapPeak } = await youngGenerationPeak('replicate');
  assert.ok(heapPeak < 32 * MiB, `${heapPeak}`);
});

test('an offsite server keeps the young generation of its process from growing', async () => {
  // Made here: the process under test starts the server first thing, as an offsite agent's
  // role does with the identity it already holds.
  const { peak, atStart } = await youngGenerationPeak('offsite', await createReplicationIdentity());
  assert.ok(peak <= atStart, `${atStart} -> ${peak}`);
});
