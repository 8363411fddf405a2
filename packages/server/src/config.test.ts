import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError, envName, loadServerConfig } from './config';

describe('server configuration', () => {
  it('uses the documented defaults', () => {
    const c = loadServerConfig({}, {});
    assert.equal(c.httpHost, '127.0.0.1');
    assert.equal(c.httpPort, 8080);
    assert.deepEqual(c.agentPorts, [5721]);
    assert.equal(c.databaseUrl, '');
  });

  it('takes flags over environment over file over defaults', () => {
    const dir = mkdtempSync(join(tmpdir(), 'muster-config-'));
    try {
      const file = join(dir, 'muster.json');
      writeFileSync(
        file,
        JSON.stringify({
          httpPort: 1001,
          agentPorts: [1002],
          logLevel: 'debug',
          temporaryAgentOfflineSeconds: 77,
        }),
      );
      const env = { MUSTER_HTTP_PORT: '2001', MUSTER_AGENT_PORTS: '2002, 2003' };
      const c = loadServerConfig({ httpPort: 3001 }, env, file);
      assert.equal(c.httpPort, 3001, 'flag');
      assert.deepEqual(c.agentPorts, [2002, 2003], 'environment, comma-separated');
      assert.equal(c.logLevel, 'debug', 'file');
      assert.equal(c.temporaryAgentOfflineSeconds, 77, 'file');
      assert.equal(c.checkinFlushMs, 1000, 'default');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names every bad setting and where it came from', () => {
    assert.throws(
      () => loadServerConfig({ httpPort: 70000 }, { MUSTER_LOG_LEVEL: 'loud' }),
      (error: unknown) =>
        error instanceof ConfigError &&
        /httpPort \(flag --http-port\)/.test(error.message) &&
        /logLevel \(MUSTER_LOG_LEVEL\)/.test(error.message),
    );
    assert.throws(() => loadServerConfig({}, {}, '/nonexistent/muster.json'), /cannot read config file/);
  });

  it('sets the heap growth from its default, the environment or a flag, and refuses a bad one', () => {
    assert.equal(loadServerConfig({}, {}).heapGrowthPercent, 100);
    assert.equal(loadServerConfig({}, { MUSTER_HEAP_GROWTH_PERCENT: '0' }).heapGrowthPercent, 0);
    assert.equal(loadServerConfig({ heapGrowthPercent: 150 }, {}).heapGrowthPercent, 150);
    for (const bad of ['-1', '1001', '1.5', 'lots'])
      assert.throws(
        () => loadServerConfig({}, { MUSTER_HEAP_GROWTH_PERCENT: bad }),
        (error: unknown) => error instanceof ConfigError && /heapGrowthPercent/.test(error.message),
        bad,
      );
  });

  it('keeps terminal recordings 90 days unless told otherwise, and at least a day', () => {
    assert.equal(loadServerConfig({}, {}).terminalRecordingDays, 90);
    assert.equal(loadServerConfig({}, { MUSTER_TERMINAL_RECORDING_DAYS: '365' }).terminalRecordingDays, 365);
    assert.throws(
      () => loadServerConfig({}, { MUSTER_TERMINAL_RECORDING_DAYS: '0' }),
      (error: unknown) => error instanceof ConfigError && /terminalRecordingDays/.test(error.message),
    );
  });

  it('maps setting names to MUSTER_ environment variables', () => {
    assert.equal(envName('dataDir'), 'MUSTER_DATA_DIR');
    assert.equal(envName('lanSubnetsFromInterfaces'), 'MUSTER_LAN_SUBNETS_FROM_INTERFACES');
  });
});

describe('documentation', () => {
  it('the README configuration table lists every setting with its environment variable', async () => {
    const { readFileSync } = await import('node:fs');
    const { ServerConfigSchema } = await import('./config');
    const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
    for (const key of Object.keys(ServerConfigSchema.properties)) {
      // Columns may be padded by the formatter: match the cells, not the spacing.
      const row = new RegExp(`\\|\\s*\`${key}\`\\s*\\|\\s*\`${envName(key)}\`\\s*\\|`);
      assert.match(readme, row, `${key} documented`);
    }
  });
});
