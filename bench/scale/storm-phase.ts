import { sql } from 'kysely';
import { openDatabase } from '../../packages/server/src/store/sql/open-database';
import { cpuOf } from '../support/load-window';
import { say, throttled } from '../support/progress';
import type { SimPool } from '../support/sim/sim-pool';
import { waitUntil } from '../support/wait';
import type { ScaleCluster } from './cluster';
import { nodeCounts } from './connect-phase';
import type { NotifyCounter } from './notify-counter';
import type { StoreCheck, StormResult, UnmarkedMachine } from './results';
import { SCALE_GROUP } from './seed-agents';

/** A read of the store after a storm, with the machines it marked offline. */
interface StoreRead extends Omit<StoreCheck, 'lostMarks'> {
  unmarkedIds: Set<string>;
  /** Agents the simulators had connected at the read. */
  agentsConnected: number;
}

/** How long after one read a machine still marked offline counts as lost, not as in flight. */
const IN_FLIGHT_MS = 5_000;

/** Reads what the store holds after a storm and compares it with the agents and the nodes. */
async function checkStore(
  databaseUrl: string,
  cluster: ScaleCluster,
  agents: number,
  connectedNow: number,
): Promise<StoreRead> {
  const { db, close } = openDatabase({ postgresUrl: databaseUrl });
  try {
    const row = await sql<{ machines: string; connected: string }>`
      select count(*) as machines, count(*) filter (where connected = 1) as connected
      from machines where group_id = ${SCALE_GROUP}`.execute(db);
    const unmarked = await sql<{ id: string }>`
      select id from machines where group_id = ${SCALE_GROUP} and connected = 0`.execute(db);
    const machines = Number(row.rows[0]?.machines ?? 0);
    const markedConnected = Number(row.rows[0]?.connected ?? 0);
    const serverConnected = (await nodeCounts(cluster)).reduce((a, b) => a + b, 0);
    return {
      machines,
      expectedMachines: agents,
      markedConnected,
      serverConnected,
      unmarkedIds: new Set(unmarked.rows.map((r) => r.id)),
      agentsConnected: connectedNow,
      ok: machines === agents && markedConnected === connectedNow && serverConnected === connectedNow,
    };
  } finally {
    await close();
  }
}

/** Up to ten machines the store marks offline, with their connection history (see StoreCheck). */
async function sampleUnmarked(databaseUrl: string, cluster: ScaleCluster): Promise<UnmarkedMachine[]> {
  const { db, close } = openDatabase({ postgresUrl: databaseUrl });
  try {
    const machines = await sql<{
      id: string;
      connected_by: string | null;
      connected_attempt_at: string | null;
      last_seen_at: string | null;
    }>`
      select id, connected_by, connected_attempt_at, last_seen_at from machines
      where group_id = ${SCALE_GROUP} and connected = 0 order by id limit 10`.execute(db);
    const out: UnmarkedMachine[] = [];
    for (const m of machines.rows) {
      const sessions = await sql<{
        node_id: string;
        connected_at: string;
        disconnected_at: string | null;
        end_reason: string | null;
        checkins: number;
      }>`
        select node_id, connected_at, disconnected_at, end_reason, checkins from checkin_history
        where machine_id = ${m.id} order by connected_at, id`.execute(db);
      const time = (v: string | null) => (v === null ? null : Number(v));
      // A node shows a machine online while it holds its session, whatever the store says.
      const online = await Promise.all(
        cluster.nodes.map((n) =>
          n
            .api()
            .request<{ online: boolean }>('GET', `/machines/${m.id}`, undefined, 10_000)
            .then((view) => view.online)
            .catch(() => null),
        ),
      );
      out.push({
        id: m.id,
        connectedBy: m.connected_by,
        connectedAttemptAt: time(m.connected_attempt_at),
        lastSeenAt: time(m.last_seen_at),
        onlineOnNodes: online.flatMap((on, node) => (on ? [node] : [])),
        sessions: sessions.rows.map((h) => ({
          node: h.node_id,
          at: Number(h.connected_at),
          endedAt: time(h.disconnected_at),
          reason: h.end_reason,
          checkins: Number(h.checkins),
        })),
      });
    }
    return out;
  } finally {
    await close();
  }
}

/**
 * Stops every node at once (SIGTERM: their own shutdown; SIGKILL: none at all), starts them all
 * again, and times until every agent was welcomed again; then checks the store.
 */
