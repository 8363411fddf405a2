import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LocalReport } from '../store/replication-record';
import {
  histogramCount,
  labelledHistogramCount,
  parseMetrics,
  sampleValue,
} from '../test-support/prometheus-text';
import { createMetricsRegistry, type QueueDepth } from './metrics-registry';
import { ReplicationPasses } from './replication-passes';
import { ServerMetrics, storeQueryObserver } from './server-metrics';

async function expose(counts: ServerMetrics, queueDepth: () => Promise<QueueDepth[]> = async () => []) {
  const text = await createMetricsRegistry({ counts, connectedAgents: () => 7, queueDepth }).metrics();
  return { text, families: parseMetrics(text) };
}

describe('the metrics exposition', () => {
  it('shows handshakes by outcome, and failures by reason without the welcomed ones', async () => {
    const counts = new ServerMetrics();
    counts.handshake('welcomed');
    counts.handshake('busy');
    counts.handshake('busy');
    counts.handshake('auth-failed');
    const { families } = await expose(counts);
    assert.equal(sampleValue(families, 'muster_agents_connected'), 7);
    assert.equal(sampleValue(families, 'muster_agent_handshakes_total', { outcome: 'welcomed' }), 1);
    assert.equal(sampleValue(families, 'muster_agent_handshakes_total', { outcome: 'busy' }), 2);
    assert.equal(sampleValue(families, 'muster_agent_handshake_failures_total', { reason: 'busy' }), 2);
    assert.equal(
      sampleValue(families, 'muster_agent_handshake_failures_total', { reason: 'auth-failed' }),
      1,
    );
    assert.equal(
      sampleValue(families, 'muster_agent_handshake_failures_total', { reason: 'welcomed' }),
      undefined,
    );
  });

  it('gives histograms cumulative buckets, sum and count, in seconds', async () => {
    const counts = new ServerMetrics();
    counts.commandDelivered(500);
    counts.commandDelivered(2000);
    counts.commandFinished(-5); // a clock step back counts as no time, not a negative one
    const { families } = await expose(counts);
    const wait = families.get('muster_command_queued_to_delivered_seconds')?.metrics[0];
    assert.equal(wait?.buckets?.['0.1'], '0');
    assert.equal(wait?.buckets?.['1'], '1');
    assert.equal(wait?.buckets?.['5'], '2');
    assert.equal(wait?.buckets?.['+Inf'], '2');
    assert.equal(wait?.sum, '2.5');
    assert.equal(histogramCount(families, 'muster_command_queued_to_delivered_seconds'), 2);
    const run = families.get('muster_command_delivered_to_finished_seconds')?.metrics[0];
    assert.equal(run?.buckets?.['0.1'], '1');
    assert.equal(run?.sum, '0');
  });

  it('times store queries by the kind of statement Kysely names', async () => {
    const counts = new ServerMetrics();
    const observe = storeQueryObserver(counts);
    observe('SelectQueryNode', 2, false);
    observe('SelectQueryNode', 4, true);
    observe('InsertQueryNode', 1, false);
    observe('RawNode', 1, false);
    const { text, families } = await expose(counts);
    const count = (operation: string) =>
      labelledHistogramCount(text, 'muster_store_query_duration_seconds', 'operation', operation);
    assert.deepEqual(['select', 'insert', 'update', 'delete', 'other'].map(count), [2, 1, 0, 0, 1]);
    assert.equal(sampleValue(families, 'muster_store_query_errors_total', { operation: 'select' }), 1);
    assert.equal(sampleValue(families, 'muster_store_query_errors_total', { operation: 'insert' }), 0);
  });

  it('still answers when the queue depth cannot be read, leaving the depth out', async () => {
    const { families } = await expose(new ServerMetrics(), () => Promise.reject(new Error('store down')));
    assert.deepEqual(families.get('muster_command_queue_depth')?.metrics ?? [], []);
    assert.equal(sampleValue(families, 'muster_agent_checkins_total'), 0);
  });
});

describe('replication passes', () => {
  const report = (at: number, bytesSent: number, durationMs: number): LocalReport => ({
    running: false,
    state: 'idle',
    active: true,
    error: null,
    lastContactAt: at,
    lastTransferAt: at,
    bytesRemaining: 0,
    rateBytesPerSecond: 0,
    etaSeconds: null,
    nextRunAt: null,
    lastPass: {
      at,
      complete: true,
      filesSent: 1,
      bytesSent,
      literalBytes: bytesSent,
      matchedBytes: 0,
      resumedBytes: 0,
      durationMs,
    },
  });

  it('counts each pass once, per local server, and none that ended before the node started', async () => {
    const counts = new ServerMetrics();
    const passes = new ReplicationPasses(counts, 1000);
    passes.report('ls-1', report(999, 50, 1000)); // shown by the report, but from before the start
    passes.report('ls-1', report(2000, 100, 3000));
    passes.report('ls-1', report(2000, 100, 3000)); // the same pass, repeated by the next report
    passes.report('ls-1', report(5000, 20, 1000));
    passes.report('ls-2', report(2000, 7, 500));
    passes.report('ls-2', { ...report(2000, 7, 500), lastPass: null });
    const { text, families } = await expose(counts);
    assert.equal(sampleValue(families, 'muster_replication_bytes_total', { local_server: 'ls-1' }), 120);
    assert.equal(sampleValue(families, 'muster_replication_bytes_total', { local_server: 'ls-2' }), 7);
    const passCount = (id: string) =>
      labelledHistogramCount(text, 'muster_replication_pass_duration_seconds', 'local_server', id);
    assert.equal(passCount('ls-1'), 2);
    assert.equal(passCount('ls-2'), 1);
    assert.match(text, /muster_replication_pass_duration_seconds_sum\{local_server="ls-1"\} 4\n/);
  });
});
