import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { heapCensus, perAgentGrowth } from './heap-census';

/** A snapshot as V8 writes one: fields per node, flat node array, string table. */
function snapshot(nodes: Array<[type: number, name: number, size: number]>) {
  return {
    snapshot: {
      meta: {
        node_fields: ['type', 'name', 'id', 'self_size', 'edge_count'],
        node_types: [['hidden', 'array', 'string', 'object', 'code', 'closure', 'native']] as [string[]],
      },
    },
    nodes: nodes.flatMap(([type, name, size], i) => [type, name, i + 1, size, 0]),
    strings: ['', 'TLSSocket', 'WebSocket', 'hello', 'system / JSArrayBufferData'],
  };
}

describe('heap census', () => {
  it('sums self sizes by constructor for objects and by type otherwise', () => {
    const census = heapCensus(
      snapshot([
        [3, 1, 500],
        [3, 1, 300],
        [3, 2, 200],
        [2, 3, 40],
        [2, 3, 24],
        [6, 4, 16384],
        [5, 0, 64],
      ]),
    );
    assert.deepEqual(Object.fromEntries(census), {
      'Object: TLSSocket': 800,
      'Object: WebSocket': 200,
      string: 64,
      'native: system / JSArrayBufferData': 16384,
      closure: 64,
    });
  });

  it('refuses a file that is not a heap snapshot', () => {
    const bad = snapshot([]);
    bad.snapshot.meta.node_fields = ['id'];
    assert.throws(() => heapCensus(bad), /not a V8 heap snapshot/);
  });

  it('gives the growth per agent added, largest first, counting what disappeared as negative', () => {
    const before = new Map([
      ['Object: TLSSocket', 1000],
      ['string', 500],
      ['code', 300],
    ]);
    const after = new Map([
      ['Object: TLSSocket', 11000],
      ['string', 2500],
      ['closure', 1000],
    ]);
    assert.deepEqual(perAgentGrowth(before, after, 10), [
      { category: 'Object: TLSSocket', bytesPerAgent: 1000 },
      { category: 'string', bytesPerAgent: 200 },
      { category: 'closure', bytesPerAgent: 100 },
      { category: 'code', bytesPerAgent: -30 },
    ]);
  });
});
