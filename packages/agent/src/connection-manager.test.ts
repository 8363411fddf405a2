import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { createServer } from 'node:net';
import { describe, it } from 'node:test';
import {
  type CheckinControl,
  CloseCode,
  formatServerAddress,
  type ServerAddress,
  withReconnectWindow,
} from '@muster/protocol';
import { abortableSleep } from './abortable-sleep';
import { type AgentConnection, ConnectError, type ConnectOptions } from './agent-connection';
import { generateAgentKey } from './agent-key';
import { ConnectionManager, type ConnectionManagerHost, type ServerSlot } from './connection-manager';

const PRIMARY: ServerAddress = { host: 'primary.example.com', port: 5721 };
const SECONDARY: ServerAddress = { host: 'secondary.example.com', port: 5721 };

async function until<T>(what: string, check: () => T | undefined | null | false, ms = 5000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** A connection as the manager sees it: the address it reached; closing it ends its serve(). */
class FakeConnection {
  closedWith: string | null = null;
  /** The reason of the server's close frame, as AgentConnection records it ('' for a broken link). */
  closeReason: string | null = null;
  ended: () => void = () => {};
  readonly welcome = { machineId: 'pc1.web.acme' };
  constructor(readonly address: ServerAddress) {}
  close(_code: number, reason: string): void {
    this.closedWith = reason;
    this.ended();
  }
  /** The server side ends the connection: with a close frame's reason, or '' when the link broke. */
  closedByServer(reason: string): void {
    this.closeReason = reason;
    this.ended();
  }
}

/**
 * A host whose servers are up or down as the test says. `connect` stands in for the agent's
 * handshake (covered by the e2e tests); what is under test is which server the manager tries,
 * when, and what it does with each outcome.
 */
function host(settings: Partial<CheckinControl> = {}) {
  const up = new Set<string>();
  const failures = new Map<string, ConnectError>();
  const attempts: string[] = [];
  const served: Array<{ slot: ServerSlot; connection: FakeConnection }> = [];
  const logged: Array<{ level: 'warn' | 'error' | 'info'; msg: string }> = [];
  const record = (level: 'warn' | 'error' | 'info') => (_obj: object, msg: string) =>
    logged.push({ level, msg });
  let recover: ((error: ConnectError) => boolean) | undefined;
  const control: CheckinControl = {
    primary: PRIMARY,
    secondary: SECONDARY,
    periodSeconds: 0.05,
    bindToServer: false,
    bandwidthKBps: 0,
    ...settings,
  };
  const h: ConnectionManagerHost = {
    settings: () => control,
    connectOptions: () => ({
      key: generateAgentKey(),
      pinnedServerId: null,
      hostName: 'test',
      hardwareId: 'hw',
      agentVersion: 'test',
      timeoutMs: 1000,
    }),
    connect: async (options: ConnectOptions) => {
      const where = formatServerAddress(options.address);
      attempts.push(where);
      const failure = failures.get(where);
      if (failure) throw failure;
      if (!up.has(where)) throw new ConnectError('unreachable', `${where}: connect ECONNREFUSED`);
      return new FakeConnection(options.address) as unknown as AgentConnection;
    },
    serve: (connection, slot) =>
      new Promise<void>((resolve) => {
        const fake = connection as unknown as FakeConnection;
        fake.ended = resolve;
        served.push({ slot, connection: fake });
      }),
    recover: (error) => recover?.(error) ?? false,
    log: {
      info: record('info'),
      warn: record('warn'),
      error: record('error'),
    } as ConnectionManagerHost['log'],
  };
  return {
    h,
    up: (a: ServerAddress) => up.add(formatServerAddress(a)),
    down: (a: ServerAddress) => up.delete(formatServerAddress(a)),
    fail: (a: ServerAddress, e: ConnectError | null) =>
      e ? failures.set(formatServerAddress(a), e) : failures.delete(formatServerAddress(a)),
    onRecover: (fn: (error: ConnectError) => boolean) => {
      recover = fn;
    },
    attempts,
    served,
    logged,
  };
}

describe('connection manager', () => {
  it('connects to the primary and never tries the secondary while the primary answers', async () => {
    const t = host();
    t.up(PRIMARY);
    t.up(SECONDARY);
    const manager = new ConnectionManager(t.h);
    manager.start();
    await until('served', () => t.served.length === 1);
    assert.equal(t.served[0]?.slot, 'primary');
    assert.deepEqual(manager.active?.slot, 'primary');
    await manager.stop();
    assert.deepEqual(t.attempts, ['primary.example.com:5721']);
    assert.equal(t.served[0]?.connection.closedWith, 'agent stopping', 'stop closes the connection');
  });

  it('uses the secondary only while the primary is unreachable, and moves back once a probe reaches the primary', async () => {
    const t = host();
    t.up(SECONDARY);
    const manager = new ConnectionManager(t.h);
    manager.start();
    await until('served by the secondary', () => t.served.length === 1);
    assert.equal(t.served[0]?.slot, 'secondary');
    assert.deepEqual(t.attempts.slice(0, 2), ['primary.example.com:5721', 'secondary.example.com:5721']);
    t.up(PRIMARY);
    await until('moved to the primary', () => t.served.length === 2);
    assert.equal(t.served[1]?.slot, 'primary');
    assert.equal(t.served[0]?.connection.closedWith, 'moving back to the primary server');
    assert.equal(manager.active?.slot, 'primary');
    await manager.stop();
  });

  it('reconnects after a drop, to the primary again', async () => {
    const t = host();
    t.up(PRIMARY);
    const manager = new ConnectionManager(t.h);
    manager.start();
    await until('served', () => t.served.length === 1);
    t.served[0]?.connection.ended();
    await until('served again', () => t.served.length === 2);
    assert.deepEqual(
      t.served.map((s) => s.slot),
      ['primary', 'primary'],
    );
    await manager.stop();
  });

  it('after a mass close it comes back at its moment in the window told; after a broken link, within a second', async () => {
    const t = host({ secondary: null, periodSeconds: 30 });
    t.up(PRIMARY);
    t.h.random = () => 0.75; // this agent's draw: three quarters into any window
    const manager = new ConnectionManager(t.h);
    manager.start();
    await until('served', () => t.served.length === 1);

    let dropped = Date.now();
    t.served[0]?.connection.closedByServer(''); // no close frame: a network error, a killed server
    await until('back after the break', () => t.served.length === 2);
    const afterBreak = Date.now() - dropped;

    dropped = Date.now();
    t.served[1]?.connection.closedByServer(withReconnectWindow('server shutting down', 2));
    await until('back after the mass close', () => t.served.length === 3);
    const afterMassClose = Date.now() - dropped;
    await manager.stop();

    // Full jitter under a second (750 ms here) after a break; 1,500 ms, three quarters of the
    // 2 s window, after the mass close: the same draw, so only the window told tells them apart.
    assert.ok(afterBreak < 1400, `back ${afterBreak} ms after the break`);
    assert.ok(afterMassClose >= 1400, `back ${afterMassClose} ms after the mass close`);
    assert.ok(t.logged.some((l) => l.level === 'info' && /window it told/.test(l.msg)));
  });

  it('retries the same server at once when the host fixed the failure, and only once', async () => {
    const t = host({ secondary: null });
    const forgotten = new ConnectError('refused', 'unknown key', CloseCode.unknownAgent);
    t.fail(PRIMARY, forgotten);
    t.up(PRIMARY);
    let offered = 0;
    t.onRecover((error) => {
      offered += 1;
      assert.equal(error, forgotten);
      t.fail(PRIMARY, null); // re-enrolled: the next attempt is welcomed
      return true;
    });
    const manager = new ConnectionManager(t.h);
    manager.start();
    await until('served', () => t.served.length === 1);
    await manager.stop();
    assert.equal(offered, 1);
    assert.deepEqual(t.attempts, ['primary.example.com:5721', 'primary.example.com:5721']);
    assert.equal(t.logged.filter((l) => l.level === 'error').length, 0, 'a fixed failure is not reported');

    // A fix that does not help is reported, not tried in a loop.
    const u = host({ secondary: null });
    u.fail(PRIMARY, forgotten);
    let offeredU = 0;
    u.onRecover(() => {
      offeredU += 1;
      return true;
    });
    const stuck = new ConnectionManager(u.h);
    stuck.start();
    await until('reported', () => u.logged.some((l) => l.level === 'error'));
    await stuck.stop();
    assert.ok(offeredU >= 1);
    assert.ok(u.attempts.length <= offeredU * 2, 'at most one immediate retry per fix');
  });

  it('reports failures only the operator can fix as errors, and passing ones as warnings', async () => {
    const t = host({ secondary: null });
    t.fail(
      PRIMARY,
      new ConnectError('not-agent-port', 'primary.example.com:5721 is not a Muster agent port'),
    );
    const manager = new ConnectionManager(t.h);
    manager.start();
    await until('reported', () => t.logged.some((l) => l.level === 'error'));
    await manager.stop();
    assert.match(t.logged.find((l) => l.level === 'error')?.msg ?? '', /not a Muster agent port/);

    const u = host({ secondary: null });
    const stuck = new ConnectionManager(u.h);
    stuck.start();
    await until('reported', () => u.logged.some((l) => l.level === 'warn'));
    await stuck.stop();
    assert.equal(u.logged.filter((l) => l.level === 'error').length, 0, 'an unreachable server is passing');
  });

  it('stops trying at a refusal for good, even with the secondary unreachable, and says so once', async () => {
    const t = host();
    const badToken = new ConnectError(
      'refused',
      'install token is not known (code 4011)',
      CloseCode.tokenInvalid,
    );
    t.fail(PRIMARY, badToken);
    const told: ConnectError[] = [];
    t.h.refused = (error) => told.push(error);
    const manager = new ConnectionManager(t.h);
    manager.start();
    await until('told', () => told.length === 1);
    const attempts = t.attempts.length;
    await new Promise((r) => setTimeout(r, 300)); // six check-in periods of this host
    await manager.stop();
    assert.deepEqual(told, [badToken]);
    assert.equal(t.attempts.length, attempts, 'no attempt after the refusal');
    assert.deepEqual(t.attempts, ['primary.example.com:5721', 'secondary.example.com:5721']);
  });

  it('keeps retrying passing failures and refusals that may pass, with a refusal handler set', async () => {
    const t = host({ secondary: null });
    const told: ConnectError[] = [];
    t.h.refused = (error) => told.push(error);
    t.fail(PRIMARY, new ConnectError('refused', 'duplicate account (code 4015)', CloseCode.accountConflict));
    const manager = new ConnectionManager(t.h);
    manager.start();
    await until('three attempts', () => t.attempts.length >= 3);
    t.fail(PRIMARY, new ConnectError('refused', 'restarting (code 1012)', CloseCode.serverRestart));
    const before = t.attempts.length;
    await until('three more', () => t.attempts.length >= before + 3);
    t.fail(PRIMARY, null); // unreachable
    const down = t.attempts.length;
    await until('three more', () => t.attempts.length >= down + 3);
    await manager.stop();
    assert.deepEqual(told, []);
  });

  it("only the agent's own server refuses it for good: another identity that does not know it is retried", async () => {
    const ours = 'a'.repeat(64);
    const t = host({ secondary: null });
    const told: ConnectError[] = [];
    t.h.refused = (error) => told.push(error);
    t.h.trustedServerId = () => ours;
    // An impostor (or another installation) on the address: it proved another Server ID.
    t.fail(PRIMARY, new ConnectError('refused', 'unknown key', CloseCode.unknownAgent, 'b'.repeat(64)));
    const manager = new ConnectionManager(t.h);
    manager.start();
    await until('three attempts', () => t.attempts.length >= 3);
    assert.deepEqual(told, [], 'still trying');
    // The agent's own server says the same: that is final.
    const own = new ConnectError('refused', 'unknown key', CloseCode.unknownAgent, ours);
    t.fail(PRIMARY, own);
    await until('told', () => told.length === 1);
    await manager.stop();
    assert.deepEqual(told, [own]);
  });

  it('a probe of the primary refused for good does not end an agent the secondary serves', async () => {
    const t = host();
    t.up(SECONDARY);
    const told: ConnectError[] = [];
    t.h.refused = (error) => told.push(error);
    const manager = new ConnectionManager(t.h);
    manager.start();
    await until('served by the secondary', () => t.served.length === 1);
    t.fail(PRIMARY, new ConnectError('refused', 'unknown key', CloseCode.unknownAgent));
    const before = t.attempts.length;
    await until('probed twice', () => t.attempts.length >= before + 2);
    assert.equal(manager.active?.slot, 'secondary');
    await manager.stop();
    assert.deepEqual(told, []);
  });

  it('leaves no abort listener behind however often it retries (no MaxListenersExceededWarning)', async () => {
    // A real closed port: every attempt of the real handshake fails at once.
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as { port: number }).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on('warning', onWarning);
    try {
      const t = host({ primary: { host: '127.0.0.1', port }, secondary: null, periodSeconds: 0.001 });
      const { connect: _fake, ...real } = t.h;
      const manager = new ConnectionManager(real);
      manager.start();
      await until('30 retries', () => t.logged.filter((l) => l.level === 'warn').length >= 30, 20_000);
      await manager.stop();
      await new Promise((r) => setImmediate(r)); // warnings are emitted on the next tick
    } finally {
      process.off('warning', onWarning);
    }
    assert.deepEqual(
      warnings.filter((w) => w.name === 'MaxListenersExceededWarning').map((w) => w.message),
      [],
    );
  });
});

describe('abortable sleep', () => {
  it('removes its abort listener when the wait ends, and ends early on abort', async () => {
    const controller = new AbortController();
    for (let i = 0; i < 20; i++) await abortableSleep(0, controller.signal);
    assert.equal(getEventListeners(controller.signal, 'abort').length, 0);
    const long = abortableSleep(60_000, controller.signal);
    assert.equal(getEventListeners(controller.signal, 'abort').length, 1);
    controller.abort();
    await long;
    assert.equal(getEventListeners(controller.signal, 'abort').length, 0);
    await abortableSleep(60_000, controller.signal); // already aborted: returns at once
  });
});
