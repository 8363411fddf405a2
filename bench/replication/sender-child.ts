// The Muster local-server side of one pass, as its own process so its CPU and peak RSS are its
// own: compiled (see child-scripts.ts) or `node --import tsx sender-child.ts`, with its settings
// as JSON in MUSTER_BENCH_CHILD. Prints JSON lines: 'started' just before replicate() and 'done'
// with the summary after. Answers the benchmark's pings on its IPC channel (command-probe.ts).
import { type ReplicationProgress, replicate } from '@muster/replication';
import type { ProbeMessage } from './command-probe';
import { loopDelaySummary, startLoopDelay } from './loop-delay';
import {
  epochMs,
  MUSTER_CHILD_ENV,
  type SenderChildConfig,
  type SenderLine,
  type SenderPhases,
} from './muster-protocol';
import { ownPeakRssBytes } from './own-peak-rss';

const config = JSON.parse(process.env[MUSTER_CHILD_ENV] ?? '{}') as SenderChildConfig;
const line = (value: SenderLine): void => void process.stdout.write(`${JSON.stringify(value)}\n`);

const SLOWEST = 8;
const EXIT_GRACE_MS = 10_000;

// A ping is answered from the event loop, like a command reaching an agent. While replicate()
// runs the channel does not keep the process alive; once it is done the channel is held until
// the benchmark has its last pongs and disconnects (a pong in flight is not lost to the exit).
process.on('message', (message: ProbeMessage) => {
  if (message.type === 'ping') process.send?.({ type: 'pong', id: message.id } satisfies ProbeMessage);
});
process.channel?.unref();
const started = performance.now();
let connectMs = 0;
let transferEndMs: number | undefined;
const spans: { path: string; ms: number }[] = [];
let current: { path: string; at: number } | undefined;
const onProgress = (progress: ReplicationProgress): void => {
  const now = performance.now() - started;
  if (progress.phase === 'connected') connectMs = now;
  // The timer repeats the current path every 500 ms; a span ends only when the path changes.
  if (progress.phase === 'transferring' && progress.path && progress.path !== current?.path) {
    if (current) spans.push({ path: current.path, ms: now - current.at });
    current = { path: progress.path, at: now };
  }
  if (progress.phase === 'deleting' || progress.phase === 'done') {
    if (current) spans.push({ path: current.path, ms: now - current.at });
    current = undefined;
    transferEndMs ??= now;
  }
};

line({ type: 'started', at: epochMs() });
const delay = startLoopDelay();
const cpu0 = process.cpuUsage();
try {
  const summary = await replicate({
    localDir: config.localDir,
    localServerGuid: config.guid,
    stateDir: config.stateDir,
    offsite: { host: '127.0.0.1', port: config.port, keyFingerprint: config.keyFingerprint },
    identity: config.identity,
    // The benchmark deletes nothing; a zero delay keeps any deletion out of later passes' way.
    deleteDelaySeconds: 0,
    onProgress,
  });
  const wallMs = performance.now() - started;
  const cpu = process.cpuUsage(cpu0);
  delay.disable();
  const sorted = [...spans].sort((a, b) => b.ms - a.ms);
  const phases: SenderPhases = {
    connectMs,
    tailMs: Math.max(0, wallMs - (transferEndMs ?? wallMs)),
    slowestFiles: sorted.slice(0, SLOWEST),
    otherFilesMs: sorted.slice(SLOWEST).reduce((sum, s) => sum + s.ms, 0),
    otherFiles: Math.max(0, sorted.length - SLOWEST),
  };
  line({
    type: 'done',
    at: epochMs(),
    summary,
    wallMs,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    maxRssBytes: ownPeakRssBytes(),
    phases,
    eventLoopDelay: loopDelaySummary(delay),
  });
  process.channel?.ref();
  // An agent is a long-running service: work replicate() left running (its index write) goes
  // on after it resolves. Let it finish as it would there; exit anyway after a bound.
  setTimeout(() => process.exit(0), EXIT_GRACE_MS).unref();
} catch (error) {
  line({ type: 'failed', at: epochMs(), message: error instanceof Error ? error.message : String(error) });
  process.exit(1);
}
