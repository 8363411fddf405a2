import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { DeviceSimulator, type SimulatorEvent, type SimulatorOptions } from './simulator';
import { DeviceTestPeer } from './test-support/device-test-peer';

let peer: DeviceTestPeer;
const root = mkdtempSync(join(tmpdir(), 'muster-simulator-'));
const running: DeviceSimulator[] = [];

before(async () => {
  peer = await DeviceTestPeer.start();
});
after(async () => {
  await Promise.all(running.map((sim) => sim.stop()));
  await peer.close();
  rmSync(root, { recursive: true, force: true });
});

function simulator(options: Partial<SimulatorOptions>): DeviceSimulator {
  const sim = new DeviceSimulator({
    server: peer.url,
    pinSha256: peer.fingerprint,
    token: 'good-token',
    count: 2,
    stateDir: join(root, 'fleet'),
    timeoutMs: 5000,
    ...options,
  });
  running.push(sim);
  return sim;
}

async function until(check: () => boolean, what: string, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

describe('DeviceSimulator', () => {
  test('enrolls a mixed fleet with its own state each, registering each platform’s push channel', async () => {
    const sim = simulator({
      count: 3,
      stateDir: join(root, 'mixed'),
      apnsTokenPrefix: 'feed',
      phoneNumberPattern: '+1555000000N',
    });
    await sim.open();
    await sim.checkInAll();
    assert.deepEqual(
      sim.devices.map((d) => [d.name, d.platform]),
      [
        ['sim-1', 'ios'],
        ['sim-2', 'android'],
        ['sim-3', 'ios'],
      ],
    );
    const [ios, android] = sim.devices.map((d) => peer.device(d.client.deviceId as string).checkins[0]?.info);
    assert.equal(ios?.pushChannel?.kind, 'apns');
    assert.deepEqual(android?.pushChannel, { kind: 'sms', phoneNumber: '+15550000002' });
    assert.equal(new Set(sim.devices.map((d) => d.stateDir)).size, 3);
    await sim.stop();

    // A restart from the same directories needs no token and enrolls nobody new.
    const enrolledBefore = peer.devices.size;
    const again = simulator({
      count: 3,
      stateDir: join(root, 'mixed'),
      token: undefined,
      platform: 'android',
    });
    await again.open();
    assert.equal(peer.devices.size, enrolledBefore);
    assert.deepEqual(
      again.devices.map((d) => d.platform),
      ['ios', 'android', 'ios'],
      'enrolled devices keep their platform',
    );
    await again.stop();
  });

  test('a signed webhook wake makes that device check in at once and run its commands', async () => {
    const events: SimulatorEvent[] = [];
    const secret = 'hook-secret';
    const sim = simulator({
      wakePort: 0,
      webhookSecret: secret,
      stateDir: join(root, 'wake'),
      onEvent: (e) => events.push(e),
    });
    await sim.start();
    const target = sim.devices[1]?.client.deviceId as string;
    await until(() => peer.device(target).checkins.length === 1, 'the first check-in');
    // After enrollment the webhook URL names the device.
    assert.deepEqual(peer.device(target).checkins[0]?.info.pushChannel, {
      kind: 'webhook',
      url: `${sim.wakeUrl}/wake/${target}`,
    });
    const commandId = peer.queue(target, 'lock');
    const body = JSON.stringify({
      deviceId: target,
      text: 'You have a command',
      sentAt: new Date().toISOString(),
    });
    const wrong = await fetch(`${sim.wakeUrl}/wake/${target}`, {
      method: 'POST',
      body,
      headers: { 'x-muster-signature': `sha256=${'0'.repeat(64)}` },
    });
    assert.equal(wrong.status, 401);
    const signature = `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
    const woken = await fetch(`${sim.wakeUrl}/wake/${target}`, {
      method: 'POST',
      body,
      headers: { 'x-muster-signature': signature },
    });
    assert.equal(woken.status, 202);
    await until(() => peer.device(target).results.length === 1, 'the lock result');
    assert.deepEqual(peer.device(target).results[0], {
      id: commandId,
      status: 'complete',
      output: 'device locked',
    });
    const other = sim.devices[0]?.client.deviceId as string;
    assert.equal(peer.device(other).checkins.length, 1, 'only the woken device checked in again');
    assert.ok(events.some((e) => e.type === 'wake' && e.deviceId === target && e.source === 'webhook'));
    assert.ok(events.some((e) => e.type === 'wake-refused' && e.status === 401));
    assert.ok(
      events.some((e) => e.type === 'command-done' && e.name === 'sim-2' && e.commandType === 'lock'),
    );
    await sim.stop();
  });

  test('with tracking the phones take fixes that reach the server on the scaled interval', async () => {
    peer.intervalAtEnroll = 1;
    const sim = simulator({
      count: 1,
      stateDir: join(root, 'tracking'),
      tracking: true,
      locationEveryMinutes: 0.5,
      timeScale: 600,
    });
    await sim.start();
    peer.intervalAtEnroll = 720;
    const id = sim.devices[0]?.client.deviceId as string;
    await until(
      () => peer.device(id).checkins.some((c) => c.locations.length > 0),
      'a check-in with locations',
    );
    await sim.stop();
    const sent = peer.device(id).checkins.flatMap((c) => c.locations);
    assert.ok(sent.every((p) => Math.abs(p.lat) <= 90 && Math.abs(p.lon) <= 180));
  });

  test('refuses a fleet that needs enrolling without a token, and bad options', async () => {
    await assert.rejects(
      simulator({ stateDir: join(root, 'no-token'), token: undefined }).open(),
      /no enrollment token/,
    );
    assert.throws(() => simulator({ count: 0 }), /positive integer/);
    await assert.rejects(
      simulator({ stateDir: join(root, 'bad-phone'), phoneNumberPattern: 'call-me' }).open(),
      /invalid number/,
    );
  });
});
