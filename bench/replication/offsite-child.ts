// The Muster offsite side, as its own process: `node --import tsx offsite-child.ts` with its
// settings as JSON in MUSTER_BENCH_CHILD. Prints every offsite event but the per-file ones as a
// JSON line stamped with the wall clock, and after a session's end (or its snapshot) a
// 'loop-delay' line: its event loop delay since the session started. SIGTERM closes the server
// and exits. Answers the benchmark's pings on its IPC channel (command-probe.ts).
import { type OffsiteEvent, startOffsiteServer } from '@muster/replication';
import type { ProbeMessage } from './command-probe';
import { loopDelaySummary, startLoopDelay } from './loop-delay';
import { epochMs, MUSTER_CHILD_ENV, type OffsiteChildConfig, type OffsiteLine } from './muster-protocol';

const config = JSON.parse(process.env[MUSTER_CHILD_ENV] ?? '{}') as OffsiteChildConfig;
const line = (value: OffsiteLine): void => void process.stdout.write(`${JSON.stringify(value)}\n`);

// Answered from the event loop, like a command reaching the offsite agent.
process.on('message', (message: ProbeMessage) => {
  if (message.type === 'ping') process.send?.({ type: 'pong', id: message.id } satisfies ProbeMessage);
});

const delay = startLoopDelay();

const server = await startOffsiteServer({
  root: config.root,
  port: config.port,
  host: '127.0.0.1',
  identity: config.identity,
  allow: config.allow,
  hashThreads: config.hashThreads ?? 0,
  // Keep only the snapshot just made: the benchmark builds one.
  ...(config.syntheticFull
    ? { syntheticFull: { retention: { keepLast: 1, keepDaily: 0, keepWeekly: 0 } } }
    : {}),
  onEvent: (event: OffsiteEvent) => {
    // Thousands of small files: per-file events would only cost the measured process time.
    if (event.type !== 'file-committed') line({ ...event, at: epochMs() });
    if (event.type === 'session-start') delay.reset();
    if (event.type === 'session-end' || event.type === 'snapshot')
      line({ type: 'loop-delay', delay: loopDelaySummary(delay), at: epochMs() });
  },
});
process.on('SIGTERM', () => {
  void server.close().finally(() => process.exit(0));
});
