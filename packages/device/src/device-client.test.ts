import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { DEVICE_API_PREFIX, type DeviceCommand } from '@muster/protocol';
import type { CommandOutcome } from './command-handlers';
import { DeviceClient, type DeviceClientOptions } from './device-client';
import type { DeviceClientEvent } from './device-client-events';
import { DeviceStateFile } from './device-state';
import { DeviceTestPeer, TEST_PEER_NAME } from './test-support/device-test-peer';

let peer: DeviceTestPeer;
const root = mkdtempSync(join(tmpdir(), 'muster-device-client-'));
let counter = 0;
const clients: DeviceClient[] = [];

before(async () => {
  peer = await DeviceTestPeer.start();
});
after(async () => {
  await Promise.all(clients.map((client) => client.stop()));
  await peer.close();
  rmSync(root, { recursive: true, force: true });
});

/** A client trusting the peer by certificate pin, in a fresh state directory unless given one. */
function client(options: Partial<DeviceClientOptions> = {}): DeviceClient {
  const made = new DeviceClient({
    server: peer.url,
    stateDir: options.stateDir ?? join(root, `device-${++counter}`),
    pinSha256: peer.fingerprint,
    timeoutMs: 5000,
    ...options,
  });
  clients.push(made);
  return made;
}

async function enrolled(
  options: Partial<DeviceClientOptions> = {},
): Promise<{ client: DeviceClient; id: string }> {
  const made = client(options);
  const answer = await made.enroll('good-token', `phone-${counter}`, 'ios', { model: 'iPhone15,2' });
  return { client: made, id: answer.deviceId };
}

function peerPaths(deviceId: string): string[] {
  return peer.log
    .filter((entry) => entry.deviceId === deviceId)
    .map((entry) => entry.path.replace(DEVICE_API_PREFIX, ''));
}

describe('DeviceClient enrollment and trust', () => {
  test('enrolls, stores the settings and reuses the identity after a restart', async () => {
    const stateDir = join(root, 'enroll-restart');
    const first = client({ stateDir });
    const answer = await first.enroll('good-token', 'alice-iphone', 'ios', {
      model: 'iPhone15,2',
      batteryPercent: 50,
    });
    assert.equal(first.deviceId, answer.deviceId);
    assert.equal(peer.device(answer.deviceId).name, 'alice-iphone');
    assert.equal(first.settings.checkinIntervalMinutes, 720);
    const restarted = client({ stateDir });
    assert.equal(restarted.deviceId, answer.deviceId);
    assert.equal(restarted.publicKey, first.publicKey);
    assert.equal(restarted.snapshot.group, 'phones.test');
    await assert.rejects(restarted.enroll('good-token', 'again', 'ios'), /already enrolled/);
  });

  test('default trust refuses the self-signed certificate', async () => {
    const made = new DeviceClient({
      server: peer.url,
      stateDir: join(root, 'default-trust'),
      timeoutMs: 5000,
    });
    await assert.rejects(made.enroll('good-token', 'x', 'ios'), /self.signed|unable to verify/i);
  });

  test('a given CA is trusted, checked against the certificate name', async () => {
    const good = client({ pinSha256: undefined, ca: peer.cert, serverName: TEST_PEER_NAME });
    assert.ok((await good.enroll('good-token', 'ca-phone', 'android')).deviceId);
    // Without serverName the certificate must name 127.0.0.1, which the test certificate does not.
    const wrongName = client({ pinSha256: undefined, ca: peer.cert });
    await assert.rejects(
      wrongName.enroll('good-token', 'x', 'ios'),
      /IP: 127\.0\.0\.1 is not in the cert's list/,
    );
  });

  test('a wrong pin stops the connection before any request reaches the server', async () => {
    const before = peer.log.length;
    const made = client({ pinSha256: 'ab'.repeat(32) });
    await assert.rejects(made.enroll('good-token', 'x', 'ios'), /does not match the pinned SHA-256/);
    assert.equal(peer.log.length, before);
  });
});

