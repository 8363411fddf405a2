import { ApiProbe } from './api-probe';
import { wallClockMs } from './clock';
import { readCpuSeconds } from './proc-stats';
import { say, throttled } from './progress';
import type { MusterServerProcess } from './server-process';
import type { SimPool } from './sim/sim-pool';
import { type Summary, summarize } from './stats';
import { waitUntil } from './wait';

/** One command fanned out to every connected agent through a group filter. */
export interface FanoutResult {
  filter: string;
  /** Commands the POST queued (one per machine matching the filter). */
  queued: number;
  /** Until the POST's answer, ms. */
  postMs: number;
  received: number;
  acknowledged: number;
  /** Receipt times after the POST started, ms. */
  receiptMs: Summary;
  /** Until the last agent had it, ms after the POST started (null: not all within the limit). */
  allReceivedMs: number | null;
  /** Until the last result was acknowledged, ms after the POST started (null: not all). */
  allAcknowledgedMs: number | null;
  timeLimitMs: number;
  serverCpuSeconds: number;
  /** GET /server answer times while the fan-out ran (a blocked event loop shows here). */
  apiAnswerMs: Summary;
}

/**
 * One POST /commands with a group filter, queueing one command for every machine of the group,
 * timed until every agent had it (and until every result was acknowledged). The POST is
 * sent from this process and the receipts happen in the simulator processes, so both sides
 * use the wall clock with sub-millisecond precision (clock.ts); the simulators' poll interval
 * plays no part in the times. Meanwhile GET /server is probed to see whether the API stalls.
 */
export async function measureFanout(
  server: MusterServerProcess,
  pool: SimPool,
  group: string,
  timeLimitMs: number,
): Promise<FanoutResult> {
  const filter = `*.${group}`;
  const before = await pool.status();
  await pool.markFanout('audit');
  const cpuBefore = readCpuSeconds(server.pid);
  const probe = new ApiProbe(server.httpUrl, server.adminToken());
  probe.start();
  const started = wallClockMs();
  let queued = 0;
  let postMs = 0;
  let done = false;
  let cpuSeconds = 0;
  let apiAnswerMs: Summary;
  try {
    const answer = await server
      .api()
      .request<{ items: unknown[] }>(
        'POST',
        '/commands',
        { targets: { filter }, type: 'audit', params: {} },
        timeLimitMs,
      );
    postMs = wallClockMs() - started;
    queued = answer.items.length;
    say(`fan-out: POST queued ${queued} commands in ${postMs.toFixed(0)} ms`);
    const progress = throttled(5_000);
    const outcome = await waitUntil(
      () => pool.status(),
      (s) => s.acksReceived - before.acksReceived >= queued,
      Math.max(0, timeLimitMs - (wallClockMs() - started)),
      100,
      (s) => {
        server.assertRunning('the fan-out');
        progress(
          `fan-out: ${s.commandsReceived - before.commandsReceived}/${queued} received, ` +
            `${s.acksReceived - before.acksReceived} acknowledged`,
        );
      },
    );
    done = outcome.done;
    cpuSeconds = readCpuSeconds(server.pid) - cpuBefore;
  } finally {
    apiAnswerMs = await probe.stop();
  }
  const report = await pool.fanoutReport();
  const receiptMs = report.receivedAtMs.map((t) => t - started);
  const ackMs = report.ackedAtMs.map((t) => t - started);
  const receipts = summarize(receiptMs);
  const acks = summarize(ackMs);
  const allReceived = report.receivedAtMs.length >= queued && queued > 0;
  const allAcked = done && report.ackedAtMs.length >= queued;
  say(
    `fan-out: ${report.receivedAtMs.length}/${queued} received, last after ` +
      `${receipts.max.toFixed(0)} ms; ${report.ackedAtMs.length} acknowledged, last after ${acks.max.toFixed(0)} ms`,
  );
  return {
    filter,
    queued,
    postMs,
    received: report.receivedAtMs.length,
    acknowledged: report.ackedAtMs.length,
    receiptMs: receipts,
    allReceivedMs: allReceived ? receipts.max : null,
    allAcknowledgedMs: allAcked ? acks.max : null,
    timeLimitMs,
    serverCpuSeconds: cpuSeconds,
    apiAnswerMs,
  };
}
