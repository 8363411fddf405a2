import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ToolName } from './args';
import type {
  CommandProbeResult,
  PassResult,
  ResumeDetail,
  TargetRow,
  WorkloadId,
  WorkloadResult,
} from './results';
import { evaluateTargets, PROBED_WORKLOADS, TARGETS } from './targets';

const MIB = 2 ** 20;

function pass(tool: ToolName, over: Partial<PassResult> = {}): PassResult {
  return {
    tool,
    wallSeconds: 10,
    processWallSeconds: 10,
    flushSeconds: 0,
    wire: { clientToServer: 100 * MIB, serverToClient: 0 },
    sender: { cpuSeconds: 1, peakRssBytes: 40 * MIB, processes: 1 },
    receiver: { cpuSeconds: 1, peakRssBytes: 40 * MIB, processes: 1 },
    killed: false,
    exitCode: 0,
    check: { ok: true, filesCompared: 1, filesHashed: 1, filesLinked: 0, problems: [] },
    ...over,
  };
}

function probe(p99Ms: number, maxMs = p99Ms): CommandProbeResult {
  return {
    intervalMs: 50,
    roundTrip: { count: 200, p50Ms: 1, p99Ms, maxMs },
    unanswered: 0,
    eventLoopDelay: { count: 100, p50Ms: 0, p99Ms: 5, maxMs: 9 },
  };
}

function resume(killed: 'sender' | 'receiver', resentBytes: number): ResumeDetail {
  return {
    killed,
    fileBytes: 64 * MIB,
    cutAtBytes: 32 * MIB,
    keptBytes: 32 * MIB,
    secondAttemptDataBytes: 32 * MIB + resentBytes,
    crossedBytes: 32 * MIB,
    resentBytes,
    resentOfKeptBytes: 0,
    blockBytes: 32 * 1024,
    leftovers: [],
    attempts: [pass('muster'), pass('muster')],
  };
}

function workload(
  id: WorkloadId,
  muster: Partial<PassResult>,
  ssh: Partial<PassResult> = {},
): WorkloadResult {
  return {
    id,
    title: id,
    changedBytes: 0,
    filesBytes: 1000 * MIB,
    changedPaths: [],
    passes: { muster: pass('muster', muster), 'rsync-ssh': pass('rsync-ssh', ssh) },
  };
}

/** A run where Muster meets every target just. */
function passingRun(): WorkloadResult[] {
  const w6 = workload('W6', {});
  w6.resume = { muster: resume('sender', 32 * 1024) };
  const w6b = workload('W6b', {});
  w6b.resume = { muster: resume('receiver', 0) };
  const w8 = workload('W8', {
    wire: { clientToServer: 3000, serverToClient: 200 },
    muster: {
      summary: { literalBytes: 0, matchedBytes: 0 } as never,
      phases: { connectMs: 1, tailMs: 1, slowestFiles: [], otherFiles: 0, otherFilesMs: 0 },
      exitAfterPassMs: 1,
      snapshot: { path: '/x', secondsAfterPass: 0.1 },
    },
  });
  const run = [
    workload('W1', { wallSeconds: 10 / 1.3 }),
    workload('W2', { wallSeconds: 10 }),
    workload('W3', { wallSeconds: 10 }),
    workload('W4', { wallSeconds: 5 }),
    workload('W5', { wallSeconds: 5, sender: { cpuSeconds: 1, peakRssBytes: 64 * MIB, processes: 1 } }),
    w6,
    w6b,
    workload('W7', { wallSeconds: 5 }),
    w8,
  ];
  for (const w of run) {
    if (!PROBED_WORKLOADS.includes(w.id)) continue;
    w.passes.muster!.probe = probe(w.id === 'W1' ? 100 : 20);
    w.passes.muster!.offsiteProbe = probe(w.id === 'W4' ? 100 : 30);
  }
  return run;
}

function row(rows: TargetRow[], name: string): TargetRow {
  const found = rows.find((r) => r.name.startsWith(name));
  assert.ok(found, `no target row "${name}" in ${rows.map((r) => r.name).join(', ')}`);
  return found;
}

