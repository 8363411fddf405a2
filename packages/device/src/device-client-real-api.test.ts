import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DEVICE_API_PREFIX } from '@muster/protocol';
import { DeviceClient, type DeviceClientOptions } from './device-client';
import type { DeviceClientEvent } from './device-client-events';
import { loadDeviceKey } from './device-key';
import { DEVICE_KEY_FILE, DeviceStateFile } from './device-state';
import { DeviceApiError, signedHeaders } from './signed-request';
import { RealDeviceServer, type TestBackend } from './test-support/real-device-server';

// The device client against the server's real device API (started in this process, on both
// stores): the error codes and refusals here are the ones a phone meets in production, where
// every authentication failure is `unauthorized` and a bad token is `token-invalid`.
for (const backend of ['sqlite', 'postgres'] as const satisfies readonly TestBackend[]) {
  describe(`DeviceClient against the real device API (${backend})`, () => {
    let server: RealDeviceServer;
    const root = mkdtempSync(join(tmpdir(), `muster-device-real-client-${backend}-`));
    const clients: DeviceClient[] = [];
    let counter = 0;
    let iosToken = '';

    before(async () => {
      server = await RealDeviceServer.start(backend);
      iosToken = await server.enrollmentToken('phones.acme', 'ios');
    });
    after(async () => {
      await Promise.all(clients.map((c) => c.stop()));
      await server?.close();
      rmSync(root, { recursive: true, force: true });
    });

    function client(options: Partial<DeviceClientOptions> = {}): DeviceClient {
      const made = new DeviceClient({
        server: server.url,
        stateDir: options.stateDir ?? join(root, `device-${++counter}`),
        pinSha256: server.fingerprint,
        timeoutMs: 5000,
        ...options,
      });
      clients.push(made);
      return made;
    }

    async function enrolled(options: Partial<DeviceClientOptions> = {}) {
      const made = client(options);
      const answer = await made.enroll(iosToken, `phone-${counter}`, 'ios', { model: 'iPhone15,2' });
      return { client: made, id: answer.deviceId };
    }

    test('enrolls and keeps what the server said: id, group, Server ID and settings', async () => {
      const stateDir = join(root, 'enroll');
      const { client: phone, id } = await enrolled({ stateDir });
      assert.equal(phone.deviceId, id);
      assert.equal(phone.snapshot.group, 'phones.acme');
      assert.equal(phone.snapshot.serverId, server.serverId);
      const restarted = client({ stateDir });
      assert.equal(restarted.deviceId, id);
      const listed = await server.admin<{ id: string; name: string }>(
        'GET',
        `/devices/${id}`,
        undefined,
        200,
      );
      assert.equal(listed.id, id);
    });

    test('a refused enrollment is the token-invalid code, and the device can enroll afterwards', async () => {
      const stateDir = join(root, 'refused');
      const made = client({ stateDir });
      await assert.rejects(made.enroll('not-a-token', 'x', 'ios'), (error: unknown) => {
        assert.ok(error instanceof DeviceApiError, String(error));
        assert.equal(error.status, 400);
        assert.equal(error.code, 'token-invalid');
        assert.match(error.message, /is not known/);
        return true;
      });
      const android = await server.enrollmentToken('phones.acme', 'android');
      await assert.rejects(made.enroll(android, 'x', 'ios'), (error: unknown) => {
        assert.ok(error instanceof DeviceApiError);
        assert.equal(error.code, 'token-invalid');
        assert.match(error.message, /not for ios devices/);
        return true;
      });
      assert.equal(made.deviceId, null);
      assert.ok((await made.enroll(iosToken, 'late', 'ios')).deviceId);
    });

    test('runs queued commands and the server records every result', async () => {
      const { client: phone, id } = await enrolled();
      const ring = await server.queue(id, 'ring');
      const message = await server.queue(id, 'message', { text: 'hi' });
      const summary = await phone.checkIn();
      assert.deepEqual(summary.commands.map((c) => c.id).sort(), [ring, message].sort());
      assert.equal(summary.resultsReported, 2);
      assert.deepEqual(phone.snapshot.pendingResults, []);
      const done = await server.command(message);
      assert.equal(done.status, 'complete');
      assert.equal(done.result?.output, 'message shown: hi');
      assert.equal((await server.command(ring)).status, 'complete');
    });

    test('"not-now" hands the command back to the server queue; the next check-in runs it', async () => {
      let calls = 0;
      const { client: phone, id } = await enrolled({
        handlers: {
          sync: async () =>
            ++calls === 1 ? { status: 'not-now', error: 'on a call' } : { status: 'complete' },
        },
      });
      const sync = await server.queue(id, 'sync');
      await phone.checkIn();
      assert.equal((await server.command(sync)).status, 'pending');
      await phone.checkIn();
      assert.equal((await server.command(sync)).status, 'complete');
      assert.equal(calls, 2);
    });

    test('a replayed or altered request is refused as unauthorized and changes nothing', async () => {
      const stateDir = join(root, 'replay');
      const { id } = await enrolled({ stateDir });
      const key = loadDeviceKey(join(stateDir, DEVICE_KEY_FILE));
      const path = `${DEVICE_API_PREFIX}/checkin`;
      const body = JSON.stringify({ info: {}, locations: [] });
      const headers = signedHeaders({ deviceId: id, key }, 'POST', path, body);
      assert.equal((await send(server, path, headers, body)).status, 200);
      const model = async () =>
        (await server.admin<{ model: string | null }>('GET', `/devices/${id}`, undefined, 200)).model;
      const before = await model();
      const replay = await send(server, path, headers, body);
      assert.equal(replay.status, 401);
      assert.equal(replay.error.code, 'unauthorized');
      assert.match(replay.error.message, /replayed nonce/);
      const fresh = signedHeaders({ deviceId: id, key }, 'POST', path, body);
      const altered = await send(server, path, fresh, body.replace('{}', '{"model":"forged"}'));
      assert.equal(altered.status, 401);
      assert.equal(altered.error.code, 'unauthorized');
      assert.match(altered.error.message, /signature does not verify/);
      assert.equal(await model(), before, 'the altered check-in stored nothing');
    });

    test('an unauthorized answer (a clock off by ten minutes) keeps pending results for a later round', async () => {
      const stateDir = join(root, 'skewed');
      const { id } = await enrolled({ stateDir });
      const lock = await server.queue(id, 'lock');
      // Handed out by a check-in whose answer this client never saw, its result made but not
      // yet reported, as after a crash: it must survive the refusals.
      await rawCheckin(server, stateDir, id);
      assert.equal((await server.command(lock)).status, 'processing');
      const pending = { id: lock, status: 'complete' as const, output: 'locked' };
      new DeviceStateFile(stateDir).update({ pendingResults: [pending] });

      const events: DeviceClientEvent[] = [];
      const skewed = client({
        stateDir,
        now: () => Date.now() - 10 * 60_000,
        onEvent: (event) => events.push(event),
      });
      await assert.rejects(skewed.checkIn(), (error: unknown) => {
        assert.ok(error instanceof DeviceApiError);
        assert.equal(error.status, 401);
        assert.equal(error.code, 'unauthorized');
        return true;
      });
      const failed = events.filter((e) => e.type === 'results-failed');
      assert.equal(failed.length, 1);
      assert.match(failed[0]?.type === 'results-failed' ? failed[0].error : '', /unauthorized, HTTP 401/);
      assert.deepEqual(skewed.snapshot.pendingResults, [pending], 'a 401 drops nothing');
      assert.deepEqual(
        events.filter((e) => e.type === 'result-dropped'),
        [],
      );
      const onTime = client({ stateDir });
      assert.equal((await onTime.checkIn()).resultsReported, 1);
      assert.equal((await server.command(lock)).result?.output, 'locked');
    });

    test('results the server refuses for good (already finished, unknown) are dropped; the others are recorded', async () => {
      const stateDir = join(root, 'stale');
      const { client: first, id } = await enrolled({ stateDir });
      const finished = await server.queue(id, 'lock');
      await first.checkIn();
      assert.equal((await server.command(finished)).status, 'complete');
      const fresh = await server.queue(id, 'ring');
      // The ring is handed out by a check-in this client never saw the answer of (a crash), so
      // it is processing on the server while its result waits beside a stale copy of the lock's
      // result and one for a command the server never had.
      await rawCheckin(server, stateDir, id);
      assert.equal((await server.command(fresh)).status, 'processing');
      const stale = { id: finished, status: 'complete' as const, output: 'again' };
      const unknown = { id: '00000000-0000-7000-8000-000000000000', status: 'complete' as const };
      const ringRun = { id: fresh, status: 'complete' as const, output: 'rang' };
      new DeviceStateFile(stateDir).update({ pendingResults: [stale, unknown, ringRun] });

      const events: DeviceClientEvent[] = [];
      const restarted = client({ stateDir, onEvent: (event) => events.push(event) });
      const summary = await restarted.checkIn();
      assert.equal(summary.resultsReported, 1);
      const dropped = events.flatMap((e) => (e.type === 'result-dropped' ? [e] : []));
      assert.deepEqual(dropped.map((e) => e.commandId).sort(), [stale.id, unknown.id].sort());
      assert.match(dropped.find((e) => e.commandId === stale.id)?.error ?? '', /invalid-state, HTTP 409/);
      assert.match(dropped.find((e) => e.commandId === unknown.id)?.error ?? '', /not-found, HTTP 404/);
      assert.deepEqual(restarted.snapshot.pendingResults, []);
      const ring = await server.command(fresh);
      assert.equal(ring.status, 'complete');
      assert.equal(ring.result?.output, 'rang');
    });
  });
}

