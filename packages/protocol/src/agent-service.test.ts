import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AGENT_SERVICE_ENVIRONMENT, agentUnit, INSTALL_PATHS } from './agent-service';

// systemd lets the EnvironmentFile's settings override these, so an admin can change them there.
test("the agent's unit sets its environment (one malloc arena) beside the admin's environment file", () => {
  const lines = agentUnit().split('\n');
  const entries = Object.entries(AGENT_SERVICE_ENVIRONMENT);
  assert.deepEqual(entries, [['MALLOC_ARENA_MAX', '1']]);
  const fileAt = lines.indexOf(`EnvironmentFile=-${INSTALL_PATHS.config}`);
  assert.ok(fileAt > 0, 'the unit reads the environment file');
  for (const [name, value] of entries) {
    const at = lines.indexOf(`Environment=${name}=${value}`);
    assert.ok(at > 0, `the unit sets ${name}`);
    assert.ok(lines.indexOf('[Service]') < at && at < lines.indexOf('[Install]'), `${name} is in [Service]`);
  }
});
