import assert from 'node:assert/strict';
import { createPrivateKey, generateKeyPairSync, type KeyObject, randomBytes, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DEVICE_API_PREFIX, DEVICE_HEADERS, deviceRequestSigningBytes } from '@muster/protocol';
import { parseMetrics, sampleValue } from '../packages/server/src/test-support/prometheus-text';
import { freePort, type Proc, runMuster, TestServer, tempDir, waitFor } from './support/harness';
import { ApnsPeer, SmppPeer } from './support/push-peers';

interface DeviceJson {
  id: string;
  platform: string;
  checkinIntervalMinutes: number;
  tracking: boolean;
  lastCheckinAt: string | null;
  overdue: boolean;
  pushChannel: { kind: string } | null;
}
interface WakeJson {
  status: string;
  channel: string;
  reason: string | null;
  sentAt: string | null;
  checkinAt: string | null;
}

/** The server's metrics token (GET /metrics). */
const METRICS_TOKEN = randomBytes(32).toString('hex');

/** POSTs JSON to the device endpoint, signed (or not) as a device would. */
function devicePost(
  base: string,
  ca: string,
  path: string,
  body: unknown,
  signer?: { deviceId: string; key: KeyObject; nonce?: string },
): Promise<{ status: number; body: { error?: { message: string } } & Record<string, unknown> }> {
  const raw = JSON.stringify(body);
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (signer) {
    const timestamp = String(Date.now());
    const nonce = signer.nonce ?? randomBytes(16).toString('base64url');
    const full = `${DEVICE_API_PREFIX}${path}`;
    headers[DEVICE_HEADERS.device] = signer.deviceId;
    headers[DEVICE_HEADERS.timestamp] = timestamp;
    headers[DEVICE_HEADERS.nonce] = nonce;
    headers[DEVICE_HEADERS.signature] = sign(
      null,
      deviceRequestSigningBytes('POST', full, signer.deviceId, timestamp, nonce, raw),
      signer.key,
    ).toString('base64');
  }
  return new Promise((resolve, reject) => {
    const req = request(
      `${base}${DEVICE_API_PREFIX}${path}`,
      { method: 'POST', headers, ca, servername: 'muster-server', checkServerIdentity: () => undefined },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => {
          text += c.toString();
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : {} }));
      },
    );
    req.on('error', reject);
    req.end(raw);
  });
}

