import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { newId } from './secrets';

describe('newId', () => {
  it('gives 128-bit hex ids that do not repeat across many refills of its pool', () => {
    // 10,000 ids: about 40 refills of the 256-id pool, so a refill that reused bytes shows.
    const ids = Array.from({ length: 10_000 }, () => newId());
    for (const id of ids.slice(0, 300)) assert.match(id, /^[0-9a-f]{32}$/);
    assert.equal(new Set(ids).size, ids.length);
    // Every hex digit turns up in every position: the bytes are not a counter or zeros.
    for (let position = 0; position < 32; position += 7) {
      assert.equal(new Set(ids.map((id) => id[position])).size, 16, `position ${position}`);
    }
  });
});
