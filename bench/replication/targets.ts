import type { ToolName } from './args';
import type { CommandProbeResult, PassResult, TargetRow, WorkloadId, WorkloadResult } from './results';

/** Issue 13's targets, Muster against rsync over ssh (daemon figures are printed beside). */
export const TARGETS = {
  seedThroughputVsSsh: 1.3,
  /** Time vs rsync-ssh, per workload (W7, a no-change rescan, keeps its earlier target). */
  timeVsSsh: { W2: 1, W3: 1, W4: 0.5, W5: 0.5, W7: 0.5 },
  wireVsRsync: 1,
  /** Peak RSS of each side (one Muster process each), at every workload, bytes. */
  peakRssBytes: 64 * 2 ** 20,
  resendBlocks: 1,
  /** p99 of the ping round trip to the sender and to the offsite while they replicate, ms. */
  commandAnswerMs: 100,
  /** W8: a pass with nothing to send still says hello; more than this would be data. */
  snapshotControlBytes: 64 * 1024,
} as const;

/**
 * The passes the command answer targets cover: every one that moves or compares data at full
 * speed (W1 and W2 send, W3-W5 read and hash whole files on both sides and rewrite on the
 * offsite, W6 and W6b resume); W7 and W8 last tens of milliseconds.
 */
export const PROBED_WORKLOADS: readonly WorkloadId[] = ['W1', 'W2', 'W3', 'W4', 'W5', 'W6', 'W6b'];

const fixed = (n: number | null | undefined, digits: number): string =>
  n !== null && n !== undefined && Number.isFinite(n) ? n.toFixed(digits) : 'n/a';
/** A ratio as "1.23x", or "n/a" when it could not be taken (a tool left out of the run). */
const times = (n: number | null | undefined, digits: number): string => {
  const text = fixed(n, digits);
  return text === 'n/a' ? text : `${text}x`;
};

/** a / b, or null when either is missing or b is 0. */
export function ratio(a: number | null | undefined, b: number | null | undefined): number | null {
  if (a === null || a === undefined || b === null || b === undefined) return null;
  return Number.isFinite(a) && Number.isFinite(b) && b > 0 ? a / b : null;
}

/** Bytes on the wire of a pass, both directions. */
export function wireTotal(pass: PassResult): number {
  return pass.wire.clientToServer + pass.wire.serverToClient;
}

function pass(w: WorkloadResult | undefined, tool: ToolName): PassResult | undefined {
  return w?.passes[tool];
}

