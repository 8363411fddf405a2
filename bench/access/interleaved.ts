import type { BenchCallers } from './people';
import { type Timing, timing } from './stats';

/** One request measured for both callers, taking turns. */
export interface PairedResult {
  label: string;
  masterPath: string;
  scopedPath: string;
  master: Timing;
  scoped: Timing;
  /** Body size of the last answer, bytes. */
  masterBytes: number;
  scopedBytes: number;
  /** scoped / master at p50 and p95 (below 1: the scoped caller is faster). */
  ratioP50: number;
  ratioP95: number;
  failures: number;
  lastFailure: string;
}

interface Sample {
  ms: number;
  bytes: number;
  error: string | null;
}

async function timeGet(url: string, token: string): Promise<Sample> {
  const started = performance.now();
  try {
    const response = await fetch(url, {
      headers: { authorization: `Bearer ${token}` },
      signal: AbortSignal.timeout(60_000),
    });
    const body = await response.arrayBuffer();
    const ms = performance.now() - started;
    return { ms, bytes: body.byteLength, error: response.ok ? null : `HTTP ${response.status}` };
  } catch (error) {
    return { ms: performance.now() - started, bytes: 0, error: (error as Error).message };
  }
}

/**
 * Times `rounds` GETs for each caller, one request at a time over kept-alive connections, the
 * two callers taking turns and swapping who goes first every round: a slow moment of the shared
 * machine then falls on both alike, and the ratio of the two is what the targets read. The
 * first `warmup` rounds are not counted (JIT, the SQLite page cache, the token caches). With
 * `masterEvery` above 1 the master asks only every that many rounds (its whole list of every
 * organization takes seconds), still spread over the same stretch of time.
 */
export async function measurePaired(
  httpUrl: string,
  callers: BenchCallers,
  label: string,
  masterPath: string,
  scopedPath: string,
  rounds: number,
  warmup: number,
  masterEvery = 1,
): Promise<PairedResult> {
  const times = { master: [] as number[], scoped: [] as number[] };
  const bytes = { master: 0, scoped: 0 };
  let failures = 0;
  let lastFailure = '';
  for (let r = 0; r < warmup + rounds; r++) {
    const order: Array<'master' | 'scoped'> = r % 2 === 0 ? ['master', 'scoped'] : ['scoped', 'master'];
    for (const who of order) {
      if (who === 'master' && r % masterEvery !== 0) continue;
      const path = who === 'master' ? masterPath : scopedPath;
      const sample = await timeGet(`${httpUrl}/api/v1${path}`, callers[who].token);
      if (sample.error !== null) {
        failures++;
        lastFailure = `${who} ${path}: ${sample.error}`;
        continue;
      }
      bytes[who] = sample.bytes;
      if (r >= warmup) times[who].push(sample.ms);
    }
  }
  const master = timing(times.master);
  const scoped = timing(times.scoped);
  return {
    label,
    masterPath,
    scopedPath,
    master,
    scoped,
    masterBytes: bytes.master,
    scopedBytes: bytes.scoped,
    ratioP50: scoped.p50 / master.p50,
    ratioP95: scoped.p95 / master.p95,
    failures,
    lastFailure,
  };
}