export async function runStorm(
  signal: 'SIGTERM' | 'SIGKILL',
  cluster: ScaleCluster,
  pool: SimPool,
  databaseUrl: string,
  agents: number,
  timeLimitSeconds: number,
  notify: NotifyCounter,
): Promise<StormResult> {
  const before = await pool.status();
  await pool.mark();
  const span = notify.span();
  const simCpuBefore = cpuOf(pool.pids);
  const signalledAt = performance.now();
  say(`storm: ${signal} to all ${cluster.nodes.length} nodes with ${before.connected} agents connected`);
  const stops = await cluster.stopAll(signal);
  const stopSeconds = (performance.now() - signalledAt) / 1000;
  const startSeconds = await cluster.restartStopped();
  say(
    `storm: nodes gone after ${stopSeconds.toFixed(1)} s, all answering again after ${startSeconds.toFixed(1)} s`,
  );
  const progress = throttled(5_000);
  const timeline: Array<[number, number]> = [];
  const outcome = await waitUntil(
    () => pool.status(),
    (s) => s.welcomedSinceMark >= before.connected,
    Math.max(10_000, timeLimitSeconds * 1000 - (performance.now() - signalledAt)),
    250,
    (s) => {
      cluster.assertRunning(`the ${signal} storm`);
      const t = Math.round((performance.now() - signalledAt) / 100) / 10;
      const last = timeline[timeline.length - 1];
      if (!last || t - last[0] >= 5) timeline.push([t, s.welcomedSinceMark]);
      progress(`storm: ${s.welcomedSinceMark}/${before.connected} welcomed again`);
    },
  );
  const backSeconds = outcome.done ? (performance.now() - signalledAt) / 1000 : null;
  // The nodes are new processes: all their CPU time is the restart's.
  const nodeCpuSeconds = cpuOf(cluster.pids);
  const simulatorCpuSeconds = cpuOf(pool.pids) - simCpuBefore;
  timeline.push([Math.round((performance.now() - signalledAt) / 100) / 10, outcome.value.welcomedSinceMark]);
  say(
    `storm: ${outcome.value.welcomedSinceMark}/${before.connected} back` +
      (backSeconds === null ? ' (time limit reached)' : ` ${backSeconds.toFixed(1)} s after ${signal}`),
  );
  const notifySpan = span();
  // Connection state is written coalesced: the store may lag the sessions by a flush or two,
  // so it is read until it agrees, or a minute has passed. Agents still go back from their
  // secondary to their primary then, each a move whose writes are in flight for a second or
  // so: a machine marked offline counts as lost only when a read IN_FLIGHT_MS later still has
  // it offline while every agent is connected.
  const read = async () => checkStore(databaseUrl, cluster, agents, (await pool.status()).connected);
  const agreed = await waitUntil(read, (check) => check.ok, 60_000, 2_000);
  let last = agreed.value;
  let lost = 0;
  if (!last.ok) {
    const first = last;
    await new Promise((resolve) => setTimeout(resolve, IN_FLIGHT_MS));
    last = await read();
    lost = [...last.unmarkedIds].filter((id) => first.unmarkedIds.has(id)).length;
  }
  const { unmarkedIds, agentsConnected: _, ...counts } = last;
  const store: StoreCheck = {
    ...counts,
    lostMarks: lost,
    // Only while every agent is connected does a machine marked offline mean a lost mark (and
    // can no machine be marked connected that is not).
    ok: last.ok || (last.machines === agents && last.agentsConnected === agents && lost === 0),
  };
  if (unmarkedIds.size > 0) {
    store.unmarked = await sampleUnmarked(databaseUrl, cluster);
    for (const m of store.unmarked) say(`storm: marked offline while connected: ${JSON.stringify(m)}`);
  }
  const now = await pool.status();
  say(
    `storm: store holds ${store.machines}/${agents} accounts, ${store.markedConnected} marked connected ` +
      `(${store.lostMarks} of the others still offline ${IN_FLIGHT_MS / 1000} s later), ` +
      `nodes count ${store.serverConnected}, simulators ${now.connected}`,
  );
  return {
    signal,
    agentsBefore: before.connected,
    stopSeconds,
    killedAfterGrace: signal === 'SIGTERM' ? stops.filter((s) => !s.exitedGracefully).length : 0,
    startSeconds,
    back: outcome.value.welcomedSinceMark,
    backSeconds,
    failedAttempts: outcome.value.connectFailures - before.connectFailures,
    timeline,
    store,
    notify: notifySpan,
    nodeCpuSeconds,
    simulatorCpuSeconds,
  };
}