/** Each target with what was measured and PASS/MISS; a miss never fails the run. */
export function evaluateTargets(workloads: readonly WorkloadResult[]): TargetRow[] {
  const get = (id: WorkloadId) => workloads.find((w) => w.id === id);
  const rows: TargetRow[] = [];

  const w1 = get('W1');
  const m1 = pass(w1, 'muster');
  const s1 = pass(w1, 'rsync-ssh');
  const d1 = pass(w1, 'rsync-daemon');
  const rate = (p: PassResult | undefined) => (p && w1 ? w1.filesBytes / 2 ** 20 / p.wallSeconds : null);
  const flushedRate = (p: PassResult | undefined) =>
    p && w1 ? w1.filesBytes / 2 ** 20 / (p.wallSeconds + p.flushSeconds) : null;
  const r1 = ratio(rate(m1), rate(s1));
  rows.push({
    name: 'W1 seeding throughput vs rsync-ssh',
    target: `>= ${TARGETS.seedThroughputVsSsh}x`,
    measured: times(r1, 2),
    pass: r1 !== null && r1 >= TARGETS.seedThroughputVsSsh,
    note:
      `${fixed(rate(m1), 0)} vs ${fixed(rate(s1), 0)} MiB/s (daemon ${fixed(rate(d1), 0)}); with the ` +
      `flush to disk ${times(ratio(flushedRate(m1), flushedRate(s1)), 2)}`,
  });

  for (const [id, goal] of Object.entries(TARGETS.timeVsSsh) as [WorkloadId, number][]) {
    const w = get(id);
    const m = pass(w, 'muster');
    const s = pass(w, 'rsync-ssh');
    const d = pass(w, 'rsync-daemon');
    const r = ratio(m?.wallSeconds, s?.wallSeconds);
    rows.push({
      name: `${id} time vs rsync-ssh`,
      target: `<= ${goal}x`,
      measured: times(r, 2),
      pass: r !== null && r <= goal,
      note:
        `${fixed(m?.wallSeconds, 2)} s vs ${fixed(s?.wallSeconds, 2)} s; vs daemon ` +
        `${times(ratio(m?.wallSeconds, d?.wallSeconds), 2)}; with flush ` +
        `${times(ratio(m ? m.wallSeconds + m.flushSeconds : null, s ? s.wallSeconds + s.flushSeconds : null), 2)}`,
    });
  }

  for (const side of ['sender', 'receiver'] as const) rows.push(peakRssRow(workloads, side));

  for (const id of ['W2', 'W3', 'W4', 'W5'] as const) {
    const w = get(id);
    const m = pass(w, 'muster');
    const s = pass(w, 'rsync-ssh');
    const d = pass(w, 'rsync-daemon');
    const r = m && s ? ratio(wireTotal(m), wireTotal(s)) : null;
    rows.push({
      name: `${id} bytes on the wire vs rsync-ssh`,
      target: `<= ${TARGETS.wireVsRsync}x`,
      measured: times(r, 3),
      pass: r !== null && r <= TARGETS.wireVsRsync,
      note:
        `${fixed(m ? wireTotal(m) / 2 ** 20 : null, 2)} vs ${fixed(s ? wireTotal(s) / 2 ** 20 : null, 2)} MiB` +
        ` both ways; vs daemon ${times(m && d ? ratio(wireTotal(m), wireTotal(d)) : null, 3)}`,
    });
  }

  rows.push(resumeRow(get('W6')), resumeRow(get('W6b')));

  const m8 = pass(get('W8'), 'muster');
  const fileBytes8 = m8?.muster ? m8.muster.summary.literalBytes + m8.muster.summary.matchedBytes : null;
  rows.push({
    name: 'W8 synthetic full sends no data',
    target: '0 file bytes',
    measured: fileBytes8 === null ? 'n/a' : `${fileBytes8} file bytes`,
    pass:
      m8 !== undefined &&
      fileBytes8 === 0 &&
      m8.muster?.snapshot !== undefined &&
      wireTotal(m8) <= TARGETS.snapshotControlBytes,
    note: m8
      ? `${wireTotal(m8)} bytes on the wire (TLS handshake, hello/welcome, pass-end); snapshot ` +
        `${m8.muster?.snapshot ? `built ${fixed(m8.muster.snapshot.secondsAfterPass, 2)} s after the pass` : 'missing'}`
      : 'not run',
  });

  rows.push(commandAnswerRow(workloads, 'sender'), commandAnswerRow(workloads, 'offsite'));

  const failed = workloads.flatMap((w) =>
    Object.values(w.passes)
      .filter((p) => !p.check?.ok || p.error)
      .map((p) => `${w.id} ${p.tool}`),
  );
  rows.push({
    name: 'Every destination equals the source',
    target: 'all checks pass',
    measured: failed.length === 0 ? 'all ok' : `${failed.length} failed`,
    pass: failed.length === 0,
    note:
      failed.length === 0
        ? 'W1 all files hashed; later, changed files hashed, all sizes and mtimes'
        : failed.slice(0, 6).join(', '),
  });
  return rows;
}

const MIB = 2 ** 20;

/** One side's peak RSS: the worst Muster pass of the run, with the workload it was in. */
function peakRssRow(workloads: readonly WorkloadResult[], side: 'sender' | 'receiver'): TargetRow {
  let worst: { id: WorkloadId; bytes: number } | undefined;
  const missing: WorkloadId[] = [];
  for (const w of workloads) {
    const bytes = w.passes.muster?.[side].peakRssBytes;
    if (!w.passes.muster) continue;
    if (bytes === null || bytes === undefined || bytes <= 0) missing.push(w.id);
    else if (!worst || bytes > worst.bytes) worst = { id: w.id, bytes };
  }
  const over = workloads
    .filter((w) => (w.passes.muster?.[side].peakRssBytes ?? 0) > TARGETS.peakRssBytes)
    .map((w) => w.id);
  const label = side === 'sender' ? 'sender' : 'offsite';
  return {
    name: `Peak RSS, ${label}, worst workload`,
    target: `<= ${TARGETS.peakRssBytes / MIB} MiB`,
    measured: worst ? `${fixed(worst.bytes / MIB, 1)} MiB (${worst.id})` : 'n/a',
    pass: worst !== undefined && missing.length === 0 && worst.bytes <= TARGETS.peakRssBytes,
    note:
      (over.length > 0 ? `over in ${over.join(', ')}` : worst ? 'every workload under' : 'not run') +
      (missing.length > 0 ? `; not measured in ${missing.join(', ')}` : '') +
      `; one ${label === 'sender' ? 'sender' : 'offsite'} process per pass, VmHWM`,
  };
}

