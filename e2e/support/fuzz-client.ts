import { randomBytes } from 'node:crypto';
import { connect as netConnect } from 'node:net';
import { type TLSSocket, connect as tlsConnect } from 'node:tls';
import { CHANNEL_BINDING_LABEL } from '@muster/protocol';
import WebSocket from 'ws';

/** How an abusive connection ended, as seen by the client. */
export interface CloseOutcome {
  /** The WebSocket close code the server sent (1005 when none, 1006 when the socket just dropped). */
  code: number;
  reason: string;
  /** Whether any server frame was a welcome. */
  welcomed: boolean;
  /** Milliseconds from the last frame the client sent to the close. */
  sinceLastSendMs: number;
}

/**
 * A raw agent-port WebSocket client that can send anything: text that is not UTF-8, binary,
 * frames far over the limit. It keeps what the server said and when it closed.
 */
export class FuzzConnection {
  readonly received: string[] = [];
  welcomed = false;
  framesSent = 0;
  private socket: TLSSocket | null = null;
  private lastSendAt = performance.now();
  private readonly waiters: Array<(message: string | null) => void> = [];
  private readonly closed: Promise<{ code: number; reason: string; at: number }>;
  private isClosed = false;

  private constructor(private readonly ws: WebSocket) {
    ws.on('upgrade', (response) => {
      this.socket = response.socket as TLSSocket;
    });
    ws.on('message', (data: Buffer) => {
      const text = data.toString('utf8');
      this.received.push(text);
      if (/"t"\s*:\s*"welcome"/.test(text)) this.welcomed = true;
      const waiter = this.waiters.shift();
      waiter?.(text);
    });
    this.closed = new Promise((resolve) => {
      ws.on('close', (code, reason) => {
        this.isClosed = true;
        for (const waiter of this.waiters.splice(0)) waiter(null);
        resolve({ code, reason: reason.toString(), at: performance.now() });
      });
    });
    // Errors (a reset socket) end in 'close' too; the code then tells what happened.
    ws.on('error', () => {});
  }

  /** Opens a connection to the agent port; rejects when the upgrade fails. */
  static open(url: string, timeoutMs = 10_000): Promise<FuzzConnection> {
    const ws = new WebSocket(url, {
      rejectUnauthorized: false,
      perMessageDeflate: false,
      handshakeTimeout: timeoutMs,
      maxPayload: 1024 * 1024,
    });
    const connection = new FuzzConnection(ws);
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(connection));
      ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
      ws.once('close', (code) => reject(new Error(`closed before open (${code})`)));
    });
  }

  /** Sends one frame: a string or Buffer as text (any bytes), or as binary. */
  send(data: string | Buffer, binary = false): void {
    if (this.ws.readyState !== WebSocket.OPEN) return;
    this.framesSent++;
    this.lastSendAt = performance.now();
    this.ws.send(data, { binary });
  }

  /** The next frame from the server, or null once the connection closed or the wait ran out. */
  next(timeoutMs = 5000): Promise<string | null> {
    if (this.isClosed) return Promise.resolve(null);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        const i = this.waiters.indexOf(done);
        if (i >= 0) this.waiters.splice(i, 1);
        resolve(null);
      }, timeoutMs);
      const done = (message: string | null) => {
        clearTimeout(timer);
        resolve(message);
      };
      this.waiters.push(done);
    });
  }

  /** The TLS channel binding of this connection, as both sides compute it. */
  binding(): Buffer {
    if (!this.socket) throw new Error('no TLS socket');
    return this.socket.exportKeyingMaterial(32, CHANNEL_BINDING_LABEL, Buffer.alloc(0));
  }

  /**
   * Waits for the server to close. When it does not within the timeout the client closes
   * (code 1000 then shows up as the outcome, which no abusive case expects).
   */
  async outcome(timeoutMs: number): Promise<CloseOutcome> {
    const timer = setTimeout(() => this.ws.terminate(), timeoutMs);
    const { code, reason, at } = await this.closed;
    clearTimeout(timer);
    return { code, reason, welcomed: this.welcomed, sinceLastSendMs: at - this.lastSendAt };
  }

  /** Drops the connection without a closing handshake. */
  terminate(): void {
    this.ws.terminate();
  }
}

/** A WebSocket frame header as a client may write it, including ones the protocol forbids. */
export interface RawFrame {
  fin?: boolean;
  rsv?: number;
  opcode: number;
  masked?: boolean;
  payload: Buffer;
  /** Announce this payload length instead of the real one (lengths over 2^53, for instance). */
  announcedLength?: bigint;
}

