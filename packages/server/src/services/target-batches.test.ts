import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { MachineRecord } from '../store/machine-record';
import { findMachinesInChunks, TARGET_CHUNK } from './target-batches';

/** A reader that answers at once, as SQLite does, knowing the ids that do not start with "x". */
const reader = {
  findMachines: async (ids: readonly string[]) =>
    ids.filter((id) => !id.startsWith('x')).map((id) => ({ id, groupId: 'g.acme' }) as MachineRecord),
};

describe('findMachinesInChunks', () => {
  it('finds and misses ids in their order', async () => {
    const { found, missing } = await findMachinesInChunks(reader, ['a', 'x1', 'b', 'x2']);
    assert.deepEqual(
      found.map((m) => m.id),
      ['a', 'b'],
    );
    assert.deepEqual(missing, ['x1', 'x2']);
  });

  it('answers a single chunk without waiting a turn of the event loop', async () => {
    // A command to one machine: a turn is time on its way to the agent, for nothing.
    let turned = false;
    setImmediate(() => {
      turned = true;
    });
    await findMachinesInChunks(reader, ['a']);
    assert.equal(turned, false);
  });

  it('lets the event loop run between chunks', async () => {
    const ids = Array.from({ length: TARGET_CHUNK * 2 + 1 }, (_, i) => `m${i}`);
    const seen: string[] = [];
    const counting = {
      findMachines: async (chunk: readonly string[]) => {
        seen.push(`chunk of ${chunk.length}`);
        setImmediate(() => seen.push('other work'));
        return reader.findMachines(chunk);
      },
    };
    const { found } = await findMachinesInChunks(counting, ids);
    assert.equal(found.length, ids.length);
    assert.deepEqual(seen.slice(0, 5), [
      `chunk of ${TARGET_CHUNK}`,
      'other work',
      `chunk of ${TARGET_CHUNK}`,
      'other work',
      'chunk of 1',
    ]);
  });
});
