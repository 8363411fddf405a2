import { BucketHistogram, LONG_SECONDS_BUCKETS, SECONDS_BUCKETS } from './bucket-histogram';

/** How an agent's handshake ended: welcomed, or why it failed. */
export const HANDSHAKE_OUTCOMES = [
  'welcomed',
  /** Dropped at once: the handshake gate was full (see maxPendingHandshakes). */
  'busy',
  /** Dropped at once: the node holds as many connections as maxAgentConnections allows. */
  'full',
  'timeout',
  'protocol-error',
  'unsupported-version',
  'auth-failed',
  'token-invalid',
  'unknown-agent',
  'account-conflict',
  /** The agent went away before it was welcomed. */
  'disconnected',
  'internal',
] as const;
/** One outcome of an agent handshake. */
export type HandshakeOutcome = (typeof HANDSHAKE_OUTCOMES)[number];

/** What kind of statement a store query was (Kysely's root node). */
export const STORE_OPERATIONS = ['select', 'insert', 'update', 'delete', 'other'] as const;
/** One kind of store statement. */
export type StoreOperation = (typeof STORE_OPERATIONS)[number];

/** What the agent gateway counts: check-ins and handshakes. */
export interface AgentMetrics {
  agentCheckin(): void;
  handshake(outcome: HandshakeOutcome): void;
}

/** What the command dispatcher measures: how long commands waited, and then ran. */
export interface CommandLatencyMetrics {
  commandDelivered(waitedMs: number): void;
  commandFinished(ranMs: number): void;
}

/** What the device endpoint and wake-ups count. */
export interface DeviceMetrics {
  deviceCheckin(): void;
  deviceWake(outcome: 'sent' | 'failed'): void;
}

/** What webhook deliveries count: delivered, or failed (final: gone to the dead letters). */
export interface WebhookMetrics {
  webhookDelivered(): void;
  webhookFailed(final: boolean): void;
}

/** What a finished replication pass of a local server adds. */
export interface ReplicationMetrics {
  replicationPass(localServerId: string, bytesSent: number, durationMs: number): void;
}

/** What the store measures of each query. */
export interface StoreQueryMetrics {
  storeQuery(operation: StoreOperation, durationMs: number, failed: boolean): void;
}

/** The counts of one local server's replication. */
export interface ReplicationCounts {
  bytes: number;
  passes: BucketHistogram;
}

/**
 * Every count the server keeps for /metrics, as plain numbers in memory: recording one is an
 * increment, with no allocation and no I/O, so hot paths (check-ins, store queries) pay
 * nearly nothing. The Prometheus exposition reads them at scrape time (metrics-registry.ts).
 */
export class ServerMetrics
  implements
    AgentMetrics,
    CommandLatencyMetrics,
    DeviceMetrics,
    WebhookMetrics,
    ReplicationMetrics,
    StoreQueryMetrics
{
  agentCheckins = 0;
  readonly handshakes = zeroes(HANDSHAKE_OUTCOMES);
  /** Queued to delivered, seconds. */
  readonly commandWait = new BucketHistogram(LONG_SECONDS_BUCKETS);
  /** Delivered to finished, seconds. */
  readonly commandRun = new BucketHistogram(LONG_SECONDS_BUCKETS);
  deviceCheckins = 0;
  readonly deviceWakes = { sent: 0, failed: 0 };
  webhookDeliveries = 0;
  readonly webhookFailures = { retried: 0, final: 0 };
  /** Per local server id: few (one per site), so a map entry each is bounded. */
  readonly replication = new Map<string, ReplicationCounts>();
  readonly storeQueries = Object.fromEntries(
    STORE_OPERATIONS.map((op) => [op, new BucketHistogram(SECONDS_BUCKETS)]),
  ) as Record<StoreOperation, BucketHistogram>;
  readonly storeErrors = zeroes(STORE_OPERATIONS);

  agentCheckin(): void {
    this.agentCheckins++;
  }

  handshake(outcome: HandshakeOutcome): void {
    this.handshakes[outcome]++;
  }

  commandDelivered(waitedMs: number): void {
    this.commandWait.observe(Math.max(0, waitedMs) / 1000);
  }

  commandFinished(ranMs: number): void {
    this.commandRun.observe(Math.max(0, ranMs) / 1000);
  }

  deviceCheckin(): void {
    this.deviceCheckins++;
  }

  deviceWake(outcome: 'sent' | 'failed'): void {
    this.deviceWakes[outcome]++;
  }

  webhookDelivered(): void {
    this.webhookDeliveries++;
  }

  webhookFailed(final: boolean): void {
    if (final) this.webhookFailures.final++;
    else this.webhookFailures.retried++;
  }

  replicationPass(localServerId: string, bytesSent: number, durationMs: number): void {
    let counts = this.replication.get(localServerId);
    if (!counts) {
      counts = { bytes: 0, passes: new BucketHistogram(LONG_SECONDS_BUCKETS) };
      this.replication.set(localServerId, counts);
    }
    counts.bytes += bytesSent;
    counts.passes.observe(durationMs / 1000);
  }

  storeQuery(operation: StoreOperation, durationMs: number, failed: boolean): void {
    this.storeQueries[operation].observe(durationMs / 1000);
    if (failed) this.storeErrors[operation]++;
  }
}

function zeroes<K extends string>(keys: readonly K[]): Record<K, number> {
  return Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
}

/** Kysely's root node kinds, by the kind of statement they are. */
const OPERATION_OF: Partial<Record<string, StoreOperation>> = {
  SelectQueryNode: 'select',
  InsertQueryNode: 'insert',
  UpdateQueryNode: 'update',
  DeleteQueryNode: 'delete',
};

/** The store's query observer (open-database.ts's onQuery) feeding `metrics`. */
export function storeQueryObserver(
  metrics: StoreQueryMetrics,
): (kind: string, durationMs: number, failed: boolean) => void {
  return (kind, durationMs, failed) => metrics.storeQuery(OPERATION_OF[kind] ?? 'other', durationMs, failed);
}
