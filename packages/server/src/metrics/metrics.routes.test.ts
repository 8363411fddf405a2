import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { ConfigError, loadServerConfig } from '../config';
import { startTestApiServer, type TestApiServer } from '../test-support/api-server';
import {
  histogramCount,
  labelledHistogramCount,
  parseMetrics,
  sampleValue,
} from '../test-support/prometheus-text';

/** Every family the issue asks for (issue 11, "Operating the server"), with its type. */
export const MUSTER_FAMILIES: Record<string, string> = {
  muster_agents_connected: 'GAUGE',
  muster_agent_checkins_total: 'COUNTER',
  muster_agent_handshakes_total: 'COUNTER',
  muster_agent_handshake_failures_total: 'COUNTER',
  muster_command_queue_depth: 'GAUGE',
  muster_command_queued_to_delivered_seconds: 'HISTOGRAM',
  muster_command_delivered_to_finished_seconds: 'HISTOGRAM',
  muster_device_checkins_total: 'COUNTER',
  muster_device_wakeups_total: 'COUNTER',
  muster_replication_bytes_total: 'COUNTER',
  muster_replication_pass_duration_seconds: 'HISTOGRAM',
  muster_webhook_deliveries_total: 'COUNTER',
  muster_webhook_failures_total: 'COUNTER',
  muster_store_query_duration_seconds: 'HISTOGRAM',
  muster_store_query_errors_total: 'COUNTER',
};

describe('GET /metrics with a metrics token', () => {
  const token = randomBytes(24).toString('hex');
  let api: TestApiServer;
  before(async () => {
    api = await startTestApiServer({ metricsToken: token });
  });
  after(async () => {
    await api?.close();
  });

  const scrape = (authorization?: string) =>
    api.server.app.inject({
      method: 'GET',
      url: '/metrics',
      headers: authorization === undefined ? {} : { authorization },
    });

  it('refuses a scrape without the token, with a wrong one, and with an API token', async () => {
    const adminToken = (await import('node:fs')).readFileSync(api.server.adminTokenFile, 'utf8').trim();
    for (const authorization of [undefined, `Bearer ${token}x`, `Bearer ${adminToken}`, token]) {
      const answer = await scrape(authorization);
      assert.equal(answer.statusCode, 401, `${authorization}: ${answer.body}`);
      assert.equal(answer.headers['www-authenticate'], 'Bearer');
      assert.equal(answer.json().error.code, 'unauthorized');
      assert.doesNotMatch(answer.body, /muster_/);
    }
    assert.match((await scrape()).json().error.message, /MUSTER_METRICS_TOKEN/);
  });

  it('answers Prometheus text with every family, parsed by a text-format parser', async () => {
    const answer = await scrape(`Bearer ${token}`);
    assert.equal(answer.statusCode, 200);
    assert.match(String(answer.headers['content-type']), /^text\/plain; version=0\.0\.4/);
    const families = parseMetrics(answer.body);
    const types = Object.fromEntries(
      Object.keys(MUSTER_FAMILIES).map((name) => [name, families.get(name)?.type]),
    );
    assert.deepEqual(types, MUSTER_FAMILIES);
    // The process itself, from prom-client's defaults.
    assert.ok(families.has('process_resident_memory_bytes'));
    assert.equal(sampleValue(families, 'muster_agents_connected'), 0);
    assert.equal(sampleValue(families, 'muster_agent_handshakes_total', { outcome: 'welcomed' }), 0);
    assert.equal(
      sampleValue(families, 'muster_agent_handshake_failures_total', { reason: 'token-invalid' }),
      0,
    );
    assert.equal(histogramCount(families, 'muster_command_queued_to_delivered_seconds'), 0);
    assert.equal(sampleValue(families, 'muster_webhook_failures_total', { final: 'true' }), 0);
  });

  it('counts the command queue by status and type at scrape time', async () => {
    const depth = async () =>
      parseMetrics((await scrape(`Bearer ${token}`)).body).get('muster_command_queue_depth')?.metrics ?? [];
    assert.deepEqual(await depth(), []);
    const machines = ['a.web.acme', 'b.web.acme', 'c.web.acme'];
    await api.seedMachines('web.acme', machines);
    for (const [type, params] of [
      ['audit', {}],
      ['shell', { script: 'echo hi' }],
    ] as const) {
      const queued = await api.call('POST', '/commands', { targets: { machines }, type, params });
      assert.equal(queued.status, 201, JSON.stringify(queued.body));
    }
    const one = await api.call('POST', '/commands', {
      targets: { machines: ['a.web.acme'] },
      type: 'audit',
      params: {},
    });
    assert.equal(one.status, 201, JSON.stringify(one.body));
    const families = parseMetrics((await scrape(`Bearer ${token}`)).body);
    assert.equal(
      sampleValue(families, 'muster_command_queue_depth', { status: 'pending', type: 'audit' }),
      4,
    );
    assert.equal(
      sampleValue(families, 'muster_command_queue_depth', { status: 'pending', type: 'shell' }),
      3,
    );
    // A canceled command has left the queue.
    const cancel = await api.call('POST', `/commands/${one.body.items[0].id}/cancel`);
    assert.equal(cancel.status, 200, JSON.stringify(cancel.body));
    const after = parseMetrics((await scrape(`Bearer ${token}`)).body);
    assert.equal(sampleValue(after, 'muster_command_queue_depth', { status: 'pending', type: 'audit' }), 3);
  });

  it('times store queries by kind of statement', async () => {
    const before = (await scrape(`Bearer ${token}`)).body;
    const selects = labelledHistogramCount(
      before,
      'muster_store_query_duration_seconds',
      'operation',
      'select',
    );
    assert.ok(selects > 0, 'starting the server read the store');
    assert.equal((await api.call('GET', '/machines')).status, 200);
    const later = (await scrape(`Bearer ${token}`)).body;
    assert.ok(
      labelledHistogramCount(later, 'muster_store_query_duration_seconds', 'operation', 'select') > selects,
    );
  });
});

describe('GET /metrics without a metrics token', () => {
  let api: TestApiServer;
  before(async () => {
    api = await startTestApiServer();
  });
  after(async () => {
    await api?.close();
  });

  it('is off, and says how to turn it on', async () => {
    const answer = await api.server.app.inject({ method: 'GET', url: '/metrics' });
    assert.equal(answer.statusCode, 404);
    assert.match(answer.json().error.message, /metrics are off: set metricsToken \(MUSTER_METRICS_TOKEN\)/);
  });

  it('refuses a metrics token too short to be a secret, naming the setting', () => {
    assert.throws(
      () => loadServerConfig({ dataDir: '/tmp/x' }, { MUSTER_METRICS_TOKEN: 'short' }),
      (error: unknown) =>
        error instanceof ConfigError && /metricsToken \(MUSTER_METRICS_TOKEN\)/.test(error.message),
    );
    assert.equal(
      loadServerConfig({ dataDir: '/tmp/x' }, { MUSTER_METRICS_TOKEN: 'k'.repeat(32) }).metricsToken,
      'k'.repeat(32),
    );
  });
});
