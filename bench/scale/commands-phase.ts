import { measureFanout } from '../support/fanout';
import { cpuOf } from '../support/load-window';
import { readMachineBusySeconds } from '../support/proc-stats';
import { say } from '../support/progress';
import type { SimPool } from '../support/sim/sim-pool';
import type { LatencyPick } from '../support/sim/sim-protocol';
import { summarize } from '../support/stats';
import { sleep } from '../support/wait';
import type { ScaleCluster } from './cluster';
import type { NotifyCounter } from './notify-counter';
import type { CommandsResult, FanoutCpu, LatencySide } from './results';
import { SCALE_GROUP } from './seed-agents';

const COMMAND_TYPE = 'audit';

/** Single-target commands through the first node's API to agents on it (`same`) or on another node. */
async function latencySide(
  cluster: ScaleCluster,
  pool: SimPool,
  pick: LatencyPick,
  count: number,
): Promise<LatencySide> {
  const node = cluster.agentAddresses[0] ?? null;
  const runs = await pool.latency({
    count,
    timeoutMs: 10_000,
    commandType: COMMAND_TYPE,
    pick,
    node,
    httpUrl: cluster.first.httpUrl,
  });
  const samples = runs.flatMap((r) => r.samples);
  const side: LatencySide = {
    commands: samples.length,
    failures: runs.reduce((n, r) => n + r.failures, 0),
    lastFailure:
      runs
        .map((r) => r.lastFailure)
        .filter(Boolean)
        .at(-1) ?? '',
    enqueueToReceiptMs: summarize(samples.map((s) => s.enqueueToReceiptMs)),
  };
  const r = side.enqueueToReceiptMs;
  say(
    `latency (${pick === 'same' ? 'same node' : 'across nodes'}): ${side.commands} commands (${side.failures} failed), ` +
      `p50 ${r.p50.toFixed(2)} ms, p99 ${r.p99.toFixed(2)} ms`,
  );
  return side;
}

/**
 * With every agent connected: enqueue-to-receipt latency on the node that took the request and
 * across nodes, then one command fanned out to every agent through the first node while
 * GET /api/v1/server is probed there.
 */
export async function runCommandsPhase(
  cluster: ScaleCluster,
  pool: SimPool,
  agents: number,
  latencyCommands: number,
  notify: NotifyCounter,
): Promise<CommandsResult> {
  const span = notify.span();
  const sameNode = await latencySide(cluster, pool, 'same', latencyCommands);
  const crossNode = await latencySide(cluster, pool, 'other', latencyCommands);
  cluster.assertRunning('the latency runs');
  await sleep(2_000);
  // A fan-out that fails (its POST timed out at 100,000 agents in scale-100000.md) must not take
  // the latency runs with it: they are kept, and the failure is reported as the fan-out's figure.
  const cpu = cpuMeter(cluster, pool);
  try {
    const fanout = await measureFanout(cluster.first, pool, SCALE_GROUP, Math.max(120_000, agents * 10));
    const fanoutCpu = cpu();
    cluster.assertRunning('the fan-out');
    return { sameNode, crossNode, fanout, fanoutCpu, notify: span() };
  } catch (error) {
    const fanoutCpu = cpu();
    const cause = (error as Error & { cause?: Error }).cause;
    const reason = `${(error as Error).message}${cause ? ` (${cause.message})` : ''}`;
    say(`fan-out failed: ${reason}`);
    return { sameNode, crossNode, fanout: null, fanoutError: reason, fanoutCpu, notify: span() };
  }
}

/**
 * Starts counting the CPU of the nodes, of the simulators and of the whole machine; the
 * function returned reads what each used since. The machine's figure against the floor's is
 * what a fan-out costs per command, wherever it is spent (PostgreSQL's share is in the rest).
 */
function cpuMeter(cluster: ScaleCluster, pool: SimPool): () => FanoutCpu {
  const nodes = cpuOf(cluster.pids);
  const simulators = cpuOf(pool.pids);
  const machine = readMachineBusySeconds();
  return () => ({
    nodes: cpuOf(cluster.pids) - nodes,
    simulators: cpuOf(pool.pids) - simulators,
    machine: readMachineBusySeconds() - machine,
  });
}
