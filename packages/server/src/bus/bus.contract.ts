import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CommandChange } from '../store/command-record';
import {
  type Bus,
  type BusEvent,
  type CommandBatchEvent,
  MAX_BATCH_ITEMS_PER_EVENT,
  MAX_CHANGES_PER_EVENT,
  MAX_IDS_PER_EVENT,
  MAX_MACHINE_EVENTS_PER_EVENT,
} from './bus';
import type { MachineEvent, ReplicationEvent } from './live-events';

/** The nodes of one bus under test, and how to take them down. */
export interface BusWorld {
  /** One node for the in-process bus; several for a bus that spans processes. */
  nodes: Bus[];
  close(): Promise<void>;
}

/** Opens a fresh bus world; errors the buses report (a throwing subscriber) go to `onError`. */
export type OpenBusWorld = (onError: (error: unknown) => void) => Promise<BusWorld>;

/** The longest machine id the server accepts (200 characters), made unique by `n`. */
function longMachineId(n: number): string {
  const tail = `m${String(n).padStart(6, '0')}`;
  return `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(64 - tail.length)}${tail}`.padEnd(200, 'd');
}

function longChange(n: number): CommandChange {
  return {
    id: `0190c0de-0000-7000-8000-${String(n).padStart(12, '0')}`,
    targetKind: 'machine',
    targetId: longMachineId(n),
    orgId: 'o'.repeat(63),
    type: `t${'y'.repeat(63)}`,
    status: 'processing',
    at: 1_700_000_000_000 + n,
  };
}

/** A command-batch event of `count` changes with the longest ids and names. */
function longBatch(count: number): CommandBatchEvent {
  const changes = Array.from({ length: count }, (_, i) => longChange(i));
  return {
    type: 'command-batch',
    targetKind: 'machine',
    commandType: changes[0]?.type ?? 'audit',
    status: 'pending',
    at: 1_700_000_000_000,
    orgId: 'o'.repeat(63),
    ids: changes.map((c) => c.id),
    targetIds: changes.map((c) => c.targetId),
  };
}

/** A machine event as large as the server builds: longest id, user name and agent version. */
function longMachineEvent(n: number): MachineEvent {
  const at = new Date(1_700_000_000_000 + n).toISOString();
  return {
    type: 'machine',
    machineId: longMachineId(n),
    change: 'connected',
    status: 'user-logged-on',
    at,
    machine: {
      status: 'user-logged-on',
      online: true,
      temporary: false,
      bound: true,
      suspended: false,
      remoteControlEnabled: true,
      // Quotes are escaped in JSON: each takes two bytes on the wire.
      loggedOnUser: '"'.repeat(128),
      userIdleSeconds: 86_400,
      lastCheckinAt: at,
      firstCheckinAt: at,
      settingsApplied: false,
      pendingSettings: ['primary', 'secondary', 'periodSeconds', 'bindToServer', 'bandwidthKBps'],
      connectedFrom: 'ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255',
      agentVersion: 'é'.repeat(64),
    },
  };
}

/** A replication event as large as the server builds (its error cut as the hub cuts it). */
function longReplicationEvent(n: number): ReplicationEvent {
  const at = new Date(1_700_000_000_000 + n).toISOString();
  return {
    type: 'replication',
    localServerId: `l${String(n).padStart(63, '0')}`,
    machineId: longMachineId(n),
    at,
    localServer: {
      status: 'inactive',
      state: 'waiting-retry',
      lastContactAt: at,
      lastTransferAt: at,
      bytesRemaining: 2 ** 52,
      rateBytesPerSecond: 2 ** 40,
      etaSeconds: 12_345.678,
      nextRunAt: at,
      lastPass: {
        at: 1_700_000_000_000,
        complete: false,
        filesSent: 1e9,
        bytesSent: 2 ** 52,
        literalBytes: 2 ** 52,
        matchedBytes: 2 ** 52,
        resumedBytes: 2 ** 52,
        durationMs: 1e9,
      },
      // A control character is escaped to six bytes in JSON.
      error: '\u0001'.repeat(1000),
      reportedAt: at,
    },
  };
}

/** Every event a subscriber gets, in order. */
function recorder(bus: Bus): { events: BusEvent[]; stop: () => void } {
  const events: BusEvent[] = [];
  const stop = bus.subscribe((event) => events.push(event));
  return { events, stop };
}

