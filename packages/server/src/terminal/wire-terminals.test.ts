import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { AuditService } from '../audit/audit.service';
import { inProcessBus } from '../bus/in-process.bus';
import type { StoreBackend } from '../store/interfaces';
import { openSqlStore } from '../store/sql/sql-store';
import { createTestSqliteFile } from '../test-support/sqlite';
import { newTerminalSession } from '../test-support/terminal-session';
import { AgentTerminals } from './agent-terminals';
import { wireTerminals } from './wire-terminals';

// An administrator ends a live session wherever it runs: the node that serves it ends it when
// told on the bus; a session whose node is gone is ended in the store, since nobody else will.
describe('ending a terminal session from any node', () => {
  let backend: StoreBackend;
  let cleanup: () => void;
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const identity = () => ({
    privateKey,
    publicKeyDer: publicKey.export({ format: 'der', type: 'spki' }),
    serverId: 'x',
  });
  let now = 1_900_000_000_000;
  const clock = () => now;
  const published: string[] = [];

  before(async () => {
    const file = createTestSqliteFile();
    cleanup = file.cleanup;
    backend = await openSqlStore({ sqliteFile: file.file });
  });
  after(async () => {
    await backend.close();
    cleanup();
  });

  const wire = () => {
    const bus = inProcessBus();
    bus.subscribe((event) => {
      if (event.type === 'terminal-end') published.push(event.sessionId);
    });
    return wireTerminals({
      store: backend,
      nodeId: 'node-here',
      identity,
      agents: { get: () => undefined },
      agentTerminals: new AgentTerminals(identity, clock),
      bus,
      audit: new AuditService(backend.audit, clock, () => undefined),
      clock,
      config: {
        terminalIdleMinutes: 0,
        terminalRecordInput: true,
        terminalRecordingDays: 90,
        nodeAddress: '127.0.0.1',
        agentHost: '127.0.0.1',
      },
      log: { warn: () => undefined, info: () => undefined },
      onError: (error) => assert.fail(String(error)),
    });
  };

  it('asks the live node over the bus, and ends in the store a session whose node is gone', async () => {
    const module = wire();
    await backend.nodes.announce({ nodeId: 'node-alive', relayHost: '127.0.0.1', relayPort: 1, now });
    await backend.nodes.announce({
      nodeId: 'node-dead',
      relayHost: '127.0.0.1',
      relayPort: 2,
      now: now - 10 * 60_000,
    });
    const onAlive = await backend.terminalSessions.create(
      newTerminalSession({ nodeId: 'node-alive', startedAt: now }),
    );
    const onDead = await backend.terminalSessions.create(
      newTerminalSession({ nodeId: 'node-dead', startedAt: now }),
    );
    const onUnknown = await backend.terminalSessions.create(
      newTerminalSession({ nodeId: 'node-never', startedAt: now }),
    );

    await module.routes.endEverywhere(onAlive.id, 'olivia');
    await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(published, [onAlive.id], 'the live node is asked');
    assert.equal((await backend.terminalSessions.get(onAlive.id))?.endedAt, null, 'and ends it itself');

    now += 1000;
    for (const s of [onDead, onUnknown]) {
      await module.routes.endEverywhere(s.id, 'olivia');
      const ended = await backend.terminalSessions.get(s.id);
      assert.equal(ended?.endReason, 'ended-by-admin');
      assert.equal(ended?.endedBy, 'olivia');
      assert.equal(ended?.endedAt, now);
    }
    assert.deepEqual(published, [onAlive.id], 'nobody is asked for a session whose node is gone');
    await module.stop();
  });

  it("ends, audited, the live sessions of a node that stopped beating, and no live node's", async () => {
    const module = wire();
    now += 10 * 60_000;
    await module.sweepLostNodes(); // what the test before left live on nodes gone since
    await backend.nodes.announce({ nodeId: 'node-quiet', relayHost: '127.0.0.1', relayPort: 3, now });
    await backend.nodes.announce({ nodeId: 'node-crashed', relayHost: '127.0.0.1', relayPort: 4, now });
    const quiet = await backend.terminalSessions.create(
      newTerminalSession({ nodeId: 'node-quiet', startedAt: now }),
    );
    const lost = await backend.terminalSessions.create(
      newTerminalSession({ nodeId: 'node-crashed', startedAt: now }),
    );
    // Two missed heartbeats are not yet gone...
    now += 60_000;
    await backend.nodes.heartbeat('node-quiet', now);
    assert.equal(await module.sweepLostNodes(), 0);
    // ...a third is: the crashed node's session ends; the one that still beats keeps its own.
    now += 31_000;
    await backend.nodes.heartbeat('node-quiet', now);
    assert.equal(await module.sweepLostNodes(), 1);
    const ended = await backend.terminalSessions.get(lost.id);
    assert.deepEqual([ended?.endReason, ended?.endedAt], ['node-lost', now]);
    assert.equal((await backend.terminalSessions.get(quiet.id))?.endedAt, null);
    const audit = (await backend.audit.auditChain(0, 1000))
      .filter((e) => e.action === 'terminal.end')
      .map((e) => JSON.parse(e.detailsJson ?? '{}') as { sessionId?: string; reason?: string });
    assert.ok(
      audit.some((d) => d.sessionId === lost.id && d.reason === 'node-lost'),
      JSON.stringify(audit),
    );
    assert.equal(await module.sweepLostNodes(), 0, 'ended once');
    await module.stop();
  });
});
