import { say, throttled } from '../support/progress';
import { nodesOf } from '../support/sim/placement';
import type { SimPool } from '../support/sim/sim-pool';
import { sleep, waitUntil } from '../support/wait';
import type { ScaleCluster } from './cluster';
import { CommandFlow, commandStatuses } from './command-flow';
import type { NotifyCounter } from './notify-counter';
import type { NodeLossResult } from './results';

/** What the node-loss phase needs to know about the run. */
export interface NodeLossPlan {
  agents: number;
  periodSeconds: number;
  flowPerSecond: number;
  databaseUrl: string;
}

/**
 * While commands flow (through the first node, half of them to agents of the victim), the last
 * node is SIGKILLed: its agents must be on their secondary within one check-in period. It is
 * started again and its agents must return to it. Then every queued command must be complete,
 * none lost, and none delivered twice.
 */
export async function runNodeLoss(
  cluster: ScaleCluster,
  pool: SimPool,
  plan: NodeLossPlan,
  notify: NotifyCounter,
): Promise<NodeLossResult> {
  const n = cluster.nodes.length;
  const victim = n - 1;
  const victimNode = cluster.nodes[victim];
  if (!victimNode) throw new Error('no node to lose');
  const victimIndexes: number[] = [];
  for (let i = 0; i < plan.agents; i++) if (nodesOf(i, n).primary === victim) victimIndexes.push(i);
  let flip = false;
  const pick = () => {
    flip = !flip;
    const list = flip ? victimIndexes : null;
    return list
      ? (list[Math.floor(Math.random() * list.length)] as number)
      : Math.floor(Math.random() * plan.agents);
  };
  await pool.resetCommandCounts();
  const span = notify.span();
  const flow = new CommandFlow(cluster.first.api(), plan.flowPerSecond, pick);
  flow.start();
  await sleep(3_000);
  const before = await pool.status();
  say(`node loss: SIGKILL to node ${victim} holding ${victimIndexes.length} agents, commands flowing`);
  const killedAt = performance.now();
  await victimNode.kill();
  const progress = throttled(5_000);
  const moved = await waitUntil(
    () => pool.status(),
    (s) => s.onSecondary >= victimIndexes.length && s.connected >= before.connected,
    Math.max(60_000, plan.periodSeconds * 3000, victimIndexes.length * 20),
    100,
    (s) => {
      cluster.assertRunning('the node loss', victimNode);
      progress(
        `node loss: ${s.onSecondary}/${victimIndexes.length} on their secondary, ${s.connected} connected`,
      );
    },
  );
  const onSecondarySeconds = moved.done ? (performance.now() - killedAt) / 1000 : null;
  say(
    `node loss: ${moved.value.onSecondary}/${victimIndexes.length} on their secondary` +
      (onSecondarySeconds === null ? ' (time limit reached)' : ` after ${onSecondarySeconds.toFixed(1)} s`),
  );
  await sleep(3_000);
  const restartedAt = performance.now();
  await victimNode.start(120_000);
  say(
    `node loss: node ${victim} started again after ${((performance.now() - restartedAt) / 1000).toFixed(1)} s`,
  );
  const back = await waitUntil(
    () => pool.status(),
    (s) => s.onPrimary >= before.connected,
    Math.max(60_000, plan.periodSeconds * 3000, victimIndexes.length * 20),
    250,
    (s) => {
      cluster.assertRunning('the return to the primary');
      progress(`node loss: ${s.onPrimary}/${before.connected} on their primary again`);
    },
  );
  const backToPrimarySeconds = back.done ? (performance.now() - restartedAt) / 1000 : null;
  say(
    `node loss: ${back.value.onPrimary}/${before.connected} on their primary` +
      (backToPrimarySeconds === null
        ? ' (time limit reached)'
        : ` ${backToPrimarySeconds.toFixed(1)} s after the restart`),
  );
  await flow.stop();
  // Every queued command must end complete: wait for the last ones to be delivered and acknowledged.
  const done = await waitUntil(
    () => commandStatuses(plan.databaseUrl, flow.ids),
    (c) => (c.complete ?? 0) >= flow.ids.length,
    Math.max(60_000, plan.periodSeconds * 2000),
    1000,
  );
  const byStatus = done.value;
  const final = await pool.status();
  const complete = byStatus.complete ?? 0;
  say(
    `node loss: ${flow.ids.length} commands queued (${flow.failures} refused), ${complete} complete, ` +
      `${final.duplicateDeliveries} delivered twice (${final.deliveredAfterAck} after their result was acknowledged)`,
  );
  return {
    victim,
    victimAgents: victimIndexes.length,
    periodSeconds: plan.periodSeconds,
    onSecondarySeconds,
    onSecondary: moved.value.onSecondary,
    backToPrimarySeconds,
    onPrimaryAtEnd: back.value.onPrimary,
    flow: {
      queued: flow.ids.length,
      enqueueFailures: flow.failures,
      complete,
      notComplete: flow.ids.length - complete,
      byStatus,
      duplicateDeliveries: final.duplicateDeliveries,
      deliveredAfterAck: final.deliveredAfterAck,
      distinctReceived: final.distinctCommands,
    },
    notify: span(),
  };
}