/** A check-in made with the device's key outside the client, so the client never sees its answer. */
async function rawCheckin(server: RealDeviceServer, stateDir: string, deviceId: string): Promise<void> {
  const key = loadDeviceKey(join(stateDir, DEVICE_KEY_FILE));
  const path = `${DEVICE_API_PREFIX}/checkin`;
  const body = JSON.stringify({ info: {}, locations: [] });
  const answer = await send(server, path, signedHeaders({ deviceId, key }, 'POST', path, body), body);
  assert.equal(answer.status, 200);
}

/** Sends one raw signed request, to replay exactly the same headers. */
function send(
  server: RealDeviceServer,
  path: string,
  headers: Record<string, string>,
  body: string,
): Promise<{ status: number; error: { code: string; message: string } }> {
  return new Promise((resolve, reject) => {
    const request = https.request(
      `${server.url}${path}`,
      {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        ca: server.cert,
        rejectUnauthorized: false,
      },
      (response) => {
        let text = '';
        response.on('data', (chunk) => {
          text += chunk;
        });
        response.on('end', () => {
          const parsed = text ? (JSON.parse(text) as { error?: { code: string; message: string } }) : {};
          resolve({ status: response.statusCode ?? 0, error: parsed.error ?? { code: '', message: '' } });
        });
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}
