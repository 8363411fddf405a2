import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import { WEBHOOK_RETRY_CAP_MS, webhookRetryDelayMs } from './webhook-backoff';
import { signWebhook, verifyWebhook } from './webhook-signature';

const SECRET = 'shared-secret-0123456789';
const BODY = '{"id":"d1","type":"command.status"}';
const NOW = 1_900_000_000_000;

describe('webhook signature', () => {
  it('is the hex HMAC-SHA256 of "<timestamp>.<body>"', () => {
    const expected = createHmac('sha256', SECRET).update(`${NOW}.${BODY}`).digest('hex');
    assert.equal(signWebhook(SECRET, NOW, BODY), `sha256=${expected}`);
    assert.equal(signWebhook(SECRET, String(NOW), Buffer.from(BODY)), `sha256=${expected}`);
  });

  it('verifies a fresh, untampered request only', () => {
    const ts = String(NOW);
    const signature = signWebhook(SECRET, ts, BODY);
    assert.equal(verifyWebhook(SECRET, ts, BODY, signature, { now: NOW + 1000 }), true);
    assert.equal(verifyWebhook(SECRET, ts, Buffer.from(BODY), signature, { now: NOW }), true);
    assert.equal(verifyWebhook('another-secret-0123456', ts, BODY, signature, { now: NOW }), false);
    assert.equal(verifyWebhook(SECRET, ts, `${BODY} `, signature, { now: NOW }), false, 'body changed');
    assert.equal(
      verifyWebhook(SECRET, String(NOW + 1), BODY, signature, { now: NOW }),
      false,
      'timestamp changed',
    );
    assert.equal(verifyWebhook(SECRET, ts, BODY, signature.slice(0, -1), { now: NOW }), false);
    assert.equal(verifyWebhook(SECRET, ts, BODY, undefined, { now: NOW }), false);
    assert.equal(verifyWebhook(SECRET, undefined, BODY, signature, { now: NOW }), false);
    assert.equal(verifyWebhook(SECRET, '1e12', BODY, signWebhook(SECRET, '1e12', BODY)), false);
  });

  it('rejects a timestamp outside the tolerance, unless the check is off', () => {
    const ts = String(NOW);
    const signature = signWebhook(SECRET, ts, BODY);
    assert.equal(verifyWebhook(SECRET, ts, BODY, signature, { now: NOW + 5 * 60_000 + 1 }), false);
    assert.equal(verifyWebhook(SECRET, ts, BODY, signature, { now: NOW - 5 * 60_000 - 1 }), false);
    assert.equal(verifyWebhook(SECRET, ts, BODY, signature, { now: NOW + 60_000, toleranceMs: 1000 }), false);
    assert.equal(
      verifyWebhook(SECRET, ts, BODY, signature, { now: NOW + 86400_000, toleranceMs: Infinity }),
      true,
    );
  });
});

describe('webhook retry backoff', () => {
  it('waits a random time up to base * 2^(attempt-1), capped at ten minutes', () => {
    assert.equal(
      webhookRetryDelayMs(1, 1000, undefined, () => 0.999999),
      999,
    );
    assert.equal(
      webhookRetryDelayMs(3, 1000, undefined, () => 0.5),
      2000,
    );
    assert.equal(
      webhookRetryDelayMs(8, 1000, undefined, () => 0),
      0,
    );
    assert.equal(
      webhookRetryDelayMs(50, 1000, undefined, () => 0.999999),
      WEBHOOK_RETRY_CAP_MS - 1,
    );
    for (let attempt = 1; attempt < 40; attempt++) {
      const delay = webhookRetryDelayMs(attempt, 1000);
      assert.ok(delay >= 0 && delay < Math.min(WEBHOOK_RETRY_CAP_MS, 1000 * 2 ** (attempt - 1)));
    }
  });
});