/** W6 (sender killed) or W6b (receiver killed): Muster's re-sent bytes against one block. */
function resumeRow(w: WorkloadResult | undefined): TargetRow {
  const resume = w?.resume?.muster;
  const side = resume?.killed ?? (w?.id === 'W6b' ? 'receiver' : 'sender');
  const id = w?.id ?? (side === 'receiver' ? 'W6b' : 'W6');
  const rsync = w?.resume?.['rsync-ssh'];
  return {
    name: `${id} bytes re-sent after kill -9 of the ${side === 'receiver' ? 'offsite' : 'sender'}`,
    target: `<= ${TARGETS.resendBlocks} block`,
    measured: resume ? `${fixed(resume.resentBytes / 1024, 1)} KiB` : 'n/a',
    pass:
      resume !== undefined &&
      Number.isFinite(resume.resentBytes) &&
      resume.resentBytes <= TARGETS.resendBlocks * resume.blockBytes,
    note: resume
      ? `block ${resume.blockBytes / 1024} KiB; beyond the remainder (file - ${fixed(resume.crossedBytes / MIB, 2)} MiB ` +
        `crossed); of what the offsite kept (${fixed(resume.keptBytes / MIB, 2)} MiB): ` +
        `${fixed(resume.resentOfKeptBytes / 1024, 1)} KiB` +
        (rsync ? `; rsync-ssh ${fixed(rsync.resentBytes / 1024, 1)} KiB` : '')
      : 'not run',
  };
}

/**
 * A Muster process answering a command while it replicates at full speed: the worst p99 of the
 * ping round trip over the transfer workloads. p99 rather than the maximum: a pass gives
 * hundreds to thousands of pings, so p99 is a delay the engine causes again and again (a long
 * synchronous step), while one maximum on a shared two-core machine can be the scheduler's;
 * the highest maximum is in the note.
 */
function commandAnswerRow(workloads: readonly WorkloadResult[], side: 'sender' | 'offsite'): TargetRow {
  const probes = PROBED_WORKLOADS.flatMap((id) => {
    const pass = workloads.find((w) => w.id === id)?.passes.muster;
    const probe = side === 'sender' ? pass?.probe : pass?.offsiteProbe;
    return probe ? [{ id, probe }] : [];
  });
  const p99 = (p: CommandProbeResult): number => p.roundTrip.p99Ms ?? Number.POSITIVE_INFINITY;
  const max = (p: CommandProbeResult): number => p.roundTrip.maxMs ?? Number.POSITIVE_INFINITY;
  type Probed = (typeof probes)[number];
  const worst = probes.reduce<Probed | undefined>(
    (a, b) => (a && p99(a.probe) >= p99(b.probe) ? a : b),
    undefined,
  );
  const highest = probes.reduce<Probed | undefined>(
    (a, b) => (a && max(a.probe) >= max(b.probe) ? a : b),
    undefined,
  );
  const missing = PROBED_WORKLOADS.filter(
    (id) => !probes.some((p) => p.id === id && p.probe.roundTrip.count > 0),
  );
  const unanswered = probes.reduce((sum, p) => sum + p.probe.unanswered, 0);
  const value = worst ? worst.probe.roundTrip.p99Ms : null;
  const describe = ({ id, probe }: Probed): string =>
    `worst ${id}: p50/p99/max ${fixed(probe.roundTrip.p50Ms, 1)}/${fixed(probe.roundTrip.p99Ms, 1)}/` +
    `${fixed(probe.roundTrip.maxMs, 1)} ms of ${probe.roundTrip.count} pings` +
    (probe.eventLoopDelay
      ? `, its loop delay p99/max ${fixed(probe.eventLoopDelay.p99Ms, 1)}/${fixed(probe.eventLoopDelay.maxMs, 1)} ms`
      : '');
  const first = PROBED_WORKLOADS[0];
  const last = PROBED_WORKLOADS[PROBED_WORKLOADS.length - 1];
  return {
    name: `Command answer while replicating, ${side} (p99)`,
    target: `<= ${TARGETS.commandAnswerMs} ms`,
    measured: worst ? `${fixed(value, 1)} ms (${worst.id})` : 'n/a',
    pass: missing.length === 0 && value !== null && value <= TARGETS.commandAnswerMs,
    note:
      worst && highest
        ? `IPC ping every ${worst.probe.intervalMs} ms over ${first}-${last}; ${describe(worst)}; ` +
          `highest max ${fixed(highest.probe.roundTrip.maxMs, 1)} ms (${highest.id})` +
          (unanswered > 0 ? `; ${unanswered} unanswered` : '') +
          (missing.length > 0 ? `; no pings in ${missing.join(', ')}` : '')
        : 'not run',
  };
}
