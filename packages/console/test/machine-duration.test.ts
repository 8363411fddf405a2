import assert from 'node:assert/strict';
import { it } from 'node:test';
import { formatDuration } from '../src/pages/machine/duration';

it('shows a connection’s duration in the two largest units that say it', () => {
  assert.equal(formatDuration(0), '0 s');
  assert.equal(formatDuration(59), '59 s');
  assert.equal(formatDuration(60), '1 min 0 s');
  assert.equal(formatDuration(3599), '59 min 59 s');
  assert.equal(formatDuration(3600 * 2 + 5 * 60 + 7), '2 h 5 min');
  assert.equal(formatDuration(3600 * 47 + 60 * 59), '47 h 59 min');
  assert.equal(formatDuration(3600 * 49), '2 d 1 h');
});
