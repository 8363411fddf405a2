import type { ToolName } from './args';
import type { PassResult, TargetRow, WorkloadId, WorkloadResult } from './results';

/** The issue's targets, Muster against rsync over ssh (daemon figures are printed beside). */
export const TARGETS = {
  seedThroughputVsSsh: 1,
  timeVsSsh: 0.5,
  wireVsRsync: 1.5,
  resendBlocks: 1,
  /** W8: a pass with nothing to send still says hello; more than this would be data. */
  snapshotControlBytes: 64 * 1024,
} as const;

const fixed = (n: number | null | undefined, digits: number): string =>
  n !== null && n !== undefined && Number.isFinite(n) ? n.toFixed(digits) : 'n/a';

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
    measured: `${fixed(r1, 2)}x`,
    pass: r1 !== null && r1 >= TARGETS.seedThroughputVsSsh,
    note:
      `${fixed(rate(m1), 0)} vs ${fixed(rate(s1), 0)} MiB/s (daemon ${fixed(rate(d1), 0)}); with the ` +
      `flush to disk ${fixed(ratio(flushedRate(m1), flushedRate(s1)), 2)}x`,
  });

  for (const id of ['W4', 'W7'] as const) {
    const w = get(id);
    const m = pass(w, 'muster');
    const s = pass(w, 'rsync-ssh');
    const d = pass(w, 'rsync-daemon');
    const r = ratio(m?.wallSeconds, s?.wallSeconds);
    rows.push({
      name: `${id} time vs rsync-ssh`,
      target: `<= ${TARGETS.timeVsSsh}x`,
      measured: `${fixed(r, 2)}x`,
      pass: r !== null && r <= TARGETS.timeVsSsh,
      note:
        `${fixed(m?.wallSeconds, 2)} s vs ${fixed(s?.wallSeconds, 2)} s; vs daemon ` +
        `${fixed(ratio(m?.wallSeconds, d?.wallSeconds), 2)}x; with flush ` +
        `${fixed(ratio(m ? m.wallSeconds + m.flushSeconds : null, s ? s.wallSeconds + s.flushSeconds : null), 2)}x`,
    });
  }

  for (const id of ['W2', 'W3', 'W4', 'W5'] as const) {
    const w = get(id);
    const m = pass(w, 'muster');
    const s = pass(w, 'rsync-ssh');
    const d = pass(w, 'rsync-daemon');
    const r = m && s ? ratio(wireTotal(m), wireTotal(s)) : null;
    rows.push({
      name: `${id} bytes on the wire vs rsync-ssh`,
      target: `<= ${TARGETS.wireVsRsync}x`,
      measured: `${fixed(r, 3)}x`,
      pass: r !== null && r <= TARGETS.wireVsRsync,
      note:
        `${fixed(m ? wireTotal(m) / 2 ** 20 : null, 2)} vs ${fixed(s ? wireTotal(s) / 2 ** 20 : null, 2)} MiB` +
        ` both ways; vs daemon ${fixed(m && d ? ratio(wireTotal(m), wireTotal(d)) : null, 3)}x`,
    });
  }

  const resume = get('W6')?.resume?.muster;
  rows.push({
    name: 'W6 bytes re-sent after kill -9 of the sender',
    target: `<= ${TARGETS.resendBlocks} block`,
    measured: resume ? `${fixed(resume.resentBytes / 1024, 1)} KiB` : 'n/a',
    pass: resume !== undefined && resume.resentBytes <= TARGETS.resendBlocks * resume.blockBytes,
    note: resume
      ? `block ${resume.blockBytes / 1024} KiB; beyond the remainder (file - ${fixed(resume.crossedBytes / 2 ** 20, 2)} MiB ` +
        `crossed); of what the offsite kept (${fixed(resume.keptBytes / 2 ** 20, 2)} MiB): ` +
        `${fixed(resume.resentOfKeptBytes / 1024, 1)} KiB`
      : 'not run',
  });

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
