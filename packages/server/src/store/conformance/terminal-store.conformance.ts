import assert from 'node:assert/strict';
import { it } from 'node:test';
import { compileScope, EVERYTHING, type ScopeFilter } from '../../access/scope';
import { MusterError } from '../../domain/errors';
import type { NewTerminalSession, TerminalSessionRecord, TerminalSessionStore } from '../terminal-record';
import { account, T0 } from './conformance-fixtures';
import type { StoreRef } from './store-conformance';

/** A session of a machine (`name.group`) opened at T0 + `at`. */
function session(
  id: string,
  machineId: string,
  at = 0,
  fields: Partial<NewTerminalSession> = {},
): NewTerminalSession {
  return {
    id,
    machineId,
    groupId: machineId.slice(machineId.indexOf('.') + 1),
    userId: 'u-ann',
    username: 'ann',
    nodeId: 'node-a',
    agentNodeId: 'node-b',
    startedAt: T0 + at,
    cols: 120,
    rows: 40,
    recordInput: true,
    ...fields,
  };
}

/** Every byte value, then a seed-dependent run: recordings are bytes, never text. */
const chunk = (seed: number, n = 300) =>
  Buffer.concat([Buffer.from(Array.from({ length: 256 }, (_, i) => i)), Buffer.alloc(n, seed)]);

async function readAll(store: TerminalSessionStore, id: string): Promise<Buffer[]> {
  const out: Buffer[] = [];
  for await (const piece of store.readRecording(id)) out.push(piece);
  return out;
}

async function refusal(promise: Promise<unknown>): Promise<MusterError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof MusterError) return error;
    throw error;
  }
  assert.fail('expected a refusal');
}