describe('DeviceClient check-ins', () => {
  test('runs every queued command and reports all results', async () => {
    const events: DeviceClientEvent[] = [];
    const { client: phone, id } = await enrolled({ onEvent: (event) => events.push(event) });
    const ids = ['lock', 'ring', 'message', 'wipe', 'sync', 'teleport'].map((type) =>
      peer.queue(id, type, { text: 'hi' }),
    );
    const summary = await phone.checkIn();
    assert.equal(summary.commands.length, 6);
    assert.equal(summary.resultsReported, 6);
    const results = peer.device(id).results;
    assert.deepEqual(
      results.map((r) => r.id),
      ids,
    );
    assert.deepEqual(
      results.map((r) => r.status),
      ['complete', 'complete', 'complete', 'complete', 'complete', 'failed'],
    );
    assert.equal(results[2]?.output, 'message shown: hi');
    assert.equal(results[5]?.error, 'unknown command type: teleport');
    assert.deepEqual(phone.snapshot.pendingResults, []);
    assert.deepEqual(peerPaths(id), ['/enroll', '/checkin', '/results']);
    assert.equal(events.filter((e) => e.type === 'command-done').length, 6);
    const checkedIn = events.find((e) => e.type === 'checked-in');
    assert.equal(checkedIn?.type === 'checked-in' && checkedIn.commands, 6);
  });

  test('a check-in with nothing queued sends no results request', async () => {
    const { client: phone, id } = await enrolled();
    const summary = await phone.checkIn();
    assert.equal(summary.commands.length, 0);
    assert.deepEqual(peerPaths(id), ['/enroll', '/checkin']);
    assert.equal(peer.device(id).checkins[0]?.info.model, 'iPhone15,2');
  });

  test('"not-now" gives the command back, and the next check-in runs it again', async () => {
    let calls = 0;
    const handlers = {
      sync: async (): Promise<CommandOutcome> => {
        calls += 1;
        return calls === 1
          ? { status: 'not-now', error: 'on a call' }
          : { status: 'complete', output: 'synced late' };
      },
    };
    const { client: phone, id } = await enrolled({ handlers });
    const commandId = peer.queue(id, 'sync');
    const first = await phone.checkIn();
    assert.deepEqual(first.results, [{ id: commandId, status: 'not-now', error: 'on a call' }]);
    assert.deepEqual(phone.snapshot.pendingResults, []);
    assert.equal(peer.device(id).queue.length, 1);
    const second = await phone.checkIn();
    assert.deepEqual(second.results, [{ id: commandId, status: 'complete', output: 'synced late' }]);
    assert.deepEqual(
      peer.device(id).results.map((r) => r.status),
      ['not-now', 'complete'],
    );
    assert.equal(calls, 2);
  });

  test('results survive a crash before they were accepted and are sent first after restart', async () => {
    const runs: string[] = [];
    const handlers = {
      wipe: async (command: DeviceCommand): Promise<CommandOutcome> => {
        runs.push(command.id);
        return { status: 'complete', output: 'wiped' };
      },
    };
    const stateDir = join(root, 'crash');
    const { client: before, id } = await enrolled({ stateDir, handlers });
    const commandId = peer.queue(id, 'wipe');
    peer.failResults = 1;
    const summary = await before.checkIn();
    assert.equal(summary.resultsReported, 0);
    // The "crash": this client is dropped; only the state file remains.
    assert.deepEqual(new DeviceStateFile(stateDir).value.pendingResults, [
      { id: commandId, status: 'complete', output: 'wiped' },
    ]);
    assert.equal(peer.device(id).results.length, 0);

    const after = client({ stateDir, handlers });
    const resumed = await after.checkIn();
    assert.equal(resumed.resultsReported, 1);
    assert.deepEqual(peer.device(id).results, [{ id: commandId, status: 'complete', output: 'wiped' }]);
    assert.deepEqual(runs, [commandId], 'the wipe ran once');
    assert.deepEqual(after.snapshot.pendingResults, []);
    // The restarted client reported before checking in, so the command was not handed out again.
    assert.deepEqual(peerPaths(id), ['/enroll', '/checkin', '/results', '/results', '/checkin']);
  });

  test('a result the server already has does not block the others: it is found and dropped', async () => {
    const events: DeviceClientEvent[] = [];
    const stateDir = join(root, 'stale-result');
    const { client: first, id } = await enrolled({ stateDir });
    peer.queue(id, 'lock');
    const accepted = await first.checkIn();
    const stale = accepted.results[0];
    assert.ok(stale);
    // A crash after the server took the result but before the state file lost it, then a new
    // command run and its report lost too.
    const fresh = peer.queue(id, 'sync');
    peer.failResults = 1;
    await first.checkIn();
    const state = new DeviceStateFile(stateDir);
    state.update({ pendingResults: [stale, ...state.value.pendingResults] });

    const restarted = client({ stateDir, onEvent: (event) => events.push(event) });
    const summary = await restarted.checkIn();
    assert.equal(summary.resultsReported, 1);
    assert.deepEqual(
      peer.device(id).results.map((r) => r.id),
      [stale.id, fresh],
    );
    assert.deepEqual(restarted.snapshot.pendingResults, []);
    const dropped = events.find((e) => e.type === 'result-dropped');
    assert.equal(dropped?.type === 'result-dropped' && dropped.commandId, stale.id);
    assert.match(dropped?.type === 'result-dropped' ? dropped.error : '', /invalid-state, HTTP 409/);
  });

  test('while the server is unavailable results stay pending and are not dropped', async () => {
    const { client: phone, id } = await enrolled();
    peer.queue(id, 'ring');
    // Three refusals: the first round's report, then the second round's retry before and after its check-in.
    peer.failResults = 3;
    await phone.checkIn();
    assert.equal(phone.snapshot.pendingResults.length, 1);
    await phone.checkIn();
    assert.equal(phone.snapshot.pendingResults.length, 1);
    await phone.checkIn();
    assert.deepEqual(phone.snapshot.pendingResults, []);
    assert.equal(peer.device(id).results.length, 1);
    assert.equal(peer.log.filter((e) => e.deviceId === id && e.status === 503).length, 3);
  });

  test('tracking off: fixes are refused and check-ins carry no locations', async () => {
    peer.trackingAtEnroll = false;
    const { client: phone, id } = await enrolled({
      currentLocation: async () => ({ lat: 10, lon: 20 }),
    });
    peer.trackingAtEnroll = true;
    assert.deepEqual(phone.recordLocation({ lat: 1, lon: 2 }), { accepted: false, reason: 'tracking-off' });
    const locate = peer.queue(id, 'locate');
    await phone.checkIn();
    assert.deepEqual(peer.device(id).checkins[0]?.locations, []);
    assert.equal(peer.device(id).results.find((r) => r.id === locate)?.status, 'failed');

    // The server turns tracking on: fixes are buffered and sent at the next check-in.
    peer.device(id).tracking = true;
    await phone.checkIn();
    assert.equal(phone.recordLocation({ lat: 1, lon: 2 }).accepted, true);
    peer.queue(id, 'locate');
    await phone.checkIn();
    assert.equal(peer.device(id).checkins[2]?.locations.length, 1);
    assert.equal(phone.snapshot.locations.length, 1, 'the locate fix waits for the next check-in');
    const sent = await phone.checkIn();
    assert.equal(sent.locationsSent, 1);
    assert.deepEqual(phone.snapshot.locations, []);

    // Off again: what was buffered is dropped and nothing more is sent.
    assert.equal(phone.recordLocation({ lat: 3, lon: 4 }).accepted, true);
    peer.device(id).tracking = false;
    await phone.checkIn();
    assert.equal(phone.snapshot.settings.tracking, false);
    assert.deepEqual(phone.snapshot.locations, []);
    assert.equal(phone.recordLocation({ lat: 5, lon: 6 }).accepted, false);
    const last = await phone.checkIn();
    assert.equal(last.locationsSent, 0);
    assert.deepEqual(peer.device(id).checkins.at(-1)?.locations, []);
  });

  test('buffered locations survive a restart', async () => {
    const stateDir = join(root, 'locations-restart');
    const { client: phone, id } = await enrolled({ stateDir });
    phone.recordLocation({ lat: 48.1, lon: 11.5, accuracyMeters: 12 });
    phone.recordLocation({ lat: 48.2, lon: 11.6 });
    const restarted = client({ stateDir });
    const summary = await restarted.checkIn();
    assert.equal(summary.locationsSent, 2);
    assert.deepEqual(
      peer.device(id).checkins[0]?.locations.map((p) => p.lat),
      [48.1, 48.2],
    );
  });
});