/** Encodes a frame byte for byte, so the test can break any rule of RFC 6455. */
export function encodeRawFrame(frame: RawFrame): Buffer {
  const { fin = true, rsv = 0, opcode, masked = true, payload } = frame;
  const length = frame.announcedLength ?? BigInt(payload.length);
  const head: number[] = [(fin ? 0x80 : 0) | ((rsv & 7) << 4) | (opcode & 0x0f)];
  const maskBit = masked ? 0x80 : 0;
  let extended = Buffer.alloc(0);
  if (length < 126n) head.push(maskBit | Number(length));
  else if (length < 65536n) {
    head.push(maskBit | 126);
    extended = Buffer.alloc(2);
    extended.writeUInt16BE(Number(length));
  } else {
    head.push(maskBit | 127);
    extended = Buffer.alloc(8);
    extended.writeBigUInt64BE(length);
  }
  if (!masked) return Buffer.concat([Buffer.from(head), extended, payload]);
  const mask = randomBytes(4);
  const body = Buffer.from(payload);
  for (let i = 0; i < body.length; i++) body[i] = (body[i] ?? 0) ^ (mask[i % 4] ?? 0);
  return Buffer.concat([Buffer.from(head), extended, mask, body]);
}

/** What a raw connection saw. */
export interface RawOutcome {
  /** 'close' with the close code of the server's close frame; otherwise how the socket ended. */
  kind: 'close' | 'http' | 'ended';
  code: number;
}

/**
 * Opens TLS to the agent port, performs the WebSocket upgrade by hand (unless `preUpgrade`
 * bytes replace the HTTP request), then writes `bytes` and reports the first close frame, the
 * HTTP status, or that the socket ended.
 */
export function rawTlsExchange(
  port: number,
  bytes: Buffer,
  options: { preUpgrade?: Buffer; timeoutMs: number },
): Promise<RawOutcome> {
  return new Promise((resolve) => {
    const socket = tlsConnect({ host: '127.0.0.1', port, rejectUnauthorized: false, minVersion: 'TLSv1.3' });
    let buffered = Buffer.alloc(0);
    let upgraded = false;
    let settled = false;
    const finish = (outcome: RawOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(outcome);
    };
    const timer = setTimeout(() => finish({ kind: 'ended', code: 0 }), options.timeoutMs);
    socket.on('secureConnect', () => {
      if (options.preUpgrade) {
        socket.write(options.preUpgrade);
        return;
      }
      socket.write(
        'GET /agent HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
          `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
      );
    });
    socket.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      if (!upgraded) {
        const end = buffered.indexOf('\r\n\r\n');
        if (end < 0) return;
        const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(buffered.subarray(0, end).toString('latin1'))?.[1]);
        if (status !== 101) return finish({ kind: 'http', code: status || 0 });
        upgraded = true;
        buffered = buffered.subarray(end + 4);
        socket.write(bytes);
      }
      // Server frames are unmasked. Skip whole data and pong frames (a reassembled hello gets
      // a challenge, a ping a pong) until the close frame.
      for (;;) {
        if (buffered.length < 2) return;
        const opcode = (buffered[0] ?? 0) & 0x0f;
        let length = (buffered[1] ?? 0) & 0x7f;
        let offset = 2;
        if (length === 126) {
          if (buffered.length < 4) return;
          length = buffered.readUInt16BE(2);
          offset = 4;
        } else if (length === 127) {
          if (buffered.length < 10) return;
          length = Number(buffered.readBigUInt64BE(2));
          offset = 10;
        }
        if (buffered.length < offset + length) return;
        if (opcode === 8) {
          return finish({ kind: 'close', code: length >= 2 ? buffered.readUInt16BE(offset) : 1005 });
        }
        buffered = buffered.subarray(offset + length);
      }
    });
    socket.on('error', () => finish({ kind: 'ended', code: 0 }));
    socket.on('close', () => finish({ kind: 'ended', code: 0 }));
  });
}

/** Writes bytes to the agent port before any TLS; resolves once the server has hung up. */
export function rawTcpGarbage(
  port: number,
  bytes: Buffer,
  timeoutMs: number,
): Promise<'hung-up' | 'timeout'> {
  return new Promise((resolve) => {
    const socket = netConnect({ host: '127.0.0.1', port });
    const timer = setTimeout(() => {
      socket.destroy();
      resolve('timeout');
    }, timeoutMs);
    socket.on('connect', () => socket.write(bytes));
    socket.on('data', () => {});
    socket.on('error', () => {});
    socket.on('close', () => {
      clearTimeout(timer);
      resolve('hung-up');
    });
  });
}

/** Runs tasks with at most `limit` in flight, keeping results in task order. */
export async function runPool<T>(tasks: ReadonlyArray<() => Promise<T>>, limit: number): Promise<T[]> {
  const results = new Array<T>(tasks.length);
  let nextIndex = 0;
  const worker = async () => {
    while (nextIndex < tasks.length) {
      const i = nextIndex++;
      const task = tasks[i];
      if (task) results[i] = await task();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return results;
}