/** Conformance tests of TerminalSessionStore: sessions, ends and recordings. */
export function terminalSessionTests(store: StoreRef): void {
  it('creates a live session, ends it once only, and refuses a second session of the same id', async () => {
    const sessions = store().terminalSessions;
    const created = await sessions.create(
      session('t1', 'pc1.web.acme', 0, { agentNodeId: null, recordInput: false }),
    );
    const expected: TerminalSessionRecord = {
      id: 't1',
      machineId: 'pc1.web.acme',
      groupId: 'web.acme',
      userId: 'u-ann',
      username: 'ann',
      nodeId: 'node-a',
      agentNodeId: null,
      startedAt: T0,
      cols: 120,
      rows: 40,
      recordInput: false,
      endedAt: null,
      endReason: null,
      endedBy: null,
      bytesIn: 0,
      bytesOut: 0,
      recordingChunks: 0,
      recordingBytes: 0,
    };
    assert.deepEqual(created, expected);
    assert.deepEqual(await sessions.get('t1'), expected);
    assert.equal((await refusal(sessions.create(session('t1', 'pc2.web.acme')))).code, 'conflict');
    assert.equal((await sessions.get('t1'))?.machineId, 'pc1.web.acme', 'the first session is kept');

    const end = {
      endedAt: T0 + 5000,
      endReason: 'ended-by-admin',
      endedBy: 'bob',
      bytesIn: 12,
      bytesOut: 3_000_000_000,
    };
    assert.equal(await sessions.finish('t1', end), true);
    assert.equal(
      await sessions.finish('t1', {
        endedAt: T0 + 9000,
        endReason: 'exit',
        endedBy: null,
        bytesIn: 1,
        bytesOut: 1,
      }),
      false,
      'a second end',
    );
    assert.deepEqual(
      await sessions.get('t1'),
      { ...expected, ...end },
      'the first end stands, counts past 2^31 kept',
    );
    assert.equal(await sessions.finish('nope', end), false, 'an unknown session');
    assert.equal(await sessions.get('nope'), null);
  });

  it('appends recording chunks in order only and reads them back byte for byte', async () => {
    const sessions = store().terminalSessions;
    await sessions.create(session('r1', 'pc1.web.acme'));
    const pieces = Array.from({ length: 40 }, (_, i) => chunk(i, i * 97));
    await sessions.appendRecording('r1', 0, pieces[0] as Buffer);
    await sessions.appendRecording('r1', 1, pieces[1] as Buffer, { bytesIn: 7, bytesOut: 900 });

    const repeat = await refusal(sessions.appendRecording('r1', 1, pieces[1] as Buffer));
    assert.equal(repeat.code, 'conflict');
    assert.match(repeat.message, /chunk 1 of terminal session r1 was stored already: the next chunk is 2/);
    assert.deepEqual(repeat.details, { expected: 2, got: 1 });
    const gap = await refusal(sessions.appendRecording('r1', 5, pieces[5] as Buffer));
    assert.equal(gap.code, 'conflict');
    assert.match(gap.message, /chunk 5 of terminal session r1 would leave a gap: the next chunk is 2/);
    assert.deepEqual(gap.details, { expected: 2, got: 5 });
    assert.equal((await refusal(sessions.appendRecording('nope', 0, pieces[0] as Buffer))).code, 'not-found');
    assert.equal((await refusal(sessions.appendRecording('r1', 2, Buffer.alloc(0)))).code, 'invalid-input');
    assert.equal((await refusal(sessions.appendRecording('r1', -1, Buffer.from('x')))).code, 'invalid-input');
    assert.equal(
      (await refusal(sessions.appendRecording('r1', 2, Buffer.alloc(1024 * 1024 + 1)))).code,
      'invalid-input',
      'over 1 MiB',
    );
    const mid = await sessions.get('r1');
    assert.deepEqual(
      [mid?.recordingChunks, mid?.bytesIn, mid?.bytesOut],
      [2, 7, 900],
      'nothing refused was kept',
    );

    for (let seq = 2; seq < pieces.length; seq++)
      await sessions.appendRecording('r1', seq, pieces[seq] as Buffer);
    const read = await readAll(sessions, 'r1');
    assert.equal(read.length, 40, 'more chunks than one read takes');
    assert.deepEqual(Buffer.concat(read), Buffer.concat(pieces));
    const total = pieces.reduce((sum, p) => sum + p.length, 0);
    const stored = await sessions.get('r1');
    assert.deepEqual([stored?.recordingChunks, stored?.recordingBytes], [40, total]);
    assert.deepEqual(await readAll(sessions, 'nope'), [], 'an unknown session has no recording');

    await sessions.finish('r1', {
      endedAt: T0 + 1,
      endReason: 'exit',
      endedBy: null,
      bytesIn: 8,
      bytesOut: 901,
    });
    const ended = await refusal(sessions.appendRecording('r1', 40, Buffer.from('late')));
    assert.equal(ended.code, 'invalid-state');
    assert.match(ended.message, /has ended/);
    assert.equal((await readAll(sessions, 'r1')).length, 40);
  });

  it('stores one of two appends of the same chunk made at once, and refuses the other as stored', async () => {
    const sessions = store().terminalSessions;
    await sessions.create(session('race', 'pc1.web.acme'));
    await sessions.appendRecording('race', 0, chunk(0, 10));
    const first = chunk(1, 20);
    const second = chunk(2, 30);
    const outcomes = await Promise.allSettled([
      sessions.appendRecording('race', 1, first, { bytesIn: 1, bytesOut: 100 }),
      sessions.appendRecording('race', 1, second, { bytesIn: 2, bytesOut: 200 }),
    ]);
    const stored = outcomes.filter((o) => o.status === 'fulfilled');
    const refused = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason as MusterError] : []));
    assert.equal(stored.length, 1, JSON.stringify(outcomes));
    assert.deepEqual([refused[0]?.code, refused[0]?.details], ['conflict', { expected: 2, got: 1 }]);
    const won = outcomes[0]?.status === 'fulfilled' ? first : second;
    assert.deepEqual(Buffer.concat(await readAll(sessions, 'race')), Buffer.concat([chunk(0, 10), won]));
    const record = await sessions.get('race');
    assert.deepEqual(
      [record?.recordingChunks, record?.recordingBytes, record?.bytesOut],
      [2, chunk(0, 10).length + won.length, won === first ? 100 : 200],
      'the counts of the append that was stored',
    );
  });

  it("ends the sessions a node left open in its last run, and no other node's", async () => {
    const sessions = store().terminalSessions;
    await sessions.create(session('o1', 'pc1.web.acme', 1, { nodeId: 'node-x' }));
    await sessions.create(session('o2', 'pc2.web.acme', 2, { nodeId: 'node-x', agentNodeId: 'node-y' }));
    await sessions.create(session('o3', 'pc3.web.acme', 3, { nodeId: 'node-y', agentNodeId: 'node-x' }));
    await sessions.create(session('o4', 'pc4.web.acme', 4, { nodeId: 'node-x' }));
    await sessions.appendRecording('o2', 0, Buffer.from('{"version":2}\n'), { bytesIn: 4, bytesOut: 40 });
    await sessions.finish('o4', {
      endedAt: T0 + 50,
      endReason: 'exit',
      endedBy: null,
      bytesIn: 1,
      bytesOut: 2,
    });

    const ended = await sessions.endOrphans('node-x', T0 + 100, 'node-restarted');
    assert.deepEqual(ended.map((x) => x.id).sort(), ['o1', 'o2']);
    for (const x of ended)
      assert.deepEqual([x.endedAt, x.endReason, x.endedBy], [T0 + 100, 'node-restarted', null]);
    const o2 = await sessions.get('o2');
    assert.deepEqual(
      [o2?.endedAt, o2?.endReason, o2?.bytesIn, o2?.bytesOut],
      [T0 + 100, 'node-restarted', 4, 40],
      'ended with the counts of its last stored chunk',
    );
    assert.equal(
      (await sessions.get('o3'))?.endedAt,
      null,
      "another node's session, though its agent was on node-x",
    );
    assert.deepEqual([(await sessions.get('o4'))?.endReason], ['exit'], 'an ended session keeps its end');
    assert.deepEqual(await sessions.endOrphans('node-x', T0 + 200, 'node-restarted'), [], 'nothing left');
  });

  it("ends a lost node's sessions once when several nodes sweep at the same time", async () => {
    const sessions = store().terminalSessions;
    const ids = Array.from({ length: 30 }, (_, i) => `lost${i}`);
    for (const [i, id] of ids.entries())
      await sessions.create(session(id, `pc${i}.web.acme`, i, { nodeId: 'node-gone' }));
    const sweeps = await Promise.all(
      [1, 2, 3].map((n) => sessions.endOrphans('node-gone', T0 + 100 + n, 'node-lost')),
    );
    const ended = sweeps.flat();
    assert.deepEqual(ended.map((x) => x.id).sort(), [...ids].sort(), 'each session returned by one sweep');
    for (const x of ended) {
      assert.equal(x.endReason, 'node-lost');
      assert.deepEqual((await sessions.get(x.id))?.endedAt, x.endedAt, 'returned as stored');
    }
  });
}

