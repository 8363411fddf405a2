import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { PassThrough, Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import WebSocket, { WebSocketServer } from 'ws';
import { runTerminalSession, type TerminalStreams } from './terminal-session';

/** A stdout that takes nothing until `open()`: what a slow terminal or a full pipe looks like to the session. */
class GatedOutput extends Writable {
  taken = 0;
  private held: Array<() => void> = [];
  private isOpen = false;

  constructor() {
    super({ highWaterMark: 16 * 1024 });
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: () => void): void {
    this.taken += chunk.length;
    if (this.isOpen) done();
    else this.held.push(done);
  }

  open(): void {
    this.isOpen = true;
    for (const done of this.held.splice(0)) done();
  }
}

/** Streams for a session that is not on a terminal (no raw mode, no resize). */
function pipedStreams(
  stdout: Writable = new PassThrough().resume(),
): TerminalStreams & { errors: () => string } {
  const stderr = new PassThrough();
  let errors = '';
  stderr.on('data', (d: Buffer) => {
    errors += d.toString();
  });
  return {
    stdin: new PassThrough() as unknown as NodeJS.ReadStream,
    stdout: stdout as unknown as NodeJS.WriteStream,
    stderr: stderr as unknown as NodeJS.WriteStream,
    errors: () => errors,
  };
}

// The client side of `muster terminal` against a real WebSocket server playing the server's part:
// output backpressure, and the exit code for each way a session ends.
describe('terminal session (muster terminal)', () => {
  let server: WebSocketServer;
  let onConnection: (socket: WebSocket) => void = () => {};
  let url: string;

  before(async () => {
    server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    server.on('connection', (socket) => onConnection(socket));
    await new Promise((resolve) => server.once('listening', resolve));
    url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise((resolve) => server.close(resolve)));

  /** Runs a session against the server, whose part `serve` plays. */
  const session = async (serve: (socket: WebSocket) => void, streams: TerminalStreams) => {
    onConnection = serve;
    const socket = new WebSocket(url);
    return new Promise<number>((resolve, reject) => {
      socket.once('open', () => resolve(runTerminalSession(socket, streams)));
      socket.once('error', reject);
    });
  };

  it('stops reading the socket while stdout is full, and takes everything once it drains', async () => {
    const output = new GatedOutput();
    const streams = pipedStreams(output);
    const chunk = Buffer.alloc(256 * 1024, 'x');
    const total = 64 * chunk.length; // 16 MiB
    let sentAll!: () => void;
    const allSent = new Promise<void>((resolve) => {
      sentAll = resolve;
    });
    let serverSocket!: WebSocket;
    const done = session((socket) => {
      serverSocket = socket;
      socket.send(
        JSON.stringify({ type: 'session', id: 's1', machineId: 'pc1.web.acme', recordInput: true }),
      );
      for (let i = 0; i < 64; i++) socket.send(chunk, { binary: true }, i === 63 ? sentAll : undefined);
    }, streams);
    await new Promise((r) => setTimeout(r, 700));
    // Held back: what stdout holds is at most a read's worth of frames, the rest waits in the
    // server's socket (and the kernel), not in this process.
    assert.ok(output.writableLength < 2 * 1024 * 1024, `stdout buffered ${output.writableLength} bytes`);
    assert.ok(
      serverSocket.bufferedAmount > 4 * 1024 * 1024,
      `server still holds ${serverSocket.bufferedAmount}`,
    );
    output.open();
    await allSent;
    serverSocket.send(JSON.stringify({ type: 'exit', exitCode: 7, signal: null }));
    serverSocket.close(1000, 'the shell exited');
    assert.equal(await done, 7, "the remote shell's exit code");
    assert.equal(output.taken, total);
    assert.match(streams.errors(), /session s1 on pc1\.web\.acme is recorded \(output and keystrokes\)/);
  });

  it('exits 128 + N when signal N ended the shell, and 1 saying why for every other end', async () => {
    const endWith = (messages: object[], code: number, reason: string) => async () => {
      const streams = pipedStreams();
      const exitCode = await session((socket) => {
        for (const m of messages) socket.send(JSON.stringify(m));
        socket.close(code, reason);
      }, streams);
      return { exitCode, said: streams.errors() };
    };
    const killed = await endWith([{ type: 'exit', exitCode: null, signal: 9 }], 1000, 'the shell exited')();
    assert.equal(killed.exitCode, 137);
    assert.match(killed.said, /killed by signal 9/);
    for (const [code, reason, said] of [
      [4004, 'an administrator ended the session', /ended by an administrator/],
      [4003, 'idle', /ended after being idle/],
      [
        4001,
        'the agent refused the terminal: remote control is disabled',
        /refused the terminal: remote control/,
      ],
      [4002, 'the agent disconnected', /connection to the machine's agent was lost: the agent disconnected/],
      [1011, 'the terminal could not start', /server closed the terminal \(WebSocket close 1011\)/],
    ] as const) {
      const ended = await endWith([{ type: 'ended', reason }], code, reason)();
      assert.equal(ended.exitCode, 1, String(code));
      assert.match(ended.said, said);
    }
  });

  it('types piped input, then Ctrl-D once the terminal went quiet after it ended', async () => {
    const streams = pipedStreams();
    const typed: Buffer[] = [];
    const done = session((socket) => {
      socket.send(Buffer.from('$ '), { binary: true });
      socket.on('message', (data: Buffer, isBinary: boolean) => {
        if (!isBinary) return;
        typed.push(data);
        if (data.includes(4)) {
          socket.send(JSON.stringify({ type: 'exit', exitCode: 0, signal: null }));
          socket.close(1000);
        }
      });
    }, streams);
    (streams.stdin as unknown as PassThrough).end('echo hi\n');
    assert.equal(await done, 0);
    assert.equal(Buffer.concat(typed).toString(), 'echo hi\n\x04');
  });
});
