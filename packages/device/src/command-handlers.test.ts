import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DEVICE_COMMAND_TYPES } from '@muster/protocol';
import { type CommandContext, defaultCommandHandlers, runCommand } from './command-handlers';
import { LocationBuffer } from './location-buffer';

function context(tracking: boolean, buffer = new LocationBuffer()): CommandContext {
  return {
    deviceId: 'dev-1',
    tracking,
    recordLocation: (input) => buffer.add(input, tracking),
    currentLocation: async () => ({ lat: 52.5, lon: 13.4, accuracyMeters: 10 }),
  };
}

describe('command handlers', () => {
  test('every device command type has a default handler that completes (locate with tracking on)', async () => {
    const handlers = defaultCommandHandlers();
    for (const type of DEVICE_COMMAND_TYPES) {
      const result = await runCommand(handlers, { id: `c-${type}`, type, params: {} }, context(true));
      assert.equal(result.status, 'complete', type);
      assert.equal(result.id, `c-${type}`);
      assert.ok(result.output && result.output.length > 0, type);
    }
  });

  test('locate records a fix when tracking is on and puts it in the output', async () => {
    const buffer = new LocationBuffer();
    const result = await runCommand(
      defaultCommandHandlers(),
      { id: 'c1', type: 'locate', params: {} },
      context(true, buffer),
    );
    assert.equal(buffer.size, 1);
    const output = JSON.parse(result.output ?? '');
    assert.equal(output.lat, 52.5);
    assert.equal(output.lon, 13.4);
    assert.equal(output.at, buffer.points[0]?.at);
  });

  test('locate fails and records nothing when tracking is off', async () => {
    const buffer = new LocationBuffer();
    const result = await runCommand(
      defaultCommandHandlers(),
      { id: 'c1', type: 'locate', params: {} },
      context(false, buffer),
    );
    assert.deepEqual(result, {
      id: 'c1',
      status: 'failed',
      error: 'location tracking is off on this device',
    });
    assert.equal(buffer.size, 0);
  });

  test('message shows its text', async () => {
    const result = await runCommand(
      defaultCommandHandlers(),
      { id: 'm', type: 'message', params: { text: 'call home' } },
      context(true),
    );
    assert.equal(result.output, 'message shown: call home');
  });

  test('unknown types fail, including names of Object.prototype members', async () => {
    for (const type of ['teleport', 'constructor', 'toString', '__proto__']) {
      const result = await runCommand(defaultCommandHandlers(), { id: 'x', type, params: {} }, context(true));
      assert.deepEqual(result, { id: 'x', status: 'failed', error: `unknown command type: ${type}` });
    }
  });

  test('a throwing handler fails the command; long texts are cut to the schema limits', async () => {
    const handlers = {
      boom: async () => {
        throw new Error('disk full');
      },
      chatty: async () => ({
        status: 'complete' as const,
        output: 'x'.repeat(70_000),
        error: 'e'.repeat(5000),
      }),
    };
    assert.deepEqual(await runCommand(handlers, { id: 'b', type: 'boom', params: {} }, context(true)), {
      id: 'b',
      status: 'failed',
      error: 'disk full',
    });
    const chatty = await runCommand(handlers, { id: 'c', type: 'chatty', params: {} }, context(true));
    assert.equal(chatty.output?.length, 64 * 1024);
    assert.equal(chatty.error?.length, 4096);
  });
});
