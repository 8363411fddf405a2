import assert from 'node:assert/strict';
import { connect, createServer, type Socket } from 'node:net';
import { it } from 'node:test';
import { createTestPostgresDatabase } from '../test-support/postgres';
import type { Bus, BusEvent } from './bus';
import { describeBusContract, until } from './bus.contract';
import { postgresBus } from './postgres.bus';

// Two nodes on one fresh database, as two server processes would be. Without a reachable
// PostgreSQL these tests fail with instructions; they never skip.
describeBusContract('postgres', async (onError) => {
  const database = await createTestPostgresDatabase();
  const nodes: Bus[] = [];
  const close = async () => {
    try {
      for (const node of nodes) await node.close();
    } finally {
      await database.drop();
    }
  };
  try {
    nodes.push(await postgresBus(database.url, onError));
    nodes.push(await postgresBus(database.url, onError));
    return { nodes, close };
  } catch (error) {
    await close();
    throw error;
  }
});

/**
 * A TCP relay to PostgreSQL that can hold what its clients send: while held, nothing a client
 * writes reaches the database (it is kept, in order, and sent on release).
 */
async function holdingRelay(target: URL): Promise<{
  url: string;
  hold(): void;
  release(): void;
  close(): Promise<void>;
}> {
  let held: Array<{ upstream: Socket; chunk: Buffer }> | null = null;
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(Number(target.port || 5432), target.hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => s.destroy());
      s.on('close', () => sockets.delete(s));
    }
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    client.on('data', (chunk: Buffer) => {
      if (held) held.push({ upstream, chunk });
      else upstream.write(chunk);
    });
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the relay has no port');
  const url = new URL(target);
  url.hostname = '127.0.0.1';
  url.port = String(address.port);
  return {
    url: url.toString(),
    hold: () => {
      held = [];
    },
    release: () => {
      const kept = held ?? [];
      held = null;
      for (const { upstream, chunk } of kept) upstream.write(chunk);
    },
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

it("a node's own subscribers hear what it publishes without waiting for PostgreSQL, and once", async () => {
  const database = await createTestPostgresDatabase();
  const relay = await holdingRelay(new URL(database.url));
  const errors: unknown[] = [];
  const buses: Bus[] = [];
  try {
    const node = await postgresBus(relay.url, (e) => errors.push(e));
    buses.push(node);
    const other = await postgresBus(database.url, (e) => errors.push(e));
    buses.push(other);
    const here: BusEvent[] = [];
    const there: BusEvent[] = [];
    node.subscribe((e) => here.push(e));
    other.subscribe((e) => there.push(e));
    const event: BusEvent = { type: 'commands-queued', machineIds: ['pc1.local.acme'] };

    // Tried: publishing while nothing the node sends can reach PostgreSQL. Its own subscriber
    // has the event on the next microtask; the other node cannot have it yet.
    relay.hold();
    const sent = node.publish(event);
    await Promise.resolve();
    assert.deepEqual(here, [event]);
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.deepEqual(there, []);

    relay.release();
    await sent;
    // The other node hears it through PostgreSQL, and its answer, sent after the NOTIFY's echo
    // came back to the first node, finds the event there once.
    await until('the other node has it', () => there.length === 1);
    await other.publish({ type: 'identity-changed' });
    await until('the answer is back', () => here.length === 2);
    assert.deepEqual(here, [event, { type: 'identity-changed' }]);
    assert.deepEqual(there, [event, { type: 'identity-changed' }]);
    assert.deepEqual(errors, []);
  } finally {
    for (const bus of buses) await bus.close();
    await relay.close();
    await database.drop();
  }
});
