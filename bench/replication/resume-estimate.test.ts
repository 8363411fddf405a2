import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PassResult, ResumeDetail, WorkloadId, WorkloadResult } from './results';
import { finalizeResume } from './resume-estimate';

const MIB = 2 ** 20;

function pass(up: number, literalBytes: number): PassResult {
  return {
    tool: 'muster',
    wallSeconds: 1,
    processWallSeconds: 1,
    flushSeconds: 0,
    wire: { clientToServer: up, serverToClient: 0 },
    sender: { cpuSeconds: 1, peakRssBytes: 1, processes: 1 },
    receiver: { cpuSeconds: 1, peakRssBytes: 1, processes: 1 },
    killed: false,
    exitCode: 0,
    muster: { summary: { literalBytes } as never, phases: {} as never, exitAfterPassMs: 0 },
  };
}

function detail(killed: 'sender' | 'receiver', secondAttemptDataBytes: number): ResumeDetail {
  return {
    killed,
    fileBytes: 64 * MIB,
    // 4 KiB of fixed overhead, then 32 MiB of data at 1.25 wire bytes per data byte.
    cutAtBytes: 4096 + 40 * MIB,
    keptBytes: 31 * MIB,
    secondAttemptDataBytes,
    crossedBytes: Number.NaN,
    resentBytes: Number.NaN,
    resentOfKeptBytes: 0,
    blockBytes: 32 * 1024,
    leftovers: [],
    attempts: [pass(0, 0), pass(0, 0)],
  };
}

function workload(id: WorkloadId, muster: PassResult, resume?: ResumeDetail): WorkloadResult {
  return {
    id,
    title: id,
    changedBytes: 0,
    filesBytes: 0,
    changedPaths: [],
    passes: { muster },
    ...(resume ? { resume: { muster: resume } } : {}),
  };
}

describe('finalizeResume', () => {
  it('estimates what crossed and what was re-sent for W6 and W6b alike, from W2 and W7', () => {
    const w6 = detail('sender', 32 * MIB + 64 * 1024);
    const w6b = detail('receiver', 32 * MIB);
    finalizeResume([
      // W2: 100 MiB of data took 125 MiB of wire beyond W7's fixed 4 KiB.
      workload('W2', pass(4096 + 125 * MIB, 100 * MIB)),
      workload('W6', pass(0, 0), w6),
      workload('W6b', pass(0, 0), w6b),
      workload('W7', pass(4096, 0)),
    ]);
    for (const d of [w6, w6b]) assert.equal(d.crossedBytes, 32 * MIB);
    assert.equal(w6.resentBytes, 64 * 1024);
    assert.equal(w6b.resentBytes, 0);
  });

  it('leaves the estimate out when W2 or W7 did not run', () => {
    const w6b = detail('receiver', 32 * MIB);
    finalizeResume([workload('W6b', pass(0, 0), w6b), workload('W7', pass(4096, 0))]);
    assert.ok(Number.isNaN(w6b.resentBytes));
  });
});
