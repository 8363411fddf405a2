import { Counter, collectDefaultMetrics, Gauge, type Metric, Registry } from 'prom-client';
import type { BucketHistogram } from './bucket-histogram';
import { HANDSHAKE_OUTCOMES, type ServerMetrics, STORE_OPERATIONS } from './server-metrics';

/** Commands waiting or running, by status and type, as counted at scrape time. */
export interface QueueDepth {
  status: string;
  type: string;
  count: number;
}

/** What the exposition reads at scrape time. */
export interface MetricSources {
  counts: ServerMetrics;
  /** Agents connected to this node now. */
  connectedAgents(): number;
  /** The command queue's depth; one bounded query per scrape. */
  queueDepth(): Promise<QueueDepth[]>;
}

/**
 * The Prometheus registry of a server node, built on prom-client. Nothing here runs on a hot
 * path: every value is read at scrape time, from the in-memory counts (ServerMetrics), the
 * session registry and one query of the command queue. Process metrics (CPU, memory, event
 * loop delay, heap) come from prom-client's defaults.
 */
export function createMetricsRegistry(sources: MetricSources): Registry {
  const registry = new Registry();
  const registers = [registry];
  const c = sources.counts;
  collectDefaultMetrics({ register: registry });

  new Gauge({
    name: 'muster_agents_connected',
    help: 'Agents connected to this server node.',
    registers,
    collect() {
      this.set(sources.connectedAgents());
    },
  });
  counter(registry, 'muster_agent_checkins_total', 'Agent check-ins received by this node.', [], () => [
    [{}, c.agentCheckins],
  ]);
  counter(
    registry,
    'muster_agent_handshakes_total',
    'Agent handshakes that ended, by outcome: welcomed, or why they failed.',
    ['outcome'],
    () => HANDSHAKE_OUTCOMES.map((outcome) => [{ outcome }, c.handshakes[outcome]]),
  );
  counter(
    registry,
    'muster_agent_handshake_failures_total',
    'Agent handshakes that failed, by reason (every outcome but welcomed).',
    ['reason'],
    () =>
      HANDSHAKE_OUTCOMES.filter((o) => o !== 'welcomed').map((reason) => [{ reason }, c.handshakes[reason]]),
  );
  new Gauge({
    name: 'muster_command_queue_depth',
    help: 'Commands pending or processing, by status and type (counted in the store at scrape time).',
    labelNames: ['status', 'type'],
    registers,
    async collect() {
      this.reset();
      // A store that does not answer leaves the depth out; /readyz says why.
      const depth = await sources.queueDepth().catch(() => []);
      for (const d of depth) this.set({ status: d.status, type: d.type }, d.count);
    },
  });
  histogram(
    registry,
    'muster_command_queued_to_delivered_seconds',
    'Time an agent command waited in the queue until it was delivered.',
    null,
    () => [[null, c.commandWait]],
  );
  histogram(
    registry,
    'muster_command_delivered_to_finished_seconds',
    'Time from delivering an agent command to its result.',
    null,
    () => [[null, c.commandRun]],
  );
  counter(registry, 'muster_device_checkins_total', 'Device check-ins received by this node.', [], () => [
    [{}, c.deviceCheckins],
  ]);
  counter(
    registry,
    'muster_device_wakeups_total',
    'Device wake-ups sent through a push provider, by outcome.',
    ['outcome'],
    () => [
      [{ outcome: 'sent' }, c.deviceWakes.sent],
      [{ outcome: 'failed' }, c.deviceWakes.failed],
    ],
  );
  counter(
    registry,
    'muster_replication_bytes_total',
    'Bytes sent offsite by finished replication passes, per local server.',
    ['local_server'],
    () => [...c.replication].map(([id, r]) => [{ local_server: id }, r.bytes]),
  );
  histogram(
    registry,
    'muster_replication_pass_duration_seconds',
    'Duration of finished replication passes, per local server.',
    'local_server',
    () => [...c.replication].map(([id, r]) => [id, r.passes]),
  );
  counter(registry, 'muster_webhook_deliveries_total', 'Webhook deliveries answered 2xx.', [], () => [
    [{}, c.webhookDeliveries],
  ]);
  counter(
    registry,
    'muster_webhook_failures_total',
    'Failed webhook attempts; final="true" when the delivery went to the dead letters.',
    ['final'],
    () => [
      [{ final: 'false' }, c.webhookFailures.retried],
      [{ final: 'true' }, c.webhookFailures.final],
    ],
  );
  histogram(
    registry,
    'muster_store_query_duration_seconds',
    'Store query durations, by kind of statement.',
    'operation',
    () => STORE_OPERATIONS.map((op) => [op, c.storeQueries[op]]),
  );
  counter(
    registry,
    'muster_store_query_errors_total',
    'Store queries that failed, by kind of statement.',
    ['operation'],
    () => STORE_OPERATIONS.map((operation) => [{ operation }, c.storeErrors[operation]]),
  );
  return registry;
}

type Labels = Record<string, string>;

/** A counter whose values are copied from the in-memory counts at each scrape. */
function counter(
  registry: Registry,
  name: string,
  help: string,
  labelNames: string[],
  read: () => Array<[Labels, number]>,
): void {
  new Counter({
    name,
    help,
    labelNames,
    registers: [registry],
    collect() {
      this.reset();
      for (const [labels, value] of read()) this.inc(labels, value);
    },
  });
}

/**
 * A histogram read from BucketHistograms at scrape time. prom-client's own Histogram can only
 * be fed one observation at a time (allocating label objects each), so this registers a
 * metric of the same shape that the registry formats as any histogram.
 */
function histogram(
  registry: Registry,
  name: string,
  help: string,
  labelName: string | null,
  read: () => Array<[string | null, BucketHistogram]>,
): void {
  const metric = {
    name,
    help,
    type: 'histogram',
    aggregator: 'sum',
    get: async () => ({
      name,
      help,
      type: 'histogram',
      aggregator: 'sum',
      values: read().flatMap(([labelValue, h]) => {
        const labels: Labels = labelName && labelValue !== null ? { [labelName]: labelValue } : {};
        let cumulative = 0;
        const buckets = h.bounds.map((le, i) => {
          cumulative += h.counts[i] as number;
          return { labels: { ...labels, le }, value: cumulative, metricName: `${name}_bucket` };
        });
        return [
          ...buckets,
          { labels: { ...labels, le: '+Inf' }, value: h.count, metricName: `${name}_bucket` },
          { labels, value: h.sum, metricName: `${name}_sum` },
          { labels, value: h.count, metricName: `${name}_count` },
        ];
      }),
    }),
  };
  // The registry needs only name, help, type and get() of a metric (prom-client's custom
  // collector shape); its TypeScript type names the four built-in classes.
  registry.registerMetric(metric as unknown as Metric);
}
