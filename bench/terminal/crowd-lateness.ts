import type { SimPool } from '../support/sim/sim-pool';
import { sleep } from '../support/wait';

/** How the simulated agents' check-ins fared during one window. */
export interface LatenessWindow {
  seconds: number;
  /** Check-ins the simulated agents sent during the window. */
  checkinsSent: number;
  /** Probe rounds: a ping over every connection, about one a second. */
  rounds: number;
  pings: number;
  /**
   * Pings not answered within the late limit. A pong follows every frame sent before its ping,
   * so an unanswered ping means the check-ins ahead of it were not read in time either.
   */
  late: number;
  /** The slowest round, ms (a round's time is its slowest connection's). */
  worstRoundMs: number;
}

/**
 * Probes the crowd about once a second until `done()` holds and at least `minSeconds` passed:
 * every connection is pinged, and a ping unanswered within `lateMs` counts as late.
 */
export async function probeLateness(
  pool: SimPool,
  lateMs: number,
  minSeconds: number,
  done: () => boolean,
): Promise<LatenessWindow> {
  const started = performance.now();
  const s0 = await pool.status();
  const w: LatenessWindow = { seconds: 0, checkinsSent: 0, rounds: 0, pings: 0, late: 0, worstRoundMs: 0 };
  while (!done() || performance.now() - started < minSeconds * 1000) {
    const round = await pool.drain(lateMs);
    w.rounds++;
    w.pings += round.total;
    w.late += round.total - round.answered;
    w.worstRoundMs = Math.max(w.worstRoundMs, round.ms);
    await sleep(Math.max(0, 1000 - round.ms));
  }
  const s1 = await pool.status();
  w.seconds = (performance.now() - started) / 1000;
  w.checkinsSent = s1.sent - s0.sent;
  return w;
}
