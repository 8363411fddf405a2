import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Bus, BusEvent } from '../bus/bus';
import { postgresBus } from '../bus/postgres.bus';
import type { CommandChange } from '../store/command-record';
import { createTestPostgresDatabase, type TestPostgresDatabase } from '../test-support/postgres';
import { EventHub, type StreamEvent } from './event-hub';

/** The change of one command, as a result makes it. */
function change(n: number): CommandChange {
  return {
    id: `c${n}`,
    targetKind: 'machine',
    targetId: `m${n}.lab.acme`,
    orgId: 'acme',
    type: 'audit',
    status: 'complete',
    at: 1_700_000_000_000 + n,
  };
}

// Two nodes on one PostgreSQL database, as two server processes: the changes one node
// publishes are counted as the other node's bus hands them over.
describe('command changes on the PostgreSQL bus', () => {
  let database: TestPostgresDatabase;
  const buses: Bus[] = [];
  const errors: unknown[] = [];
  before(async () => {
    database = await createTestPostgresDatabase();
    buses.push(await postgresBus(database.url, (e) => errors.push(e)));
    buses.push(await postgresBus(database.url, (e) => errors.push(e)));
  });
  after(async () => {
    for (const bus of buses) await bus.close();
    await database.drop();
  });

  it('results arriving together share publishes, and every change arrives once, in order', async () => {
    const [publisher, listener] = buses as [Bus, Bus];
    const hub = new EventHub(publisher);
    const published: Array<Extract<BusEvent, { type: 'command-changes' }>> = [];
    const unsubscribe = listener.subscribe((event) => {
      if (event.type === 'command-changes') published.push(event);
    });
    try {
      // 300 agents' results at once, each finished on its own (one change per call).
      const count = 300;
      await Promise.all(Array.from({ length: count }, (_, n) => hub.commandChanges([change(n)])));
      const deadline = Date.now() + 10_000;
      while (published.flatMap((e) => e.changes).length < count && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 20));
      const ids = published.flatMap((e) => e.changes.map((c) => c.id));
      assert.deepEqual(
        ids,
        Array.from({ length: count }, (_, n) => `c${n}`),
      );
      // One NOTIFY per result before; the first goes alone, the rest wait for it and go
      // together, split only by the payload limit (about 50 changes a NOTIFY).
      assert.ok(published.length <= 20, `${published.length} events for ${count} changes`);
      assert.deepEqual(errors, []);
    } finally {
      unsubscribe();
      await hub.stop();
    }
  });

  it('wake-ups go in the same publish as the changes before them, in order', async () => {
    const [bus, listener] = buses as [Bus, Bus];
    // The real bus, its publishes counted: each is one NOTIFY transaction.
    const publishes: BusEvent[][] = [];
    const publisher: Bus = {
      ...bus,
      publishAll: (events) => {
        publishes.push([...events]);
        return bus.publishAll(events);
      },
    };
    const hub = new EventHub(publisher);
    const heard: string[] = [];
    const unsubscribe = listener.subscribe((event) => {
      if (event.type === 'command-changes') heard.push(...event.changes.map((c) => c.id));
      if (event.type === 'commands-queued') heard.push(...event.machineIds.map((m) => `wake ${m}`));
    });
    const wake = (m: string): BusEvent => ({ type: 'commands-queued', machineIds: [m] });
    try {
      await hub.commandChanges([change(2000)], [wake('a')]);
      assert.equal(publishes.length, 1, 'one publish for a command and its wake-up');
      // While a publish runs, others wait and go together, each wake-up after its changes.
      await Promise.all([
        hub.commandChanges([change(2001)]),
        hub.commandChanges([change(2002)]),
        hub.commandChanges([change(2003)], [wake('b')]),
        hub.commandChanges([change(2004)]),
      ]);
      const deadline = Date.now() + 10_000;
      while (heard.length < 7 && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 10));
      assert.deepEqual(heard, ['c2000', 'wake a', 'c2001', 'c2002', 'c2003', 'wake b', 'c2004']);
      assert.equal(publishes.length, 3, 'the first call alone, then the rest together');
    } finally {
      unsubscribe();
      await hub.stop();
    }
  });

  it('changes go to the bus in the order they were made, however long the webhooks of the first take', async () => {
    const [publisher, listener] = buses as [Bus, Bus];
    let releaseLocal = () => {};
    const localHeld = new Promise<void>((resolve) => {
      releaseLocal = resolve;
    });
    // The first change's local work (webhook deliveries queued in the store) is slow.
    const hub = new EventHub(publisher, (changes) =>
      changes[0]?.id === 'c3000' ? localHeld : Promise.resolve(),
    );
    const heard: string[] = [];
    const unsubscribe = listener.subscribe((event) => {
      if (event.type === 'command-changes') heard.push(...event.changes.map((c) => c.id));
    });
    try {
      const first = hub.commandChanges([change(3000)]); // a claim's "processing"
      const second = hub.commandChanges([change(3001)]); // then, say, its result
      await second;
      releaseLocal();
      await first;
      const deadline = Date.now() + 10_000;
      while (heard.length < 2 && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 10));
      assert.deepEqual(heard, ['c3000', 'c3001']);
    } finally {
      unsubscribe();
      await hub.stop();
    }
  });

  it('a lone change is published at once', async () => {
    const [publisher, listener] = buses as [Bus, Bus];
    const hub = new EventHub(publisher);
    const seen: string[] = [];
    const unsubscribe = listener.subscribe((event) => {
      if (event.type === 'command-changes') seen.push(...event.changes.map((c) => c.id));
    });
    try {
      await hub.commandChanges([change(1000)]);
      const deadline = Date.now() + 10_000;
      while (seen.length === 0 && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 10));
      assert.deepEqual(seen, ['c1000']);
    } finally {
      unsubscribe();
      await hub.stop();
    }
  });
  it("a fan-out's queued commands reach every node's streams whole and in order, in few NOTIFYs", async () => {
    const [publisher, listener] = buses as [Bus, Bus];
    const publishing = new EventHub(publisher);
    const listening = new EventHub(listener);
    const streams: StreamEvent[][] = [[], []];
    const stop = [
      publishing.subscribe((e) => streams[0]?.push(e)),
      listening.subscribe((e) => streams[1]?.push(e)),
    ];
    let notifications = 0;
    const count = listener.subscribe(() => notifications++);
    try {
      // 1,000 devices' commands queued by one request, a result before and after them.
      const queued: CommandChange[] = Array.from({ length: 1000 }, (_, n) => ({
        id: `q${String(n).padStart(4, '0')}`,
        targetKind: 'device',
        targetId: `phone-${n}.phones.acme`,
        orgId: 'acme',
        type: 'sync',
        status: 'pending',
        at: 1_700_000_000_000,
      }));
      const changes = [change(1), ...queued, change(2)];
      await publishing.commandChanges(changes);
      const deadline = Date.now() + 10_000;
      while (streams.some((s) => s.length < changes.length) && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 20));
      for (const stream of streams) {
        assert.deepEqual(
          stream.map((e) =>
            e.type === 'command' ? [e.id, e.target, e.targetKind, e.commandType, e.status, e.at, e.orgId] : e,
          ),
          changes.map((c) => [
            c.id,
            c.targetId,
            c.targetKind,
            c.type,
            c.status,
            new Date(c.at).toISOString(),
            c.orgId,
          ]),
        );
      }
      // 40 NOTIFYs of 25 whole changes before; the shared fields written once, about 100 a NOTIFY.
      assert.ok(notifications <= 12, `${notifications} notifications for ${changes.length} changes`);
      assert.deepEqual(errors, []);
    } finally {
      for (const s of stop) s();
      count();
      await publishing.stop();
      await listening.stop();
    }
  });
});