/** Polls until `check` holds; the deadline only keeps a broken bus from hanging the run. */
export async function until(what: string, check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Runs `work` with a fresh world, closing it even when an assertion fails. */
async function withWorld(
  open: OpenBusWorld,
  work: (world: BusWorld, errors: unknown[]) => Promise<void>,
): Promise<void> {
  const errors: unknown[] = [];
  const world = await open((error) => errors.push(error));
  try {
    assert.ok(world.nodes.length > 0, 'a bus world has at least one node');
    await work(world, errors);
  } finally {
    await world.close();
  }
}

/**
 * The behaviour every bus implementation owes the server (one suite for the in-process and the
 * PostgreSQL bus): each event reaches every subscriber of every node once, unchanged and in the
 * order one node published it, however large the events callers build; publishing never runs
 * subscribers re-entrantly; and one failing subscriber costs the others nothing.
 */
export function describeBusContract(name: string, open: OpenBusWorld): void {
  describe(`bus contract: ${name}`, () => {
    it("delivers every kind of event unchanged to every node's subscribers, the publisher's own included", () =>
      withWorld(open, async ({ nodes }) => {
        const sent: BusEvent[] = [
          { type: 'identity-changed' },
          { type: 'machines-removed', machineIds: ['pc1.web.acme', 'pc2.web.acme'] },
          { type: 'machine-suspension', machineId: 'pc1.web.acme', suspended: true },
          { type: 'commands-queued', machineIds: ['pc3.web.acme'] },
          { type: 'command-changes', changes: [longChange(1)] },
          longBatch(2),
          { type: 'machine-events', events: [longMachineEvent(1)] },
          { type: 'replication-events', events: [longReplicationEvent(1)] },
        ];
        const seen = nodes.flatMap((node) => [recorder(node), recorder(node)]);
        for (const event of sent) await (nodes.at(-1) as Bus).publish(event);
        await until('every subscriber has every event', () =>
          seen.every((r) => r.events.length >= sent.length),
        );
        assert.equal(seen.length, nodes.length * 2);
        for (const r of seen) assert.deepEqual(r.events, sent);
      }));

    it('publishAll delivers many events, some split to fit, whole and in order to every node', () =>
      withWorld(open, async ({ nodes }) => {
        const seen = nodes.map(recorder);
        // More pieces than one PostgreSQL statement sends (1,000), the large ones split in two.
        const sent: BusEvent[] = Array.from({ length: 1100 }, (_, i) =>
          i % 100 === 0
            ? {
                type: 'commands-queued',
                machineIds: Array.from({ length: MAX_IDS_PER_EVENT }, (_, j) => longMachineId(i + j)),
              }
            : { type: 'commands-queued', machineIds: [`pa${i}.web.acme`] },
        );
        await (nodes.at(-1) as Bus).publishAll(sent);
        await (nodes.at(-1) as Bus).publishAll([]);
        const ids = sent.flatMap((e) => (e.type === 'commands-queued' ? e.machineIds : []));
        await until('every node has every id', () =>
          seen.every(
            (r) =>
              r.events.flatMap((e) => (e.type === 'commands-queued' ? e.machineIds : [])).length >=
              ids.length,
          ),
        );
        for (const r of seen) {
          assert.deepEqual(
            r.events.flatMap((e) => (e.type === 'commands-queued' ? e.machineIds : [])),
            ids,
          );
        }
      }));

    it('publish returns before any subscriber runs', () =>
      withWorld(open, async ({ nodes }) => {
        let publishing = false;
        const ranDuringPublish: boolean[] = [];
        for (const node of nodes) node.subscribe(() => ranDuringPublish.push(publishing));
        publishing = true;
        const sent = (nodes[0] as Bus).publish({ type: 'identity-changed' });
        publishing = false;
        await sent;
        await until('delivered', () => ranDuringPublish.length === nodes.length);
        assert.deepEqual(
          ranDuringPublish,
          nodes.map(() => false),
        );
      }));

    it('events one node publishes arrive at every node in the order published', () =>
      withWorld(open, async ({ nodes }) => {
        const seen = nodes.map(recorder);
        const ids = Array.from({ length: 60 }, (_, i) => `pc${i}.order.acme`);
        // Not awaited one by one: the order must hold for publishes in flight together too.
        await Promise.all(
          ids.map((id) => (nodes[0] as Bus).publish({ type: 'commands-queued', machineIds: [id] })),
        );
        await until('all arrived', () => seen.every((r) => r.events.length >= ids.length));
        for (const r of seen) {
          assert.deepEqual(
            r.events.flatMap((e) => (e.type === 'commands-queued' ? e.machineIds : [])),
            ids,
          );
        }
      }));

    it('the largest events callers build arrive whole: the longest machine ids, command changes, machine and replication events', () =>
      withWorld(open, async ({ nodes }) => {
        const seen = nodes.map(recorder);
        const ids = Array.from({ length: MAX_IDS_PER_EVENT }, (_, i) => longMachineId(i));
        const changes = Array.from({ length: MAX_CHANGES_PER_EVENT }, (_, i) => longChange(i));
        const machineEvents = Array.from({ length: MAX_MACHINE_EVENTS_PER_EVENT }, (_, i) =>
          longMachineEvent(i),
        );
        const replicationEvents = [longReplicationEvent(1), longReplicationEvent(2)];
        assert.equal(ids[0]?.length, 200);
        const publisher = nodes.at(-1) as Bus;
        await publisher.publish({ type: 'commands-queued', machineIds: ids });
        await publisher.publish({ type: 'machines-removed', machineIds: ids });
        await publisher.publish({ type: 'command-changes', changes });
        const batch = longBatch(MAX_BATCH_ITEMS_PER_EVENT);
        await publisher.publish(batch);
        await publisher.publish({ type: 'machine-events', events: machineEvents });
        await publisher.publish({ type: 'replication-events', events: replicationEvents });
        await publisher.publish({ type: 'identity-changed' }); // marks the end
        await until('the end marker', () => seen.every((r) => r.events.at(-1)?.type === 'identity-changed'));
        for (const r of seen) {
          // A bus may split an event it cannot carry in one piece, never drop or reorder items.
          assert.deepEqual(
            r.events.flatMap((e) => (e.type === 'commands-queued' ? e.machineIds : [])),
            ids,
          );
          assert.deepEqual(
            r.events.flatMap((e) => (e.type === 'machines-removed' ? e.machineIds : [])),
            ids,
          );
          assert.deepEqual(
            r.events.flatMap((e) => (e.type === 'command-changes' ? e.changes : [])),
            changes,
          );
          // A batch split to fit keeps its shared fields in every piece, and each id with its target.
          const pieces = r.events.filter((e): e is CommandBatchEvent => e.type === 'command-batch');
          assert.deepEqual(
            pieces.flatMap((e) => e.ids),
            batch.ids,
          );
          assert.deepEqual(
            pieces.flatMap((e) => e.targetIds),
            batch.targetIds,
          );
          for (const piece of pieces) {
            assert.deepEqual({ ...piece, ids: [], targetIds: [] }, { ...batch, ids: [], targetIds: [] });
            assert.equal(piece.ids.length, piece.targetIds.length);
          }
          assert.deepEqual(
            r.events.flatMap((e) => (e.type === 'machine-events' ? e.events : [])),
            machineEvents,
          );
          assert.deepEqual(
            r.events.flatMap((e) => (e.type === 'replication-events' ? e.events : [])),
            replicationEvents,
          );
        }
      }));

    it("each event reaches each subscriber once, the publisher's own too", () =>
      withWorld(open, async ({ nodes }) => {
        const seen = nodes.map(recorder);
        const first = nodes[0] as Bus;
        const last = nodes.at(-1) as Bus;
        await first.publish({ type: 'commands-queued', machineIds: ['pc1.once.acme'] });
        await first.publishAll([
          { type: 'commands-queued', machineIds: ['pc2.once.acme'] },
          { type: 'identity-changed' },
        ]);
        // Sent after the others were on the bus: a node that hears it from another node has
        // heard every copy of the first node's events the bus would give it (on PostgreSQL the
        // first node's own NOTIFYs too, which it must not deliver a second time).
        await last.publish({ type: 'machines-removed', machineIds: ['marker.once.acme'] });
        await until('every event everywhere', () =>
          seen.every(
            (r) =>
              r.events.some((e) => e.type === 'machines-removed') &&
              r.events.some((e) => e.type === 'identity-changed'),
          ),
        );
        for (const r of seen) {
          const ids = r.events.flatMap((e) => (e.type === 'commands-queued' ? e.machineIds : []));
          assert.deepEqual(ids, ['pc1.once.acme', 'pc2.once.acme']);
          assert.equal(r.events.filter((e) => e.type === 'identity-changed').length, 1);
        }
      }));

    it('an unsubscribed handler gets nothing more; the other subscribers still get everything', () =>
      withWorld(open, async ({ nodes }) => {
        const gone = nodes.map(recorder);
        const staying = nodes.map(recorder);
        for (const r of gone) r.stop();
        await (nodes[0] as Bus).publish({ type: 'commands-queued', machineIds: ['pc1.web.acme'] });
        await (nodes[0] as Bus).publish({ type: 'identity-changed' });
        // Each node hands an event to its subscribers before the next one, so once the second
        // event is in, the first was handed out already.
        await until('the second event', () => staying.every((r) => r.events.length === 2));
        assert.deepEqual(
          gone.map((r) => r.events),
          nodes.map(() => []),
        );
      }));

    it('a subscriber that throws is reported and the others still get every event', () =>
      withWorld(open, async ({ nodes }, errors) => {
        for (const node of nodes)
          node.subscribe(() => {
            throw new Error('subscriber failed');
          });
        const seen = nodes.map(recorder);
        await (nodes[0] as Bus).publish({ type: 'identity-changed' });
        await (nodes[0] as Bus).publish({ type: 'commands-queued', machineIds: ['pc1.web.acme'] });
        await until('both events everywhere', () => seen.every((r) => r.events.length === 2));
        await until('every failure reported', () => errors.length === nodes.length * 2);
        assert.ok(errors.every((e) => e instanceof Error && e.message === 'subscriber failed'));
      }));
  });
}
