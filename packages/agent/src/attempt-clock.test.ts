import assert from 'node:assert/strict';
import { it } from 'node:test';
import { nextAttemptAt } from './attempt-clock';

it('gives strictly later stamps, even when the clock stands still or goes back', () => {
  const first = nextAttemptAt(5_000_000);
  assert.equal(first >= 5_000_000, true);
  const same = nextAttemptAt(5_000_000);
  const back = nextAttemptAt(4_000_000);
  assert.deepEqual([same - first, back - same], [1, 1]);
  assert.equal(nextAttemptAt(9_000_000), 9_000_000, 'the clock again once it is ahead');
});