// Mobile devices end to end: simulated phones (muster device simulate, on @muster/device), a
// local APNs peer and a local SMS centre over SMPP.
describe('mobile devices', () => {
  const dir = tempDir('devices');
  const apns = new ApnsPeer();
  const sms = new SmppPeer();
  let server: TestServer;
  let deviceBase: string;
  let ca: string;
  const sims: Proc[] = [];
  const wakePorts = { ios: 0, android: 0 };
  let iphone: string;
  let android: string;

  /** Stands in for the phone receiving the push and its user opening the app. */
  const tap = (platform: 'ios' | 'android', deviceId: string) =>
    fetch(`http://127.0.0.1:${wakePorts[platform]}/wake/${deviceId}`, { method: 'POST' }).catch(
      () => undefined,
    );

  before(async () => {
    const apnsUrl = await apns.start(dir.path);
    const smppPort = await sms.start('muster', 'smpp-pw');
    const devicePort = await freePort();
    server = await TestServer.start({
      dataDir: join(dir.path, 'server'),
      agentPorts: [await freePort()],
      devicePort,
      env: { MUSTER_METRICS_TOKEN: METRICS_TOKEN },
      extraArgs: [
        '--apns-base-url',
        apnsUrl,
        '--apns-ca-file',
        apns.caFile,
        '--apns-cert-file',
        apns.clientCertFile,
        '--apns-key-file',
        apns.clientKeyFile,
        '--apns-topic',
        'com.example.muster-agent',
        '--smpp-host',
        '127.0.0.1',
        '--smpp-port',
        String(smppPort),
        '--smpp-system-id',
        'muster',
        '--smpp-password',
        'smpp-pw',
      ],
    });
    deviceBase = `https://127.0.0.1:${devicePort}`;
    const caFile = join(dir.path, 'server', 'tls-cert.pem');
    ca = readFileSync(caFile, 'utf8');
    for (const platform of ['ios', 'android'] as const) {
      const r = await server.api.post('/device-enrollment-tokens', { group: 'phones.acme', platform });
      assert.equal(r.status, 201);
      wakePorts[platform] = await freePort();
      const args = [
        'device',
        'simulate',
        '--server',
        deviceBase,
        '--token',
        (r.body as { token: string }).token,
        '--platform',
        platform,
        '--name-prefix',
        platform === 'ios' ? 'iphone' : 'pixel',
        '--state',
        join(dir.path, platform),
        '--ca',
        caFile,
        '--server-name',
        'muster-server',
        '--wake-port',
        String(wakePorts[platform]),
        '--tracking',
        '--time-scale',
        '60',
        '--location-every',
        '1',
        ...(platform === 'ios' ? ['--apns-token-prefix', 'abcd'] : ['--phone-number', '+1555000000N']),
      ];
      sims.push(runMuster(`sim-${platform}`, args));
    }
    const devices = await waitFor(
      'both devices enrolled',
      async () => {
        const items = ((await server.api.get('/devices')).body as { items: DeviceJson[] }).items;
        return items.length === 2 ? items : null;
      },
      30_000,
    );
    iphone = devices.find((d) => d.platform === 'ios')?.id as string;
    android = devices.find((d) => d.platform === 'android')?.id as string;
    apns.onPush = () => void tap('ios', iphone);
    sms.onSubmit = () => void tap('android', android);
  });
  after(async () => {
    await Promise.all(sims.map((s) => s.stop()));
    await server.stop();
    apns.close();
    sms.close();
    dir.cleanup();
  });

  it('devices check in every 720 minutes by default, and show when they are next expected', async () => {
    const d = await waitFor('first check-in', async () => {
      const view = (await server.api.get(`/devices/${iphone}`)).body as DeviceJson & {
        nextCheckinExpectedAt: string;
      };
      return view.lastCheckinAt ? view : null;
    });
    assert.equal(d.checkinIntervalMinutes, 720);
    assert.equal(d.overdue, false);
    assert.deepEqual(d.pushChannel, { kind: 'apns' });
    const gap = Date.parse(d.nextCheckinExpectedAt) - Date.parse(d.lastCheckinAt as string);
    assert.equal(gap, 720 * 60_000);
  });

  it('an Android device is woken by SMS over SMPP; its queued command then runs', async () => {
    // Its first check-in, which it makes on its own at start, must be behind it: one landing in
    // the half second below ran the command without a wake-up (seen under load in CI).
    await waitFor("the Android device's first check-in", async () => {
      const view = (await server.api.get(`/devices/${android}`)).body as DeviceJson;
      return view.lastCheckinAt !== null;
    });
    const q = await server.api.post('/commands', {
      targets: { devices: [android] },
      type: 'message',
      params: { text: 'hello' },
    });
    const cid = (q.body as { items: Array<{ id: string }> }).items[0]?.id;
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(
      ((await server.api.get(`/commands/${cid}`)).body as { status: string }).status,
      'pending',
      'waits for a check-in',
    );
    const wake = await server.api.post(`/devices/${android}/request-checkin`);
    assert.equal(wake.status, 202);
    await waitFor(
      'complete',
      async () =>
        ((await server.api.get(`/commands/${cid}`)).body as { status: string }).status === 'complete',
    );
    assert.equal(sms.submits.length, 1);
    assert.equal(sms.submits[0]?.to, '15550000001');
    assert.match(sms.submits[0]?.text ?? '', /open the Muster agent app/);
    const wakes = ((await server.api.get(`/devices/${android}/wakes`)).body as { items: WakeJson[] }).items;
    assert.equal(wakes[0]?.channel, 'sms');
    assert.equal(wakes[0]?.status, 'sent');
    assert.ok(wakes[0]?.checkinAt, 'the check-in that followed is recorded');
  });

  it('a push-capable command wakes an iOS device through APNs as soon as it is queued', async () => {
    const before = apns.requests.length;
    const q = await server.api.post('/commands', {
      targets: { devices: [iphone] },
      type: 'lock',
      params: {},
    });
    const cid = (q.body as { items: Array<{ id: string }> }).items[0]?.id;
    await waitFor(
      'complete',
      async () =>
        ((await server.api.get(`/commands/${cid}`)).body as { status: string }).status === 'complete',
    );
    const push = apns.requests[before];
    assert.ok(push);
    assert.match(push.path, /^\/3\/device\/abcd[0-9a-f]*$/);
    assert.equal(push.headers['apns-push-type'], 'alert');
    assert.equal(push.headers['apns-topic'], 'com.example.muster-agent');
    assert.equal(push.headers['apns-priority'], '10');
    assert.ok(Number(push.headers['apns-expiration']) > Date.now() / 1000);
    assert.match(JSON.parse(push.body).aps.alert, /check in/);
    const wakes = ((await server.api.get(`/devices/${iphone}/wakes`)).body as { items: WakeJson[] }).items;
    assert.equal(wakes[0]?.status, 'sent');
  });

  it('an unregistered APNs token fails with the APNs reason and is never retried', async () => {
    const token = apns.requests[0]?.path.split('/').pop() as string;
    apns.answers.set(token, [410, 'Unregistered']);
    const before = apns.requests.length;
    await server.api.post(`/devices/${iphone}/request-checkin`);
    const wake = await waitFor('failed wake', async () => {
      const w = ((await server.api.get(`/devices/${iphone}/wakes`)).body as { items: WakeJson[] }).items[0];
      return w?.status === 'failed' ? w : null;
    });
    assert.match(wake.reason ?? '', /Unregistered/);
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(apns.requests.length, before + 1, 'exactly one request');
    apns.answers.delete(token);
  });

  it('counts device check-ins and wake-ups, sent and failed, in /metrics', async () => {
    const wakes: WakeJson[] = [];
    for (const id of [iphone, android])
      wakes.push(...((await server.api.get(`/devices/${id}/wakes`)).body as { items: WakeJson[] }).items);
    const answer = await fetch(`http://127.0.0.1:${server.options.httpPort}/metrics`, {
      headers: { authorization: `Bearer ${METRICS_TOKEN}` },
    });
    assert.equal(answer.status, 200);
    const families = parseMetrics(await answer.text());
    const sent = wakes.filter((w) => w.sentAt !== null).length;
    const failed = wakes.filter((w) => w.status === 'failed').length;
    assert.ok(sent >= 2 && failed >= 1, JSON.stringify(wakes));
    assert.equal(sampleValue(families, 'muster_device_wakeups_total', { outcome: 'sent' }), sent);
    assert.equal(sampleValue(families, 'muster_device_wakeups_total', { outcome: 'failed' }), failed);
    // Every wake-up that was sent was answered by a check-in.
    assert.ok((sampleValue(families, 'muster_device_checkins_total') ?? 0) >= sent);
  });

  it('stores tracking data while tracking is on, and none once it is off', async () => {
    await new Promise((r) => setTimeout(r, 2500)); // the phone takes a fix each simulated minute
    await tap('android', android);
    const points = await waitFor('locations', async () => {
      const items = ((await server.api.get(`/devices/${android}/locations`)).body as { items: unknown[] })
        .items;
      return items.length > 0 ? items : null;
    });
    assert.ok(points.length > 0);
    const off = await server.api.put(`/devices/${android}/settings`, { tracking: false });
    assert.equal((off.body as DeviceJson).tracking, false);
    await tap('android', android); // learns that tracking is off
    await new Promise((r) => setTimeout(r, 2500));
    const count = ((await server.api.get(`/devices/${android}/locations`)).body as { items: unknown[] }).items
      .length;
    await tap('android', android);
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(
      ((await server.api.get(`/devices/${android}/locations`)).body as { items: unknown[] }).items.length,
      count,
    );
  });

  it('refuses forged, replayed and malformed requests and stores nothing', async () => {
    const key = createPrivateKey(
      readFileSync(join(dir.path, 'android', 'pixel-1', 'device-key.pem'), 'utf8'),
    );
    const body = { info: {}, locations: [] };
    const forged = await devicePost(deviceBase, ca, '/checkin', body, {
      deviceId: android,
      key: generateKeyPairSync('ed25519').privateKey,
    });
    assert.equal(forged.status, 401);
    assert.match(forged.body.error?.message ?? '', /signature does not verify/);
    const nonce = randomBytes(16).toString('base64url');
    assert.equal(
      (await devicePost(deviceBase, ca, '/checkin', body, { deviceId: android, key, nonce })).status,
      200,
    );
    const replay = await devicePost(deviceBase, ca, '/checkin', body, { deviceId: android, key, nonce });
    assert.equal(replay.status, 401);
    assert.match(replay.body.error?.message ?? '', /replayed/);
    assert.equal((await devicePost(deviceBase, ca, '/checkin', body)).status, 401, 'unsigned');

    await server.api.put(`/devices/${android}/settings`, { tracking: true });
    const before = ((await server.api.get(`/devices/${android}/locations`)).body as { items: unknown[] })
      .items.length;
    const now = new Date().toISOString();
    const future = new Date(Date.now() + 3600_000).toISOString();
    for (const [points, message] of [
      [[{ lat: 95, lon: 0, at: now }], /lat/],
      [[{ lat: 10, lon: 200, at: now }], /lon/],
      [
        [
          { lat: 10, lon: 10, at: now },
          { lat: 10, lon: 10, at: future },
        ],
        /in the future/,
      ],
    ] as const) {
      const r = await devicePost(
        deviceBase,
        ca,
        '/checkin',
        { info: {}, locations: points },
        { deviceId: android, key },
      );
      assert.equal(r.status, 400);
      assert.match(r.body.error?.message ?? '', message);
    }
    const after = ((await server.api.get(`/devices/${android}/locations`)).body as { items: unknown[] }).items
      .length;
    assert.equal(after, before, 'no point of a refused check-in was stored');

    const q = await server.api.post('/commands', {
      targets: { devices: [iphone] },
      type: 'ring',
      params: {},
    });
    const iphoneCommand = (q.body as { items: Array<{ id: string }> }).items[0]?.id as string;
    const foreign = await devicePost(
      deviceBase,
      ca,
      '/results',
      { results: [{ id: iphoneCommand, status: 'complete' }] },
      { deviceId: android, key },
    );
    assert.equal(foreign.status, 403);
    assert.match(foreign.body.error?.message ?? '', /belongs to another endpoint/);
    assert.notEqual(
      ((await server.api.get(`/commands/${iphoneCommand}`)).body as { status: string }).status,
      'complete',
    );

    const badType = await server.api.post('/commands', {
      targets: { devices: [android] },
      type: 'shell',
      params: { script: 'x' },
    });
    assert.equal(badType.status, 400);
    assert.match(
      (badType.body as { error: { message: string } }).error.message,
      /unknown command type "shell" for devices/,
    );
  });
});
