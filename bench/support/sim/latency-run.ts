import type { CommandRecorder } from './command-recorder';
import type { SimAgent } from './sim-agent';
import type { LatencyRequest, LatencyRun, LatencySample } from './sim-protocol';

/** Where the latency run sends its enqueue requests. */
export interface LatencyTarget {
  httpUrl: string;
  adminToken: string;
}

interface EnqueueAnswer {
  items: Array<{ id: string; target: string; status: string }>;
}

/** The agents of this process a latency request may pick now. */
function candidates(agents: readonly SimAgent[], request: LatencyRequest): SimAgent[] {
  const node = request.node;
  return agents.filter((a) => {
    if (!a.connected || a.machineId === '') return false;
    if (request.pick === 'any' || !node) return true;
    return a.connectedTo(node) === (request.pick === 'same');
  });
}

/**
 * Sends `count` single-target commands, one after the other, each to a random connected agent
 * of this process (on the API's node or on another, as `pick` says), and times each from just before the enqueue request until that agent had
 * the command. Enqueuer and agents share this process and its clock (performance.now()).
 * Each command is finished (result sent, acknowledged) before the next is queued, so every
 * sample starts with an idle agent and an idle queue.
 */
export async function runLatency(
  agents: readonly SimAgent[],
  recorder: CommandRecorder,
  target: LatencyTarget,
  request: LatencyRequest,
): Promise<LatencyRun> {
  const { count, timeoutMs, commandType } = request;
  const run: LatencyRun = { samples: [], failures: 0, lastFailure: '' };
  const url = `${target.httpUrl}/api/v1/commands`;
  const headers = { authorization: `Bearer ${target.adminToken}`, 'content-type': 'application/json' };
  recorder.startTracing();
  try {
    for (let i = 0; i < count; i++) {
      const connected = candidates(agents, request);
      const agent = connected[Math.floor(Math.random() * connected.length)];
      if (!agent) {
        run.failures++;
        run.lastFailure = 'no connected agent';
        continue;
      }
      const body = JSON.stringify({
        targets: { machines: [agent.machineId] },
        type: commandType,
        params: {},
      });
      const started = performance.now();
      let id = '';
      try {
        const response = await fetch(url, {
          method: 'POST',
          headers,
          body,
          signal: AbortSignal.timeout(timeoutMs),
        });
        const text = await response.text();
        if (response.status !== 201) throw new Error(`HTTP ${response.status} ${text.slice(0, 200)}`);
        id = (JSON.parse(text) as EnqueueAnswer).items[0]?.id ?? '';
        if (!id) throw new Error('the answer names no command');
      } catch (error) {
        run.failures++;
        run.lastFailure = `enqueue: ${(error as Error).message}`;
        continue;
      }
      const answered = performance.now();
      const trace = await recorder.waitFor(id, (t) => t.ackAt !== undefined, timeoutMs);
      recorder.forget(id);
      if (
        !trace ||
        trace.receivedAt === undefined ||
        trace.resultAt === undefined ||
        trace.ackAt === undefined
      ) {
        run.failures++;
        run.lastFailure = `command ${id} to ${agent.machineId} not received and acknowledged within ${timeoutMs} ms`;
        continue;
      }
      const sample: LatencySample = {
        enqueueToReceiptMs: trace.receivedAt - started,
        enqueueToResponseMs: answered - started,
        resultToAckMs: trace.ackAt - trace.resultAt,
      };
      run.samples.push(sample);
    }
  } finally {
    recorder.stopTracing();
  }
  return run;
}
