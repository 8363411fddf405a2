import { type AdminApi, AdminApiError } from '../support/admin-api';
import type { DeviceEnqueueResult, EnqueueRequestResult } from './results';

/** The admin API's request body limit (fastify bodyLimit in packages/server/src/app.ts). */
export const API_BODY_LIMIT_BYTES = 1024 * 1024;

function enqueueBody(ids: readonly string[], type: string) {
  return { targets: { devices: ids }, type, params: {} };
}

function bodyBytes(ids: readonly string[], type: string): number {
  return Buffer.byteLength(JSON.stringify(enqueueBody(ids, type)));
}

/** The most leading ids whose enqueue body still fits the API body limit. */
export function largestBatch(ids: readonly string[], type: string): number {
  let low = 1;
  let high = ids.length;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (bodyBytes(ids.slice(0, mid), type) <= API_BODY_LIMIT_BYTES) low = mid;
    else high = mid - 1;
  }
  return low;
}

/** One timed POST /commands to devices; a refusal is recorded, not thrown. */
async function postEnqueue(
  api: AdminApi,
  ids: readonly string[],
  type: string,
): Promise<EnqueueRequestResult> {
  const body = enqueueBody(ids, type);
  const bytes = bodyBytes(ids, type);
  const started = performance.now();
  try {
    await api.request<{ items: unknown[] }>('POST', '/commands', body, 300_000);
    return { ids: ids.length, bodyBytes: bytes, status: 201, ms: performance.now() - started, error: null };
  } catch (error) {
    const ms = performance.now() - started;
    if (error instanceof AdminApiError)
      return { ids: ids.length, bodyBytes: bytes, status: error.status, ms, error: error.body.slice(0, 300) };
    return { ids: ids.length, bodyBytes: bytes, status: 0, ms, error: (error as Error).message };
  }
}

/**
 * Queues one command of `type` for every device: first all ids in one request (which the API
 * body limit refuses once the body is over 1 MiB), then all ids again in consecutive requests
 * of the largest batch the limit accepts, timing each.
 */
export async function measureDeviceEnqueue(
  api: AdminApi,
  ids: readonly string[],
  type: string,
  progress: (message: string) => void,
): Promise<DeviceEnqueueResult> {
  const single = await postEnqueue(api, ids, type);
  progress(
    `enqueue ${type}: one request with ${ids.length} ids (${(single.bodyBytes / 2 ** 20).toFixed(2)} MiB): ` +
      `HTTP ${single.status} after ${single.ms.toFixed(0)} ms${single.error ? ` (${single.error.slice(0, 120)})` : ''}`,
  );
  const batches: EnqueueRequestResult[] = [];
  if (single.status !== 201) {
    const size = largestBatch(ids, type);
    for (let i = 0; i < ids.length; i += size) {
      const batch = await postEnqueue(api, ids.slice(i, i + size), type);
      batches.push(batch);
      if (batch.status !== 201) break;
    }
    progress(
      `enqueue ${type}: ${batches.length} requests of up to ${size} ids: ` +
        batches
          .map((b) => `${b.ms.toFixed(0)} ms${b.status === 201 ? '' : ` (HTTP ${b.status})`}`)
          .join(', '),
    );
  }
  const accepted = batches.filter((b) => b.status === 201);
  return {
    devices: ids.length,
    commandType: type,
    single,
    batches,
    batchedTotalMs: batches.reduce((sum, b) => sum + b.ms, 0),
    batchedQueued: single.status === 201 ? ids.length : accepted.reduce((n, b) => n + b.ids, 0),
  };
}