/** Conformance tests of TerminalSessionStore.list (its own store: it sees every session). */
export function terminalSessionListTests(store: StoreRef): void {
  it('lists sessions newest first, in scope, by machine and by liveness, page by page', async () => {
    const s = store();
    const sessions = s.terminalSessions;
    // Two sessions start in the same millisecond: the id breaks the tie, so pages never skip one.
    const opened: Array<[string, string, number]> = [
      ['l1', 'pc1.web.acme', 10],
      ['l2', 'pc2.lab.acme', 20],
      ['l3', 'pc1.web.acme', 30],
      ['l4', 'gw.edge.globex', 30],
      ['l5', 'pc9.web.acme', 40],
      ['l6', 'pc1.web.acme', 50],
    ];
    for (const [id, machine, at] of opened) await sessions.create(session(id, machine, at));
    await sessions.finish('l1', {
      endedAt: T0 + 60,
      endReason: 'exit',
      endedBy: null,
      bytesIn: 0,
      bytesOut: 0,
    });
    await sessions.finish('l4', {
      endedAt: T0 + 60,
      endReason: 'idle',
      endedBy: null,
      bytesIn: 0,
      bytesOut: 0,
    });

    const ids = async (query: Partial<Parameters<TerminalSessionStore['list']>[0]>) =>
      (await sessions.list({ scope: EVERYTHING, limit: 100, ...query })).sessions.map((x) => x.id);
    assert.deepEqual(await ids({}), ['l6', 'l5', 'l4', 'l3', 'l2', 'l1']);
    assert.deepEqual(await ids({ machineId: 'pc1.web.acme' }), ['l6', 'l3', 'l1']);
    assert.deepEqual(await ids({ live: true }), ['l6', 'l5', 'l3', 'l2']);
    assert.deepEqual(await ids({ live: false }), ['l4', 'l1']);
    assert.deepEqual(await ids({ live: true, machineId: 'pc1.web.acme' }), ['l6', 'l3']);

    const webButPc9: ScopeFilter = {
      all: false,
      scopes: [
        compileScope([
          { kind: 'group', id: 'web.acme', include: true },
          { kind: 'machine', id: 'pc9.web.acme', include: false },
          { kind: 'machine', id: 'gw.edge.globex', include: true },
        ]),
      ],
    };
    assert.deepEqual(await ids({ scope: webButPc9 }), ['l6', 'l4', 'l3', 'l1']);
    assert.deepEqual(await ids({ scope: { all: false, scopes: [] } }), [], 'no scope, no sessions');
    assert.equal(await sessions.get('l5', webButPc9), null, 'out of scope reads as absent');
    assert.equal((await sessions.get('l6', webButPc9))?.id, 'l6');

    const seen: string[] = [];
    let page = await sessions.list({ scope: EVERYTHING, limit: 2 });
    for (;;) {
      seen.push(...page.sessions.map((x) => x.id));
      if (!page.next) break;
      assert.equal(page.next.key, page.sessions.at(-1)?.startedAt, 'the position of the last session');
      page = await sessions.list({ scope: EVERYTHING, limit: 2, after: page.next });
    }
    assert.deepEqual(seen, ['l6', 'l5', 'l4', 'l3', 'l2', 'l1'], 'every session once, across the tie');
    const exact = await sessions.list({ scope: EVERYTHING, limit: 6 });
    assert.equal(exact.next, null, 'a page that ends the list has no next');
  });
}

