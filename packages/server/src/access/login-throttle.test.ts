import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TestClock } from './access-test-kit';
import { LoginThrottle } from './login-throttle';

describe('LoginThrottle', () => {
  it('refuses a user name after its failures, from any address, until the window moves on', () => {
    const clock = new TestClock(0);
    const t = new LoginThrottle(clock.fn, { perUser: 3, perAddress: 100, windowMs: 60_000 });
    for (let i = 0; i < 3; i++) {
      assert.deepEqual(t.check('Alice', `10.0.0.${i}`), { allowed: true });
      t.recordFailure('Alice', `10.0.0.${i}`);
      clock.advance(1_000);
    }
    assert.deepEqual(t.check('alice', '10.0.0.9'), { allowed: false, retryAfterMs: 57_000 });
    assert.deepEqual(t.check('bob', '10.0.0.9'), { allowed: true });
    clock.advance(57_000);
    assert.deepEqual(t.check('alice', '10.0.0.9'), { allowed: true });
  });

  it('refuses an address guessing many names; a success clears the user, not the address', () => {
    const clock = new TestClock(0);
    const t = new LoginThrottle(clock.fn, { perUser: 2, perAddress: 3, windowMs: 60_000 });
    for (const name of ['a', 'b', 'c']) t.recordFailure(name, '192.0.2.1');
    assert.equal(t.check('d', '192.0.2.1').allowed, false);
    assert.equal(t.check('d', '192.0.2.2').allowed, true);
    t.recordFailure('e', '192.0.2.3');
    t.recordFailure('e', '192.0.2.4');
    assert.equal(t.check('e', '192.0.2.5').allowed, false);
    t.recordSuccess('E');
    assert.equal(t.check('e', '192.0.2.5').allowed, true);
    assert.equal(t.check('x', '192.0.2.1').allowed, false);
  });
});
