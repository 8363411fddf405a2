import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import {
  type AgentTerminalMessage,
  decodeTerminalOutputFrame,
  signProof,
  TERMINAL_CHUNK_BYTES,
  TERMINAL_INPUT_WINDOW_BYTES,
  TERMINAL_OUTPUT_WINDOW_BYTES,
  type TerminalOpenMessage,
  terminalOpenSigningBytes,
} from '@muster/protocol';
import { BandwidthThrottle } from '../throttle';
import { loadPtyLibrary, PtyLoader } from './pty-library';
import { type TerminalConnection, TerminalSessions } from './terminal-sessions';

const MACHINE = 'pc1.terminal.acme';
const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const serverPublicKeyDer = publicKey.export({ type: 'spki', format: 'der' });
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** The server end of a connection: what the agent sent, and acknowledgements when asked. */
class ServerPeer implements TerminalConnection {
  readonly serverPublicKeyDer = serverPublicKeyDer;
  readonly sent: AgentTerminalMessage[] = [];
  /** How many output frames came binary (each is also in `sent`, as the JSON message it replaces). */
  binaryFrames = 0;
  constructor(
    private readonly listener?: (message: AgentTerminalMessage) => void,
    /** A server that takes binary output frames (it named the feature at the upgrade). */
    readonly binaryTerminalOutput = false,
  ) {}
  send(message: AgentTerminalMessage): boolean {
    this.sent.push(message);
    this.listener?.(message);
    return true;
  }
  sendBinary(frame: Buffer): boolean {
    assert.ok(this.binaryTerminalOutput, 'binary frames only to a server that takes them');
    const { sessionId, data } = decodeTerminalOutputFrame(frame);
    this.binaryFrames++;
    return this.send({ t: 'terminal-output', sessionId, data: data.toString('base64') });
  }
  /** Every output byte of `sessionId` so far, as text. */
  output(sessionId: string): string {
    return Buffer.concat(
      this.sent
        .filter((m) => m.t === 'terminal-output' && m.sessionId === sessionId)
        .map((m) => Buffer.from((m as { data: string }).data, 'base64')),
    ).toString('latin1');
  }
  of<T extends AgentTerminalMessage['t']>(
    t: T,
    sessionId: string,
  ): Extract<AgentTerminalMessage, { t: T }>[] {
    return this.sent.filter((m) => m.t === t && m.sessionId === sessionId) as Extract<
      AgentTerminalMessage,
      { t: T }
    >[];
  }
}

let serial = 0;
function openRequest(
  overrides: Partial<TerminalOpenMessage> = {},
  signWith = privateKey,
): TerminalOpenMessage {
  const unsigned = {
    sessionId: `s${++serial}`,
    machineId: MACHINE,
    user: 'alice',
    cols: 80,
    rows: 24,
    issuedAt: Date.now(),
    ...overrides,
  };
  const signature = signProof(signWith, terminalOpenSigningBytes(unsigned)).toString('base64');
  return {
    t: 'terminal-open',
    ...unsigned,
    signature,
    ...(overrides.signature ? { signature: overrides.signature } : {}),
  };
}

const loader = new PtyLoader(() => loadPtyLibrary('/nonexistent-not-used-under-node'));
const managers: TerminalSessions[] = [];
function manager(options: { bytesPerSecond?: number; maxSessions?: number } = {}): TerminalSessions {
  const sessions = new TerminalSessions({
    machineId: () => MACHINE,
    pty: loader,
    bytesPerSecond: () => options.bytesPerSecond ?? 0,
    log: quiet,
    shell: () => ({ path: '/bin/sh', home: '/tmp' }),
    ...(options.maxSessions ? { maxSessions: options.maxSessions } : {}),
  });
  managers.push(sessions);
  return sessions;
}
after(() => {
  for (const m of managers) m.closeAll();
});

