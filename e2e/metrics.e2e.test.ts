import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  histogramCount,
  type MetricFamilies,
  parseMetrics,
  sampleValue,
} from '../packages/server/src/test-support/prometheus-text';
import { agentState, freePort, type Proc, startAgent, TestServer, tempDir, waitFor } from './support/harness';

/** The families the issue lists (issue 11, "Operating the server"). */
const FAMILIES = [
  'muster_agents_connected',
  'muster_agent_checkins_total',
  'muster_agent_handshakes_total',
  'muster_agent_handshake_failures_total',
  'muster_command_queue_depth',
  'muster_command_queued_to_delivered_seconds',
  'muster_command_delivered_to_finished_seconds',
  'muster_device_checkins_total',
  'muster_device_wakeups_total',
  'muster_replication_bytes_total',
  'muster_replication_pass_duration_seconds',
  'muster_webhook_deliveries_total',
  'muster_webhook_failures_total',
  'muster_store_query_duration_seconds',
  'muster_store_query_errors_total',
];

// /metrics of a real `muster server` process, scraped over HTTP and read by a Prometheus
// text-format parser, while real agent processes connect, check in, run a command and leave.
describe('metrics of a running server', () => {
  const dir = tempDir('metrics');
  const metricsToken = randomBytes(32).toString('hex');
  let server: TestServer;
  let port: number;
  let agent: Proc | null = null;
  let machineId = '';

  const scrapeAs = (authorization: string | null) =>
    fetch(`http://127.0.0.1:${server.options.httpPort}/metrics`, {
      headers: authorization ? { authorization } : {},
    });
  const scrape = async (): Promise<MetricFamilies> => {
    const answer = await scrapeAs(`Bearer ${metricsToken}`);
    assert.equal(answer.status, 200);
    return parseMetrics(await answer.text());
  };
  const value = async (name: string, labels: Record<string, string> = {}) =>
    sampleValue(await scrape(), name, labels) ?? 0;

  before(async () => {
    port = await freePort();
    server = await TestServer.start({
      dataDir: join(dir.path, 'server'),
      agentPorts: [port],
      env: { MUSTER_METRICS_TOKEN: metricsToken },
    });
  });
  after(async () => {
    await agent?.stop();
    await server?.stop();
    dir.cleanup();
  });

  it('refuses a scrape without the metrics token or with a wrong one', async () => {
    for (const authorization of [null, `Bearer ${metricsToken.slice(1)}`, `Bearer ${server.api.token()}`]) {
      const answer = await scrapeAs(authorization);
      assert.equal(answer.status, 401, String(authorization));
      assert.doesNotMatch(await answer.text(), /muster_/);
    }
  });

  it('lists every family, before any agent', async () => {
    const families = await scrape();
    assert.deepEqual(
      FAMILIES.filter((name) => !families.has(name)),
      [],
    );
    assert.equal(sampleValue(families, 'muster_agents_connected'), 0);
    assert.equal(sampleValue(families, 'muster_agent_handshakes_total', { outcome: 'welcomed' }), 0);
    assert.equal(sampleValue(families, 'muster_agent_checkins_total'), 0);
  });

  it('counts an agent connecting and checking in', async () => {
    const token = await server.installToken({ group: 'metrics.acme', maxUses: 5 });
    const state = join(dir.path, 'agent');
    agent = startAgent('m1', { stateDir: state, server: `127.0.0.1:${port}`, token });
    machineId = await waitFor('agent enrolled', () => agentState(state).machineId);
    await waitFor(
      'the agent counted as connected',
      async () => (await value('muster_agents_connected')) === 1,
    );
    assert.equal(await value('muster_agent_handshakes_total', { outcome: 'welcomed' }), 1);
    // Check-ins every second, so their counter moves while the test watches.
    const faster = await server.api.put('/checkin-control', {
      machines: [machineId],
      settings: { periodSeconds: 1 },
    });
    assert.equal(faster.status, 200, JSON.stringify(faster.body));
    const first = await waitFor(
      'a check-in counted',
      async () => (await value('muster_agent_checkins_total')) || null,
    );
    await waitFor('more check-ins counted', async () => (await value('muster_agent_checkins_total')) > first);
  });

  it('measures a command from queued to delivered to finished, and the queue depth meanwhile', async () => {
    const before = await scrape();
    const waited = histogramCount(before, 'muster_command_queued_to_delivered_seconds') ?? -1;
    const ran = histogramCount(before, 'muster_command_delivered_to_finished_seconds') ?? -1;
    assert.ok(waited >= 0 && ran >= 0);
    const queued = await server.api.post('/commands', {
      targets: { machines: [machineId] },
      type: 'shell',
      params: { script: 'echo metered' },
    });
    assert.equal(queued.status, 201, JSON.stringify(queued.body));
    const id = (queued.body as { items: Array<{ id: string }> }).items[0]?.id;
    await waitFor('the command complete', async () => {
      const command = (await server.api.get(`/commands/${id}`)).body as { status: string };
      return command.status === 'complete';
    });
    const families = await scrape();
    assert.equal(histogramCount(families, 'muster_command_queued_to_delivered_seconds'), waited + 1);
    assert.equal(histogramCount(families, 'muster_command_delivered_to_finished_seconds'), ran + 1);
    // Finished commands are not in the queue.
    assert.equal(
      sampleValue(families, 'muster_command_queue_depth', { status: 'processing', type: 'shell' }),
      undefined,
    );
  });

  it('counts a refused enrollment by its reason', async () => {
    const before = await value('muster_agent_handshake_failures_total', { reason: 'token-invalid' });
    const refused = startAgent('refused', {
      stateDir: join(dir.path, 'refused'),
      server: `127.0.0.1:${port}`,
      token: 'no-such-token',
    });
    try {
      await waitFor(
        'the refused handshake counted',
        async () =>
          (await value('muster_agent_handshake_failures_total', { reason: 'token-invalid' })) > before,
      );
    } finally {
      await refused.stop();
    }
    assert.equal(await value('muster_agents_connected'), 1);
  });

  it('counts the agent gone once it stops', async () => {
    await agent?.stop();
    agent = null;
    await waitFor('no agent connected', async () => (await value('muster_agents_connected')) === 0);
  });
});
