import { readFileSync } from 'node:fs';

/** Bytes of a V8 heap snapshot by what holds them: a constructor's objects, or a kind of node. */
export type HeapCensus = Map<string, number>;

/** The part of a `.heapsnapshot` file this census reads. */
interface HeapSnapshotFile {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
}

/**
 * Sums the self size of every node of a heap snapshot by category: objects by their constructor
 * ("Object: TLSSocket"), every other kind by its type ("string", "code", "closure", "native: …"
 * for buffers' backing stores and other memory V8 reports outside its heap objects).
 */
export function heapCensus(snapshot: HeapSnapshotFile): HeapCensus {
  const fields = snapshot.snapshot.meta.node_fields;
  const types = snapshot.snapshot.meta.node_types[0];
  const stride = fields.length;
  const typeAt = fields.indexOf('type');
  const nameAt = fields.indexOf('name');
  const sizeAt = fields.indexOf('self_size');
  if (typeAt < 0 || nameAt < 0 || sizeAt < 0) throw new Error('not a V8 heap snapshot (node fields missing)');
  const census: HeapCensus = new Map();
  const nodes = snapshot.nodes;
  for (let i = 0; i < nodes.length; i += stride) {
    const type = types[nodes[i + typeAt] as number] ?? 'unknown';
    const name = snapshot.strings[nodes[i + nameAt] as number] ?? '';
    const key = type === 'object' ? `Object: ${name}` : type === 'native' ? `native: ${name}` : type;
    census.set(key, (census.get(key) ?? 0) + (nodes[i + sizeAt] as number));
  }
  return census;
}

/** Reads a `.heapsnapshot` file and takes its census. */
export function heapCensusOfFile(file: string): HeapCensus {
  return heapCensus(JSON.parse(readFileSync(file, 'utf8')) as HeapSnapshotFile);
}

/** What each category grew by from `before` to `after`, per agent added, largest first. */
export function perAgentGrowth(
  before: HeapCensus,
  after: HeapCensus,
  agentsAdded: number,
): Array<{ category: string; bytesPerAgent: number }> {
  const keys = new Set([...before.keys(), ...after.keys()]);
  return [...keys]
    .map((category) => ({
      category,
      bytesPerAgent: ((after.get(category) ?? 0) - (before.get(category) ?? 0)) / agentsAdded,
    }))
    .sort((a, b) => b.bytesPerAgent - a.bytesPerAgent);
}