async function until(what: string, check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function input(sessionId: string, text: string | Buffer) {
  return { t: 'terminal-input' as const, sessionId, data: Buffer.from(text).toString('base64') };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Opens a terminal whose output the peer acknowledges as it comes. */
async function openTerminal(sessions: TerminalSessions, peer: ServerPeer, request = openRequest()) {
  sessions.handle(peer, request);
  await until('terminal-opened', () => peer.of('terminal-opened', request.sessionId).length === 1);
  const session = sessions.session(request.sessionId);
  assert.ok(session);
  return { id: request.sessionId, pid: session.pid };
}

function autoAck(sessions: TerminalSessions, binary = false): ServerPeer {
  const peer: ServerPeer = new ServerPeer((m) => {
    if (m.t === 'terminal-output')
      setImmediate(() =>
        sessions.handle(peer, {
          t: 'terminal-output-ack',
          sessionId: m.sessionId,
          bytes: Buffer.from(m.data, 'base64').length,
        }),
      );
  }, binary);
  return peer;
}

describe('TerminalSessions with a real pseudo-terminal', () => {
  it('opens a shell, runs a typed command, resizes, and reports the exit', async () => {
    const sessions = manager();
    const peer = autoAck(sessions);
    const { id, pid } = await openTerminal(sessions, peer);
    assert.equal(peer.of('terminal-opened', id)[0]?.shell, '/bin/sh');
    sessions.handle(peer, input(id, 'echo hi-$((6*7))\r'));
    await until('hi-42', () => peer.output(id).includes('hi-42'));
    const typed = Buffer.byteLength('echo hi-$((6*7))\r');
    await until(
      'input ack',
      () => peer.of('terminal-input-ack', id).reduce((n, m) => n + m.bytes, 0) === typed,
    );

    sessions.handle(peer, { t: 'terminal-resize', sessionId: id, cols: 132, rows: 43 });
    sessions.handle(peer, input(id, 'stty size\r'));
    await until('the new size', () => peer.output(id).includes('43 132'));
    sessions.handle(peer, input(id, 'echo "term=$TERM"\r'));
    await until('TERM', () => peer.output(id).includes('term=xterm-256color'));

    sessions.handle(peer, input(id, 'exit\r'));
    await until('terminal-exit', () => peer.of('terminal-exit', id).length === 1);
    assert.deepEqual(peer.of('terminal-exit', id)[0], {
      t: 'terminal-exit',
      sessionId: id,
      exitCode: 0,
      signal: null,
    });
    assert.equal(peer.sent.at(-1)?.t, 'terminal-exit', 'nothing after the exit');
    assert.equal(sessions.session(id), undefined);
    await until('the shell gone', () => !alive(pid));
  });

  it('reports the exit code of a shell that exits with one', async () => {
    const sessions = manager();
    const peer = autoAck(sessions);
    const { id } = await openTerminal(sessions, peer);
    sessions.handle(peer, input(id, 'exit 7\r'));
    await until('terminal-exit', () => peer.of('terminal-exit', id).length === 1);
    assert.equal(peer.of('terminal-exit', id)[0]?.exitCode, 7);
  });

  const refusals: Array<[string, () => TerminalOpenMessage, RegExp]> = [
    [
      'a request signed by another key',
      () => openRequest({}, generateKeyPairSync('ed25519').privateKey),
      /not signed by the server this agent trusts/,
    ],
    [
      'a request whose signature does not cover its fields',
      () => ({ ...openRequest(), cols: 200 }),
      /not signed by the server this agent trusts/,
    ],
    [
      'a request for another machine',
      () => openRequest({ machineId: 'other.terminal.acme' }),
      /for machine "other\.terminal\.acme", not this one \("pc1\.terminal\.acme"\)/,
    ],
    [
      'a stale request',
      () => openRequest({ issuedAt: Date.now() - 10 * 60_000 }),
      /issued 600 s before the agent's clock \(at most 300 s allowed\)/,
    ],
    [
      'a request from the future',
      () => openRequest({ issuedAt: Date.now() + 10 * 60_000 }),
      /issued 600 s after the agent's clock/,
    ],
  ];
  for (const [what, request, reason] of refusals) {
    it(`refuses ${what} and starts no shell`, async () => {
      const sessions = manager();
      const peer = new ServerPeer();
      const m = request();
      const before = shellsOf(process.pid);
      sessions.handle(peer, m);
      assert.equal(peer.sent.length, 1);
      const refused = peer.sent[0];
      assert.equal(refused?.t, 'terminal-refused');
      assert.match((refused as { reason: string }).reason, reason);
      assert.equal(sessions.size, 0);
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.deepEqual(shellsOf(process.pid), before, 'no process was started');
    });
  }

  it('refuses a session id already open and more terminals than its limit', async () => {
    const sessions = manager({ maxSessions: 2 });
    const peer = autoAck(sessions);
    const first = openRequest();
    await openTerminal(sessions, peer, first);
    sessions.handle(peer, openRequest({ sessionId: first.sessionId }));
    assert.match(peer.of('terminal-refused', first.sessionId)[0]?.reason ?? '', /"s\d+" is already open/);
    await openTerminal(sessions, peer);
    const third = openRequest();
    sessions.handle(peer, third);
    assert.match(
      peer.of('terminal-refused', third.sessionId)[0]?.reason ?? '',
      /already has 2 terminals open, the most it allows/,
    );
    sessions.closeAll();
  });

  it('closing a terminal hangs up on its shell and what runs in it, and sends nothing more', async () => {
    const sessions = manager();
    const peer = autoAck(sessions);
    const { id, pid } = await openTerminal(sessions, peer);
    sessions.handle(peer, input(id, 'sleep 300 & echo "job=$!"\r'));
    await until('the job pid', () => /job=\d+/.test(peer.output(id)));
    const job = Number(/job=(\d+)/.exec(peer.output(id))?.[1]);
    assert.ok(alive(pid) && alive(job));
    sessions.handle(peer, { t: 'terminal-close', sessionId: id });
    const sentAtClose = peer.sent.length;
    assert.equal(sessions.session(id), undefined);
    await until('the shell and its job gone', () => !alive(pid) && !alive(job));
    sessions.handle(peer, input(id, 'echo after\r'));
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(peer.sent.length, sentAtClose, 'nothing was sent after the close');
  });

  it('kills a shell that ignores the hangup after the grace', async () => {
    const sessions = manager();
    const peer = autoAck(sessions);
    const { id, pid } = await openTerminal(sessions, peer);
    sessions.handle(peer, input(id, "trap '' HUP; echo trap-$((3*3)); while :; do sleep 0.1; done\r"));
    await until('the trap', () => peer.output(id).includes('trap-9'));
    sessions.handle(peer, { t: 'terminal-close', sessionId: id });
    await new Promise((resolve) => setTimeout(resolve, 1000));
    assert.ok(alive(pid), 'the shell ignored the hangup');
    await until('the shell killed', () => !alive(pid), 5000);
  });

  it('the end of the connection ends every terminal opened on it, and only those', async () => {
    const sessions = manager();
    const peer = autoAck(sessions);
    const other = autoAck(sessions);
    const a = await openTerminal(sessions, peer);
    const b = await openTerminal(sessions, peer);
    const c = await openTerminal(sessions, other);
    sessions.handle(other, input(a.id, 'exit\r')); // another connection cannot drive it
    sessions.connectionEnded(peer);
    await until('both shells gone', () => !alive(a.pid) && !alive(b.pid));
    assert.ok(alive(c.pid));
    assert.equal(sessions.size, 1);
    sessions.handle(other, { t: 'terminal-close', sessionId: c.id });
    await until('the third gone', () => !alive(c.pid));
  });

  it('keeps at most a window of output unacknowledged and resumes on acknowledgements', async () => {
    const sessions = manager();
    let acking = false;
    const unacked: number[] = [];
    let outstanding = 0;
    let most = 0;
    const peer: ServerPeer = new ServerPeer((m) => {
      if (m.t !== 'terminal-output') return;
      const bytes = Buffer.from(m.data, 'base64').length;
      assert.ok(bytes <= TERMINAL_CHUNK_BYTES);
      outstanding += bytes;
      most = Math.max(most, outstanding);
      unacked.push(bytes);
      if (acking) ack();
    });
    const ack = () =>
      setImmediate(() => {
        for (const bytes of unacked.splice(0)) {
          outstanding -= bytes;
          sessions.handle(peer, { t: 'terminal-output-ack', sessionId: id, bytes });
        }
      });
    const { id } = await openTerminal(sessions, peer);
    const total = 5_000_000;
    sessions.handle(peer, input(id, `head -c ${total} /dev/zero | tr '\\0' x; echo; echo done-$((1+1))\r`));
    await until('a full window', () => outstanding >= TERMINAL_OUTPUT_WINDOW_BYTES);
    const stalledAt = peer.sent.length;
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(peer.sent.length, stalledAt, 'nothing sent while the window is full');
    assert.equal(sessions.session(id)?.outstanding.paused, true, 'the pseudo-terminal is paused');
    acking = true;
    ack();
    await until('the end of the output', () => peer.output(id).includes('done-2'), 30_000);
    assert.ok(most <= TERMINAL_OUTPUT_WINDOW_BYTES, `at most a window outstanding (${most})`);
    const longestRun = Math.max(...(peer.output(id).match(/x+/g) ?? []).map((run) => run.length));
    assert.equal(longestRun, total, 'every byte arrived, in order');
    // The terminal is read about 4 KiB at a time; streaming output is gathered into larger frames.
    const frames = peer.of('terminal-output', id).length;
    assert.ok(frames < total / 8192, `${frames} frames for ${total} bytes`);
    sessions.handle(peer, { t: 'terminal-close', sessionId: id });
  });

  it('sends the last output of a shell that exits while its terminal is paused', async () => {
    const sessions = manager();
    const unacked: number[] = [];
    const peer = new ServerPeer((m) => {
      if (m.t === 'terminal-output') unacked.push(Buffer.from(m.data, 'base64').length);
    });
    const { id, pid } = await openTerminal(sessions, peer);
    // A full window, then (paused) the last words, and the shell exits.
    const fill = TERMINAL_OUTPUT_WINDOW_BYTES;
    sessions.handle(
      peer,
      input(
        id,
        `stty -echo; head -c ${fill} /dev/zero | tr '\\0' x; sleep 0.5; echo last-$((40+2)); exit 0\r`,
      ),
    );
    await until('the shell gone', () => !alive(pid));
    assert.equal(peer.of('terminal-exit', id).length, 0, 'the exit waits for the output before it');
    await new Promise((resolve) => setTimeout(resolve, 500));
    for (const bytes of unacked.splice(0))
      sessions.handle(peer, { t: 'terminal-output-ack', sessionId: id, bytes });
    const ackAll = setInterval(() => {
      for (const bytes of unacked.splice(0))
        sessions.handle(peer, { t: 'terminal-output-ack', sessionId: id, bytes });
    }, 10);
    await until('terminal-exit', () => peer.of('terminal-exit', id).length === 1);
    clearInterval(ackAll);
    assert.match(peer.output(id), /last-42/);
  });

  it('sends every byte a shell prints just before it exits', { timeout: 60_000 }, async () => {
    // The kernel drops what a pseudo-terminal still buffers once its last slave end closes,
    // which is when the shell exits: a fast `cat big; exit` lost its last KiB now and then.
    const dir = mkdtempSync(join(tmpdir(), 'muster-pty-'));
    const file = join(dir, 'out.txt');
    const size = 2_000_000;
    writeFileSync(file, `${'Z'.repeat(size)}END`);
    const sessions = manager();
    const short: string[] = [];
    const openFiles = () => readdirSync('/proc/self/fd').length;
    const filesBefore = openFiles();
    try {
      for (let run = 0; run < 30; run++) {
        const peer = autoAck(sessions, true);
        const { id } = await openTerminal(sessions, peer);
        sessions.handle(peer, input(id, `stty raw -echo; cat ${file}; exit 0\r`));
        await until('terminal-exit', () => peer.of('terminal-exit', id).length === 1, 20_000);
        const zs = zRunBeforeEnd(peer.output(id));
        if (zs !== size) short.push(`run ${run}: ${zs} of ${size}`);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    assert.deepEqual(short, [], 'no run lost output');
    // Each ended session let go of its terminal (the master, and the slave held for it).
    assert.ok(
      openFiles() <= filesBefore + 2,
      `${openFiles()} open files after 30 sessions, ${filesBefore} before`,
    );
  });

  it('acknowledges only the input the terminal took when the shell does not read', async () => {
    const sessions = manager();
    const peer = autoAck(sessions);
    const { id } = await openTerminal(sessions, peer);
    // The shell stops reading its terminal; a flood of input fills the kernel's buffer.
    sessions.handle(peer, input(id, 'stty -icanon -echo; sleep 3; echo woke\r'));
    await new Promise((resolve) => setTimeout(resolve, 300));
    const acked = () => peer.of('terminal-input-ack', id).reduce((n, m) => n + m.bytes, 0);
    const first = acked();
    const piece = Buffer.alloc(TERMINAL_CHUNK_BYTES, 'y');
    sessions.handle(peer, input(id, piece));
    sessions.handle(peer, input(id, piece));
    await new Promise((resolve) => setTimeout(resolve, 500));
    const taken = acked() - first;
    assert.ok(taken < 2 * TERMINAL_CHUNK_BYTES, `acknowledged ${taken} of ${2 * TERMINAL_CHUNK_BYTES}`);
    // Past its window the input is not taken at all (a server that ignores its credit).
    sessions.handle(peer, input(id, piece));
    sessions.handle(peer, input(id, piece));
    assert.ok(acked() - first <= TERMINAL_INPUT_WINDOW_BYTES);
    sessions.handle(peer, { t: 'terminal-close', sessionId: id });
  });

  it('paces output to the bandwidth limit in small frames', async () => {
    const rate = 64 * 1024;
    const sessions = manager({ bytesPerSecond: rate });
    const peer = autoAck(sessions);
    const { id } = await openTerminal(sessions, peer);
    const started = performance.now();
    sessions.handle(peer, input(id, `head -c 40000 /dev/zero | tr '\\0' x; echo; echo paced-$((2+2))\r`));
    await until('the end of the output', () => peer.output(id).includes('paced-4'));
    const seconds = (performance.now() - started) / 1000;
    const frames = peer.of('terminal-output', id).map((m) => Buffer.from(m.data, 'base64').length);
    assert.ok(
      Math.max(...frames) <= ((rate / 8) * 3) / 4,
      `frames of at most an eighth of a second: ${frames}`,
    );
    // 40,000 bytes as base64 frames at 64 KiB/s: about 0.8 s.
    assert.ok(seconds > 0.5, `paced, not sent at once (${seconds.toFixed(2)} s)`);
    sessions.handle(peer, { t: 'terminal-close', sessionId: id });
  });

  it('sends output as binary frames to a server that takes them, in whole chunks while it streams', async () => {
    const sessions = manager();
    const peer = autoAck(sessions, true);
    const { id } = await openTerminal(sessions, peer);
    sessions.handle(peer, input(id, `head -c 600000 /dev/zero | tr '\\0' Q; echo; echo binary-$((3+4))\r`));
    await until('the end of the output', () => peer.output(id).includes('binary-7'));
    const frames = peer.of('terminal-output', id).map((m) => Buffer.from(m.data, 'base64').length);
    assert.equal(peer.binaryFrames, frames.length, 'every output frame was binary');
    assert.ok(Math.max(...frames) <= TERMINAL_CHUNK_BYTES, `${frames}`);
    const printed = peer.output(id);
    assert.ok(
      printed.includes('Q'.repeat(600_000)) && !printed.includes('Q'.repeat(600_001)),
      'every byte, once',
    );
    sessions.handle(peer, { t: 'terminal-close', sessionId: id });
  });

  it('paces binary output to the limit in frames of an eighth of a second of the link', async () => {
    const rate = 64 * 1024;
    const sessions = manager({ bytesPerSecond: rate });
    const peer = autoAck(sessions, true);
    const { id } = await openTerminal(sessions, peer);
    sessions.handle(peer, input(id, `head -c 40000 /dev/zero | tr '\\0' x; echo; echo paced-$((2+3))\r`));
    await until('the end of the output', () => peer.output(id).includes('paced-5'));
    const frames = peer.of('terminal-output', id).map((m) => Buffer.from(m.data, 'base64').length);
    assert.equal(peer.binaryFrames, frames.length);
    // Binary bytes are their own size on the wire: a frame may carry rate/8, not 3/4 of it.
    assert.equal(Math.max(...frames), rate / 8, `${frames}`);
    sessions.handle(peer, { t: 'terminal-close', sessionId: id });
  });
});

describe('terminal output under a bandwidth limit', () => {
  it('leaves room for a check-in: it waits behind one paced frame, not a window of output', async () => {
    const rate = 256 * 1024;
    const throttle = new BandwidthThrottle(rate / 1024);
    const sessions = manager({ bytesPerSecond: rate });
    // Like AgentConnection.send with a throttle: every frame waits its turn in one queue.
    let queue = Promise.resolve();
    const delivered: string[] = [];
    const throughThrottle = (size: number, deliver: () => void) => {
      queue = queue.then(() => throttle.take(size)).then(deliver);
    };
    const peer: ServerPeer = new ServerPeer((m) => {
      throughThrottle(Buffer.byteLength(JSON.stringify(m)), () => {
        delivered.push(m.t);
        if (m.t === 'terminal-output')
          sessions.handle(peer, {
            t: 'terminal-output-ack',
            sessionId: m.sessionId,
            bytes: Buffer.from(m.data, 'base64').length,
          });
      });
    });
    const { id } = await openTerminal(sessions, peer);
    sessions.handle(peer, input(id, `head -c 600000 /dev/zero | tr '\\0' x; echo; echo end-$((5+5))\r`));
    await until('output streaming', () => delivered.filter((t) => t === 'terminal-output').length > 3);
    const queuedAt = performance.now();
    let waitedMs = 0;
    throughThrottle(300, () => {
      waitedMs = performance.now() - queuedAt;
    });
    await until('the check-in sent', () => waitedMs > 0, 20_000);
    // Unpaced, the check-in would wait behind the whole output handed over (600 KB: over 2 s).
    assert.ok(waitedMs < 1000, `the check-in waited ${waitedMs.toFixed(0)} ms`);
    assert.ok(!peer.output(id).includes('end-10'), 'the output was still streaming');
    sessions.handle(peer, { t: 'terminal-close', sessionId: id });
  });
});

/** The processes whose parent is `parent`. */
function shellsOf(parent: number): number[] {
  return readdirSync('/proc')
    .filter((e) => /^\d+$/.test(e))
    .filter((e) => {
      try {
        const stat = readFileSync(`/proc/${e}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === parent;
      } catch {
        return false;
      }
    })
    .map(Number);
}

/**
 * How many Zs run up to the END that follows them (0 without one). Counted as one run, not over
 * the whole output: the shell echoes the command, whose random temporary directory name has a
 * Z about one time in ten.
 */
function zRunBeforeEnd(out: string): number {
  const end = out.indexOf('ZEND');
  if (end < 0) return 0;
  let start = end;
  while (start > 0 && out[start - 1] === 'Z') start--;
  return end + 1 - start;
}
