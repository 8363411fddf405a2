import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { signWebhook, verifyWebhook } from './webhook-signature';

// Known answers computed outside this code base (`openssl dgst -sha256 -hmac <secret>` over
// "<timestamp>.<body>"), so the signature receivers check is pinned: a change here breaks
// every receiver already written against the documented scheme.

const SECRET = 'shared-secret-0123456789';
const TIMESTAMP = 1_900_000_000_000;
/** Non-ASCII text: the body is signed as the UTF-8 bytes sent, not as UTF-16 or re-escaped JSON. */
const BODY = '{"id":"d1","type":"command.status","data":{"name":"ü"}}';
const VECTORS: Array<{ what: string; body: string | Buffer; signature: string }> = [
  {
    what: 'a JSON body with non-ASCII text',
    body: BODY,
    signature: 'sha256=9e5e114eb660abc2e33bf02be8e69103ad1360866f5712100820f45efa9619c1',
  },
  {
    what: 'the same body as received bytes',
    body: Buffer.from(BODY, 'utf8'),
    signature: 'sha256=9e5e114eb660abc2e33bf02be8e69103ad1360866f5712100820f45efa9619c1',
  },
  {
    what: 'an empty body',
    body: '',
    signature: 'sha256=26d91837397a14521b1efdcaef35528147139471e7265231ceb808062a0b23b4',
  },
];

describe('webhook signature known answers', () => {
  it('signs each vector to its fixed value', () => {
    assert.equal(VECTORS.length, 3);
    for (const v of VECTORS) {
      assert.equal(signWebhook(SECRET, TIMESTAMP, v.body), v.signature, v.what);
      assert.equal(
        signWebhook(SECRET, String(TIMESTAMP), v.body),
        v.signature,
        `${v.what}, string timestamp`,
      );
    }
  });

  it('a receiver accepts each fixed signature', () => {
    for (const v of VECTORS) {
      assert.equal(
        verifyWebhook(SECRET, String(TIMESTAMP), v.body, v.signature, { now: TIMESTAMP }),
        true,
        v.what,
      );
    }
  });
});
