import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { verifyWakeSignature, WakeListener, type WakeSource } from './wake-listener';

const secret = 'wake-secret';
const sign = (body: string) => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

async function post(url: string, body = '', headers: Record<string, string> = {}) {
  const response = await fetch(url, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json', ...headers },
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('WakeListener', () => {
  const wakes: Array<[string, WakeSource]> = [];
  let signed: WakeListener;
  let open: WakeListener;
  const known = (deviceId: string, source: WakeSource) => {
    if (!deviceId.startsWith('dev-')) return false;
    wakes.push([deviceId, source]);
    return true;
  };

  before(async () => {
    signed = await WakeListener.start({ port: 0, webhookSecret: secret, onWake: known });
    open = await WakeListener.start({ port: 0, onWake: known });
  });
  after(async () => {
    await signed.close();
    await open.close();
  });

  test('without a secret a bare POST /wake/<id> wakes the device (the user tapping the notification)', async () => {
    wakes.length = 0;
    assert.match(open.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    const answer = await post(`${open.url}/wake/dev-1`);
    assert.equal(answer.status, 202);
    assert.deepEqual(answer.body, { woken: 'dev-1' });
    assert.deepEqual(wakes, [['dev-1', 'tap']]);
  });

  test('a correctly signed webhook wakes the device named in path or body', async () => {
    wakes.length = 0;
    const body = JSON.stringify({ deviceId: 'dev-2', text: 'check in', sentAt: new Date().toISOString() });
    assert.equal(
      (await post(`${signed.url}/wake/dev-2`, body, { 'x-muster-signature': sign(body) })).status,
      202,
    );
    assert.equal((await post(`${signed.url}/wake`, body, { 'x-muster-signature': sign(body) })).status, 202);
    assert.deepEqual(wakes, [
      ['dev-2', 'webhook'],
      ['dev-2', 'webhook'],
    ]);
  });

  test('with a secret, wrong, missing or stale signatures are refused with 401', async () => {
    wakes.length = 0;
    const body = JSON.stringify({ deviceId: 'dev-3', text: 'x', sentAt: new Date().toISOString() });
    const wrong = await post(`${signed.url}/wake/dev-3`, body, { 'x-muster-signature': sign(`${body} `) });
    assert.equal(wrong.status, 401);
    assert.deepEqual(wrong.body, {
      error: { code: 'bad-signature', message: 'wake signature missing or wrong' },
    });
    assert.equal((await post(`${signed.url}/wake/dev-3`, body)).status, 401);
    assert.equal((await post(`${signed.url}/wake/dev-3`)).status, 401);
    const old = JSON.stringify({
      deviceId: 'dev-3',
      text: 'x',
      sentAt: new Date(Date.now() - 600_000).toISOString(),
    });
    const stale = await post(`${signed.url}/wake/dev-3`, old, { 'x-muster-signature': sign(old) });
    assert.equal(stale.status, 401);
    assert.equal((stale.body.error as { code: string }).code, 'stale');
    assert.deepEqual(wakes, []);
  });

  test('mismatched ids, unknown devices and other paths are refused', async () => {
    const body = JSON.stringify({ deviceId: 'dev-4', text: 'x', sentAt: new Date().toISOString() });
    assert.equal(
      (await post(`${signed.url}/wake/dev-5`, body, { 'x-muster-signature': sign(body) })).status,
      400,
    );
    assert.equal((await post(`${open.url}/wake/nobody`)).status, 404);
    assert.equal((await post(`${open.url}/wake`)).status, 400);
    assert.equal((await post(`${open.url}/other`)).status, 404);
    assert.equal((await post(`${open.url}/wake/dev-1`, '[1]')).status, 400);
    const get = await fetch(`${open.url}/wake/dev-1`);
    assert.equal(get.status, 405);
  });

  test('verifyWakeSignature matches the server provider format and nothing else', () => {
    const body = '{"deviceId":"d"}';
    assert.equal(verifyWakeSignature(secret, body, sign(body)), true);
    assert.equal(verifyWakeSignature(secret, Buffer.from(body), sign(body)), true);
    assert.equal(verifyWakeSignature(secret, body, sign(body).toUpperCase()), false);
    assert.equal(verifyWakeSignature(secret, body, sign(body).slice(7)), false);
    assert.equal(verifyWakeSignature('other', body, sign(body)), false);
    assert.equal(verifyWakeSignature(secret, body, undefined), false);
  });
});