describe('DeviceClient scheduling', () => {
  test('start checks in at once, then every interval, compressed by the time scale', async () => {
    peer.intervalAtEnroll = 1;
    const { client: phone, id } = await enrolled({ timeScale: 600 });
    peer.intervalAtEnroll = 720;
    phone.start();
    await sleep(700);
    await phone.stop();
    const times = peer.log.filter((e) => e.deviceId === id && e.path.endsWith('/checkin')).map((e) => e.at);
    // 1 minute at scale 600 is 100 ms: one at once, then about six more.
    assert.ok(times.length >= 4 && times.length <= 8, `got ${times.length} check-ins`);
    for (let i = 1; i < times.length; i++) {
      const gap = (times[i] as number) - (times[i - 1] as number);
      assert.ok(gap >= 90, `gap ${gap} ms is shorter than the interval`);
    }
    const count = times.length;
    await sleep(250);
    assert.equal(
      peer.log.filter((e) => e.deviceId === id && e.path.endsWith('/checkin')).length,
      count,
      'stop stops',
    );
  });

  test('the interval the server sends takes effect, and a recent check-in is not repeated at start', async () => {
    const { client: phone, id } = await enrolled({ timeScale: 600 });
    peer.device(id).checkinIntervalMinutes = 2;
    await phone.checkIn();
    assert.equal(phone.settings.checkinIntervalMinutes, 2);
    phone.start();
    await sleep(120);
    const checkins = () => peer.log.filter((e) => e.deviceId === id && e.path.endsWith('/checkin')).length;
    assert.equal(checkins(), 1, 'no check-in before the 200 ms interval is over');
    await sleep(200);
    assert.equal(checkins(), 2);
    await phone.stop();
  });

  test('wake checks in at once, and a burst of wakes costs at most one extra round', async () => {
    const { client: phone, id } = await enrolled();
    phone.start();
    await sleep(50);
    const commandId = peer.queue(id, 'ring');
    const summaries = await Promise.all([phone.wake(), phone.wake(), phone.wake(), phone.wake()]);
    await phone.stop();
    assert.ok(summaries.every((s) => s !== null));
    const checkins = peer.log.filter((e) => e.deviceId === id && e.path.endsWith('/checkin')).length;
    // One from start (interval 720 min, never checked in), then the wake and one follow-up.
    assert.ok(checkins >= 2 && checkins <= 3, `got ${checkins} check-ins`);
    assert.equal(peer.device(id).results.find((r) => r.id === commandId)?.status, 'complete');
  });

  test('a failed check-in is an event with a retry time, and wake never rejects', async () => {
    const events: DeviceClientEvent[] = [];
    const phone = client({ onEvent: (event) => events.push(event) });
    assert.equal(await phone.wake(), null);
    assert.equal(events[0]?.type, 'checkin-failed');
    assert.throws(() => phone.start(), /enroll before/);
  });
});