describe('evaluateTargets', () => {
  it("gives issue 13's goals and passes a run that meets each exactly", () => {
    const rows = evaluateTargets(passingRun());
    assert.equal(row(rows, 'W1 seeding').target, '>= 1.3x');
    for (const [id, goal] of [
      ['W2', 1],
      ['W3', 1],
      ['W4', 0.5],
      ['W5', 0.5],
      ['W7', 0.5],
    ] as const)
      assert.equal(row(rows, `${id} time`).target, `<= ${goal}x`);
    for (const id of ['W2', 'W3', 'W4', 'W5'])
      assert.equal(row(rows, `${id} bytes on the wire`).target, '<= 1x');
    assert.equal(row(rows, 'Peak RSS, sender').target, '<= 64 MiB');
    assert.equal(row(rows, 'Command answer while replicating, sender').target, '<= 100 ms');
    assert.equal(row(rows, 'Command answer while replicating, offsite').target, '<= 100 ms');
    const missed = rows.filter((r) => !r.pass).map((r) => `${r.name}: ${r.measured} (${r.note})`);
    assert.deepEqual(missed, []);
    assert.equal(rows.length, 18);
  });

  it('misses each time target just past its goal', () => {
    const run = passingRun();
    const byId = (id: WorkloadId) => run.find((w) => w.id === id)!.passes.muster!;
    byId('W1').wallSeconds = 10 / 1.29;
    byId('W3').wallSeconds = 10.1;
    byId('W5').wallSeconds = 5.1;
    const rows = evaluateTargets(run);
    assert.equal(row(rows, 'W1 seeding').pass, false);
    assert.equal(row(rows, 'W2 time').pass, true);
    assert.equal(row(rows, 'W3 time').pass, false);
    assert.equal(row(rows, 'W4 time').pass, true);
    assert.equal(row(rows, 'W5 time').pass, false);
  });

  it('misses bytes on the wire above rsync-ssh’s', () => {
    const run = passingRun();
    run.find((w) => w.id === 'W4')!.passes.muster!.wire.clientToServer = 100 * MIB + 1024;
    const rows = evaluateTargets(run);
    assert.equal(row(rows, 'W4 bytes on the wire').pass, false);
    assert.equal(row(rows, 'W3 bytes on the wire').pass, true);
  });

  it('names the worst workload of each side’s peak RSS and misses any side over 64 MiB', () => {
    const run = passingRun();
    run.find((w) => w.id === 'W3')!.passes.muster!.receiver.peakRssBytes = 70 * MIB;
    const rows = evaluateTargets(run);
    const sender = row(rows, 'Peak RSS, sender');
    assert.equal(sender.measured, '64.0 MiB (W5)');
    assert.equal(sender.pass, true);
    const offsite = row(rows, 'Peak RSS, offsite');
    assert.equal(offsite.measured, '70.0 MiB (W3)');
    assert.equal(offsite.pass, false);
    assert.match(offsite.note, /over in W3/);
  });

  it('misses a peak RSS that was not measured in some workload', () => {
    const run = passingRun();
    run.find((w) => w.id === 'W2')!.passes.muster!.sender.peakRssBytes = null;
    const sender = row(evaluateTargets(run), 'Peak RSS, sender');
    assert.equal(sender.pass, false);
    assert.match(sender.note, /not measured in W2/);
  });

  it('checks the resume after either side is killed against one block, each on its own row', () => {
    const run = passingRun();
    run.find((w) => w.id === 'W6b')!.resume!.muster!.resentBytes = 32 * 1024 + 1;
    const rows = evaluateTargets(run);
    const sender = row(rows, 'W6 bytes re-sent');
    const offsite = row(rows, 'W6b bytes re-sent');
    assert.match(sender.name, /of the sender/);
    assert.match(offsite.name, /of the offsite/);
    assert.equal(sender.pass, true);
    assert.equal(offsite.pass, false);
  });

  it('misses a resume whose estimate could not be made', () => {
    const run = passingRun();
    run.find((w) => w.id === 'W6')!.resume!.muster!.resentBytes = Number.NaN;
    assert.equal(row(evaluateTargets(run), 'W6 bytes re-sent').pass, false);
  });

  it('judges each side’s command answer on its worst p99 over the transfer workloads, and needs them all', () => {
    const run = passingRun();
    const w3 = run.find((w) => w.id === 'W3')!.passes.muster!;
    w3.probe = probe(TARGETS.commandAnswerMs + 1, 300);
    let rows = evaluateTargets(run);
    let sender = row(rows, 'Command answer while replicating, sender');
    assert.equal(sender.pass, false);
    assert.equal(sender.measured, '101.0 ms (W3)');
    assert.match(sender.note, /worst W3: p50\/p99\/max 1\.0\/101\.0\/300\.0 ms of 200 pings/);
    assert.match(sender.note, /highest max 300\.0 ms \(W3\)/);
    const offsite = row(rows, 'Command answer while replicating, offsite');
    assert.equal(offsite.pass, true);
    assert.equal(offsite.measured, '100.0 ms (W4)');
    // A maximum past the goal alone does not miss: the target is on p99.
    w3.probe = probe(50, 400);
    sender = row(evaluateTargets(run), 'Command answer while replicating, sender');
    assert.equal(sender.pass, true);
    assert.match(sender.note, /highest max 400\.0 ms \(W3\)/);
    // A transfer workload without pings is not measured, so not passed.
    delete w3.probe;
    rows = evaluateTargets(run);
    sender = row(rows, 'Command answer while replicating, sender');
    assert.equal(sender.pass, false);
    assert.match(sender.note, /no pings in W3/);
  });
});