/** Conformance tests of TerminalSessionStore.purgeEndedBefore (its own store: it purges every session). */
export function terminalSessionPurgeTests(store: StoreRef): void {
  it('purges sessions ended before a time with their recordings, oldest first, never a live one', async () => {
    const sessions = store().terminalSessions;
    const ends: Array<[string, number | null]> = [
      ['p1', 100],
      ['p2', 300],
      ['p3', 200],
      ['p4', null],
      ['p5', 900],
    ];
    for (const [id, endedAt] of ends) {
      await sessions.create(session(id, 'pc1.web.acme', 0));
      await sessions.appendRecording(id, 0, chunk(1));
      await sessions.appendRecording(id, 1, chunk(2));
      if (endedAt !== null)
        await sessions.finish(id, {
          endedAt: T0 + endedAt,
          endReason: 'exit',
          endedBy: null,
          bytesIn: 0,
          bytesOut: 0,
        });
    }
    assert.equal(await sessions.purgeEndedBefore(T0 + 500, 2), 2, 'at most the limit');
    assert.equal(await sessions.get('p1'), null, 'the oldest first');
    assert.equal(await sessions.get('p3'), null);
    assert.deepEqual(await readAll(sessions, 'p1'), [], 'with its recording');
    assert.ok(await sessions.get('p2'));
    assert.equal(await sessions.purgeEndedBefore(T0 + 500, 10), 1);
    assert.equal(await sessions.get('p2'), null);
    assert.equal(await sessions.purgeEndedBefore(T0 + 500, 10), 0);
    assert.equal(await sessions.purgeEndedBefore(T0 + 10_000_000, 10), 1, 'p5 only: p4 is live');
    assert.ok(await sessions.get('p4'));
    assert.equal((await readAll(sessions, 'p4')).length, 2, "a live session's recording is untouched");
  });
}

