import type { AdminApi } from '../support/admin-api';
import { Semaphore } from '../support/semaphore';
import { summarize } from '../support/stats';
import type { BenchDevice } from './device-client';
import type { DrainResult } from './results';

/** Queues `count` single commands for one device through the API, a few requests at a time. */
async function queueFor(api: AdminApi, deviceId: string, count: number): Promise<void> {
  const gate = new Semaphore(8);
  await Promise.all(
    Array.from({ length: count }, () =>
      gate.run(() =>
        api.request(
          'POST',
          '/commands',
          { targets: { devices: [deviceId] }, type: 'sync', params: {} },
          30_000,
        ),
      ),
    ),
  );
}

/**
 * Rounds of: queue `perRound` commands for the device (not timed), one signed check-in that
 * hands all of them over (timed), and the device's results report for them (timed for
 * context). One untimed round first warms up the code paths and the connection.
 */
export async function measureDrain(
  api: AdminApi,
  device: BenchDevice,
  rounds: number,
  perRound: number,
  finishedInTable: number,
  progress: (message: string) => void,
): Promise<DrainResult> {
  const checkinMs: number[] = [];
  const resultsMs: number[] = [];
  let fullDrains = 0;
  let failures = 0;
  let lastFailure = '';
  for (let r = -1; r < rounds; r++) {
    try {
      await queueFor(api, device.deviceId, perRound);
      const checkin = await device.checkin();
      const ids = checkin.body.commands.map((c) => c.id);
      const results = ids.length > 0 ? await device.results(ids) : null;
      if (r < 0) continue;
      checkinMs.push(checkin.ms);
      if (results) resultsMs.push(results.ms);
      if (ids.length === perRound) fullDrains++;
      else {
        failures++;
        lastFailure = `round ${r}: the check-in handed over ${ids.length} commands, not ${perRound}`;
      }
    } catch (error) {
      failures++;
      lastFailure = `round ${r}: ${(error as Error).message}`;
    }
  }
  const result: DrainResult = {
    finishedCommandsInTable: finishedInTable,
    pendingPerCheckin: perRound,
    rounds,
    fullDrains,
    checkinMs: summarize(checkinMs),
    resultsMs: summarize(resultsMs),
    failures,
    lastFailure,
  };
  progress(
    `drain: ${fullDrains}/${rounds} check-ins handed over ${perRound} commands; check-in p50 ` +
      `${result.checkinMs.p50.toFixed(2)} ms, p99 ${result.checkinMs.p99.toFixed(2)} ms` +
      (failures ? `; ${failures} failures (${lastFailure})` : ''),
  );
  return result;
}
