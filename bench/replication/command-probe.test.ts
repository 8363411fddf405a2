import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { CommandProbe, latencySummary } from './command-probe';

const dir = mkdtempSync(join(tmpdir(), 'command-probe-test-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A child that answers pings as sender-child.ts does and holds its event loop for `blockMs` once. */
function childScript(blockMs: number): string {
  const path = join(dir, `child-${blockMs}.mjs`);
  writeFileSync(
    path,
    `process.on('message', (m) => { if (m.type === 'ping') process.send({ type: 'pong', id: m.id }); });
process.send({ type: 'ready' });
setTimeout(() => { const end = Date.now() + ${blockMs}; while (Date.now() < end); }, 300);
setTimeout(() => process.disconnect(), 1200);
`,
  );
  return path;
}

describe('latencySummary', () => {
  it('gives nearest-rank p50, p99 and max, rounded to 0.01 ms', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1 + 0.004);
    assert.deepEqual(latencySummary(values), { count: 100, p50Ms: 50, p99Ms: 99, maxMs: 100 });
  });

  it('gives nulls, not NaN (which JSON would turn to null silently), when nothing was measured', () => {
    assert.deepEqual(latencySummary([]), { count: 0, p50Ms: null, p99Ms: null, maxMs: null });
  });
});

describe('CommandProbe', () => {
  it('times pongs from a real process and sees a blocked event loop in its round trips', async () => {
    const child = fork(childScript(250), { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    // Node's start-up is not what is measured: ping once the child listens.
    await new Promise((resolve) => child.once('message', resolve));
    const probe = new CommandProbe(child, 20);
    probe.start();
    await new Promise((resolve) => setTimeout(resolve, 900));
    const result = await probe.stop(2000, null);
    await new Promise((resolve) => child.once('exit', resolve));
    assert.equal(result.intervalMs, 20);
    assert.equal(result.unanswered, 0);
    assert.ok(result.roundTrip.count >= 15, `only ${result.roundTrip.count} pongs`);
    // The ping sent just as the child blocked waited most of the 250 ms for its answer.
    assert.ok((result.roundTrip.maxMs ?? 0) >= 150, `max ${result.roundTrip.maxMs} ms`);
    assert.ok((result.roundTrip.p50Ms ?? Number.POSITIVE_INFINITY) < 50, `p50 ${result.roundTrip.p50Ms} ms`);
  });

  it('counts pings the child never answered', async () => {
    // Never answers: no 'message' handler that replies.
    const path = join(dir, 'mute.mjs');
    writeFileSync(path, `process.on('message', () => {}); setTimeout(() => process.disconnect(), 400);`);
    const child = fork(path, { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    const probe = new CommandProbe(child, 20);
    probe.start();
    await new Promise((resolve) => setTimeout(resolve, 200));
    const result = await probe.stop(100, null);
    await new Promise((resolve) => child.once('exit', resolve));
    assert.equal(result.roundTrip.count, 0);
    assert.ok(result.unanswered >= 5, `${result.unanswered} unanswered`);
  });
});