/** Conformance tests of NodeDirectory. */
export function nodeDirectoryTests(store: StoreRef): void {
  it('announces, refreshes, finds, lists and removes nodes', async () => {
    const nodes = store().nodes;
    await nodes.announce({ nodeId: 'node-b', relayHost: '10.0.0.2', relayPort: 5724, now: T0 });
    await nodes.announce({ nodeId: 'node-a', relayHost: '10.0.0.1', relayPort: 5724, now: T0 + 1 });
    assert.deepEqual(await nodes.find('node-b'), {
      nodeId: 'node-b',
      relayHost: '10.0.0.2',
      relayPort: 5724,
      announcedAt: T0,
      lastSeenAt: T0,
    });
    assert.equal(await nodes.heartbeat('node-b', T0 + 30_000), true);
    assert.equal((await nodes.find('node-b'))?.lastSeenAt, T0 + 30_000);
    assert.equal((await nodes.find('node-b'))?.announcedAt, T0);
    assert.equal(await nodes.heartbeat('ghost', T0), false, 'an unknown node must announce itself');
    assert.equal(await nodes.find('ghost'), null);
    // A restart announces again, perhaps at another address.
    await nodes.announce({ nodeId: 'node-b', relayHost: 'b.example.com', relayPort: 6000, now: T0 + 60_000 });
    assert.deepEqual(await nodes.find('node-b'), {
      nodeId: 'node-b',
      relayHost: 'b.example.com',
      relayPort: 6000,
      announcedAt: T0 + 60_000,
      lastSeenAt: T0 + 60_000,
    });
    assert.deepEqual(
      (await nodes.list()).map((n) => n.nodeId),
      ['node-a', 'node-b'],
    );
    assert.equal(await nodes.remove('node-a'), true);
    assert.equal(await nodes.remove('node-a'), false);
    assert.deepEqual(
      (await nodes.list()).map((n) => n.nodeId),
      ['node-b'],
    );
  });

  it("locates the node holding a machine's agent while it is connected", async () => {
    const s = store();
    await s.groups.ensureGroup('loc.acme', T0);
    await s.machines.createMachineAccount(account('m1.loc.acme'));
    await s.machines.createMachineAccount(account('m2.loc.acme'));
    await s.nodes.announce({ nodeId: 'holder', relayHost: '10.0.0.9', relayPort: 5724, now: T0 });
    assert.equal(await s.nodes.locateMachine('m1.loc.acme'), null, 'never connected');
    await s.checkins.recordConnections([
      { machineId: 'm1.loc.acme', connected: true, recordedBy: 'holder', at: T0 + 1 },
      { machineId: 'm2.loc.acme', connected: true, recordedBy: 'unannounced', at: T0 + 1 },
    ]);
    assert.equal((await s.nodes.locateMachine('m1.loc.acme'))?.relayHost, '10.0.0.9');
    assert.equal(await s.nodes.locateMachine('m2.loc.acme'), null, 'its node is not in the directory');
    assert.equal(await s.nodes.locateMachine('ghost.loc.acme'), null);
    await s.checkins.recordConnections([
      { machineId: 'm1.loc.acme', connected: false, recordedBy: 'holder', at: T0 + 2 },
    ]);
    assert.equal(await s.nodes.locateMachine('m1.loc.acme'), null, 'offline');
  });
}
