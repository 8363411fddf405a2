import { childFileLimit } from '../support/children';
import { API_BODY_LIMIT_BYTES } from './device-enqueue';
import type { AgentsResult, DeviceBackendResult } from './results';
import { TARGETS } from './targets';

/** Observations the numbers themselves show, in words, for the report. */
export function deriveFindings(
  requestedAgents: number,
  agents: AgentsResult | null,
  devices: DeviceBackendResult[],
): string[] {
  const out: string[] = [];
  const limit = childFileLimit();
  if (requestedAgents > limit - 256) {
    out.push(
      `Open-file hard limit here is ${limit} per process (raising it needs CAP_SYS_RESOURCE), so one server ` +
        `process cannot hold ${requestedAgents.toLocaleString('en-US')} agent connections.`,
    );
  } else if (requestedAgents < TARGETS.fanoutAgents && limit < TARGETS.fanoutAgents + 256) {
    out.push(
      `The agent targets also name ${TARGETS.fanoutAgents.toLocaleString('en-US')} agents; this machine's ` +
        `open-file hard limit of ${limit} per process (raising it needs CAP_SYS_RESOURCE) caps one server ` +
        `process below ${limit.toLocaleString('en-US')} connections, so that size cannot run here.`,
    );
  }
  for (const d of devices) {
    const e = d.enqueue;
    if (e && e.single.status !== 201) {
      out.push(
        `${d.backend}: POST /commands with ${e.devices.toLocaleString('en-US')} device ids ` +
          `(${(e.single.bodyBytes / 2 ** 20).toFixed(2)} MiB) is refused with HTTP ${e.single.status || 'connection error'}: ` +
          `the admin API body limit is ${API_BODY_LIMIT_BYTES / 2 ** 20} MiB (bodyLimit in packages/server/src/app.ts) ` +
          `while the schema allows 200,000 ids; devices have no filter target, so the enqueue needs ` +
          `${e.batches.length} requests.`,
      );
    }
    const p = d.enqueuePushType;
    if (e && p && e.batchedTotalMs > 0 && p.batchedTotalMs > 2 * e.batchedTotalMs) {
      out.push(
        `${d.backend}: a push-capable type ("locate") takes ${(p.batchedTotalMs / 1000).toFixed(1)} s against ` +
          `${(e.batchedTotalMs / 1000).toFixed(1)} s for "sync": DeviceService.queued looks every queued ` +
          `command's device up one by one.`,
      );
    }
  }
  if (agents && agents.fanout.allReceivedMs === null) {
    out.push(
      `Fan-out: only ${agents.fanout.received}/${agents.fanout.queued} agents had the command within ` +
        `${(agents.fanout.timeLimitMs / 1000).toFixed(0)} s.`,
    );
  }
  return out;
}
