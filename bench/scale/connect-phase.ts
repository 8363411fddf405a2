import { readRssBytes } from '../support/proc-stats';
import { say, throttled } from '../support/progress';
import type { SimPool } from '../support/sim/sim-pool';
import { sleep, waitUntil } from '../support/wait';
import type { ScaleCluster } from './cluster';
import type { NotifyCounter } from './notify-counter';
import type { ConnectResult, NodeMemory } from './results';

const SETTLE_MS = 5_000;
/** Idle time before the baseline: a node's RSS shrinks for a while after its start-up. */
const BASELINE_SETTLE_MS = 10_000;

/** Each node's count of connected agents (GET /api/v1/server), in node order; 0 when it does not answer. */
export async function nodeCounts(cluster: ScaleCluster): Promise<number[]> {
  return Promise.all(
    cluster.nodes.map(async (n) => {
      if (!n.running) return 0;
      try {
        return (await n.api().serverStatus()).connectedAgents;
      } catch {
        return 0;
      }
    }),
  );
}

/**
 * Connects every agent at once (as many attempts in flight as the pool allows) and measures
 * each node's RSS before and after: the RSS growth over the agents it holds.
 */
export async function runConnectPhase(
  cluster: ScaleCluster,
  pool: SimPool,
  agents: number,
  notify: NotifyCounter,
): Promise<ConnectResult> {
  await sleep(BASELINE_SETTLE_MS);
  const baseline = cluster.pids.map(readRssBytes);
  const span = notify.span();
  pool.connect();
  const progress = throttled(5_000);
  const outcome = await waitUntil(
    () => pool.status(),
    (s) => s.connected >= agents,
    Math.max(300_000, agents * 20),
    500,
    (s) => {
      cluster.assertRunning('the connection of every agent');
      progress(
        `connect: ${s.connected}/${agents} connected (${s.onSecondary} on their secondary, failed attempts ${s.connectFailures})`,
      );
    },
  );
  const seconds = outcome.elapsedMs / 1000;
  say(`connect: ${outcome.value.connected}/${agents} in ${seconds.toFixed(1)} s`);
  await sleep(SETTLE_MS);
  const status = await pool.status();
  const counts = await nodeCounts(cluster);
  const connected = cluster.pids.map(readRssBytes);
  const nodes: NodeMemory[] = counts.map((count, node) => ({
    node,
    agents: count,
    baselineBytes: baseline[node] ?? 0,
    connectedBytes: connected[node] ?? 0,
    perAgentBytes: count > 0 ? ((connected[node] ?? 0) - (baseline[node] ?? 0)) / count : Number.NaN,
  }));
  const simulatorRssBytes = pool.pids.reduce((sum, pid) => {
    try {
      return sum + readRssBytes(pid);
    } catch {
      return sum;
    }
  }, 0);
  const growth = nodes.reduce((n, m) => n + m.connectedBytes - m.baselineBytes, 0);
  const serverConnected = counts.reduce((a, b) => a + b, 0);
  return {
    requested: agents,
    connected: status.connected,
    onPrimary: status.onPrimary,
    serverConnected,
    seconds,
    failedAttempts: status.connectFailures,
    lastError: status.lastError,
    nodes,
    perAgentBytes: serverConnected > 0 ? growth / serverConnected : Number.NaN,
    simulatorRssBytes,
    notify: span(),
  };
}
