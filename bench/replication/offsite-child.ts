// The Muster offsite side, as its own process: `node --import tsx offsite-child.ts` with its
// settings as JSON in MUSTER_BENCH_CHILD. Prints every offsite event but the per-file ones as a
// JSON line stamped with the wall clock; SIGTERM closes the server and exits.
import { type OffsiteEvent, startOffsiteServer } from '@muster/replication';
import { epochMs, MUSTER_CHILD_ENV, type OffsiteChildConfig, type OffsiteLine } from './muster-protocol';

const config = JSON.parse(process.env[MUSTER_CHILD_ENV] ?? '{}') as OffsiteChildConfig;
const line = (value: OffsiteLine): void => void process.stdout.write(`${JSON.stringify(value)}\n`);

const server = await startOffsiteServer({
  root: config.root,
  port: config.port,
  host: '127.0.0.1',
  identity: config.identity,
  allow: config.allow,
  // Keep only the snapshot just made: the benchmark builds one.
  ...(config.syntheticFull
    ? { syntheticFull: { retention: { keepLast: 1, keepDaily: 0, keepWeekly: 0 } } }
    : {}),
  onEvent: (event: OffsiteEvent) => {
    // Thousands of small files: per-file events would only cost the measured process time.
    if (event.type !== 'file-committed') line({ ...event, at: epochMs() });
  },
});
process.on('SIGTERM', () => {
  void server.close().finally(() => process.exit(0));
});
