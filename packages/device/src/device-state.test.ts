import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { DEVICE_STATE_FILE, DeviceStateFile, emptyDeviceState } from './device-state';

const root = mkdtempSync(join(tmpdir(), 'muster-device-state-'));
after(() => rmSync(root, { recursive: true, force: true }));
let counter = 0;
const freshDir = () => join(root, `state-${++counter}`);

describe('DeviceStateFile', () => {
  test('a new directory starts empty and writes nothing until the first update', () => {
    const dir = freshDir();
    const state = new DeviceStateFile(dir);
    assert.deepEqual(state.value, emptyDeviceState());
    assert.equal(statSync(dir).mode & 0o777, 0o700);
    assert.deepEqual(readdirSync(dir), []);
  });

  test('updates survive a reload, with mode 0600 and no temporary file left', () => {
    const dir = freshDir();
    const state = new DeviceStateFile(dir);
    state.update({
      deviceId: 'dev-1',
      settings: { checkinIntervalMinutes: 30, tracking: true, nextCheckinBy: null },
    });
    state.update({
      pendingResults: [{ id: 'c1', status: 'complete', output: 'ok' }],
      locations: [{ lat: 1, lon: 2, at: '2025-01-01T00:00:00.000Z' }],
    });
    assert.deepEqual(readdirSync(dir), [DEVICE_STATE_FILE]);
    assert.equal(statSync(join(dir, DEVICE_STATE_FILE)).mode & 0o777, 0o600);
    const reloaded = new DeviceStateFile(dir).value;
    assert.equal(reloaded.deviceId, 'dev-1');
    assert.deepEqual(reloaded.settings, { checkinIntervalMinutes: 30, tracking: true, nextCheckinBy: null });
    assert.deepEqual(reloaded.pendingResults, [{ id: 'c1', status: 'complete', output: 'ok' }]);
    assert.deepEqual(reloaded.locations, [{ lat: 1, lon: 2, at: '2025-01-01T00:00:00.000Z' }]);
  });

  test('the file is replaced by rename, so a reader never sees a torn write', () => {
    const dir = freshDir();
    const state = new DeviceStateFile(dir);
    state.update({ deviceId: 'dev-1' });
    const file = join(dir, DEVICE_STATE_FILE);
    const before = statSync(file).ino;
    state.update({ deviceId: 'dev-2' });
    // A new inode shows the content arrived by rename, not by rewriting the old file in place.
    assert.notEqual(statSync(file).ino, before);
    assert.equal(JSON.parse(readFileSync(file, 'utf8')).deviceId, 'dev-2');
  });

  test('a temporary file left by a crash neither breaks loading nor leaks its mode', () => {
    const dir = freshDir();
    const state = new DeviceStateFile(dir);
    state.update({ deviceId: 'dev-1' });
    const temp = join(dir, `${DEVICE_STATE_FILE}.tmp-${process.pid}`);
    writeFileSync(temp, '{"deviceId": "torn');
    chmodSync(temp, 0o644);
    assert.equal(new DeviceStateFile(dir).value.deviceId, 'dev-1');
    state.update({ deviceId: 'dev-3' });
    assert.deepEqual(readdirSync(dir), [DEVICE_STATE_FILE]);
    assert.equal(statSync(join(dir, DEVICE_STATE_FILE)).mode & 0o777, 0o600);
    assert.equal(new DeviceStateFile(dir).value.deviceId, 'dev-3');
  });

  test('fields missing from an older file are filled with defaults', () => {
    const dir = freshDir();
    new DeviceStateFile(dir);
    writeFileSync(
      join(dir, DEVICE_STATE_FILE),
      JSON.stringify({ deviceId: 'old', settings: { tracking: true } }),
    );
    const value = new DeviceStateFile(dir).value;
    assert.equal(value.deviceId, 'old');
    assert.equal(value.settings.tracking, true);
    assert.equal(value.settings.checkinIntervalMinutes, 720);
    assert.deepEqual(value.pendingResults, []);
    assert.deepEqual(value.locations, []);
  });

  test('a corrupt file is an error, not a silent reset that would lose the enrollment', () => {
    const dir = freshDir();
    new DeviceStateFile(dir);
    writeFileSync(join(dir, DEVICE_STATE_FILE), '{"deviceId": ');
    assert.throws(() => new DeviceStateFile(dir), /is not valid JSON/);
    writeFileSync(join(dir, DEVICE_STATE_FILE), '[1,2]');
    assert.throws(() => new DeviceStateFile(dir), /is not a JSON object/);
  });
});
