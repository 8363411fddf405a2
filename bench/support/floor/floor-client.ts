import { type AgentMessage, MAX_AGENT_FRAME_BYTES, type ServerAddress } from '@muster/protocol';
import WebSocket from 'ws';
import type { Semaphore } from '../semaphore';
import { checkinMessage, type SimClient, type SimCounters } from '../sim/sim-client';

/** Where one floor client connects, from where, and how often it sends. */
export interface FloorClientSpec {
  address: ServerAddress;
  localAddress: string;
  periodSeconds: number;
  timeoutMs: number;
}

/**
 * What a floor client answers to any frame of the server (a fan-out): the size of an agent's
 * command-result of a command that completed (command ids are 32 hex digits).
 */
const ANSWER = JSON.stringify({
  t: 'command-result',
  id: '0'.repeat(32),
  status: 'complete',
  exitCode: 0,
});

/**
 * One plain `ws` TLS 1.3 client of the floor server: no handshake messages, no identity, just
 * the same check-in frame at the same period once check-ins are switched on, and one answer
 * to each frame the server sends.
 */
export class FloorClient implements SimClient {
  private ws: WebSocket | null = null;
  private timer: NodeJS.Timeout | null = null;
  private sending = false;
  private readonly checkin: AgentMessage['checkin'];
  connected = false;
  everConnected = false;
  connectedAt = 0;

  constructor(
    private readonly spec: FloorClientSpec,
    private readonly counters: SimCounters,
  ) {
    this.checkin = checkinMessage(spec.localAddress);
  }

  get periodSeconds(): number {
    return this.spec.periodSeconds;
  }

  start(gate: Semaphore): void {
    void gate.run(() => this.connect());
  }

  /** Starts or stops the check-ins; the first one comes at a random point of the period. */
  setCheckins(on: boolean): void {
    this.sending = on;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (on && this.connected) this.schedule(Math.random() * this.spec.periodSeconds * 1000);
  }

  ping(timeoutMs: number): Promise<boolean> {
    const ws = this.ws;
    return new Promise((resolve) => {
      if (!ws || ws.readyState !== WebSocket.OPEN) return resolve(false);
      const timer = setTimeout(() => {
        ws.off('pong', onPong);
        resolve(false);
      }, timeoutMs);
      const onPong = () => {
        clearTimeout(timer);
        resolve(true);
      };
      ws.once('pong', onPong);
      ws.ping();
    });
  }

  stop(): void {
    this.sending = false;
    if (this.timer) clearTimeout(this.timer);
    this.ws?.close(1000, 'simulator stopping');
  }

  private schedule(delayMs: number): void {
    this.timer = setTimeout(() => {
      const ws = this.ws;
      if (!this.sending || !ws || ws.readyState !== WebSocket.OPEN) return;
      ws.send(JSON.stringify(this.checkin));
      this.counters.sent++;
      this.schedule(this.spec.periodSeconds * 1000);
    }, delayMs);
  }

  private connect(): Promise<void> {
    const { address, localAddress, timeoutMs } = this.spec;
    return new Promise<void>((resolve) => {
      const ws = new WebSocket(`wss://${address.host}:${address.port}/agent`, {
        rejectUnauthorized: false,
        minVersion: 'TLSv1.3',
        localAddress,
        handshakeTimeout: timeoutMs,
        maxPayload: MAX_AGENT_FRAME_BYTES,
        perMessageDeflate: false,
      } as WebSocket.ClientOptions);
      this.ws = ws;
      ws.on('message', () => ws.send(ANSWER));
      ws.on('open', () => {
        this.connected = true;
        this.everConnected = true;
        this.connectedAt = performance.now();
        if (this.sending) this.schedule(Math.random() * this.spec.periodSeconds * 1000);
        resolve();
      });
      ws.on('error', (error) => {
        if (!this.connected) {
          this.counters.connectFailures++;
          this.counters.lastError = error.message;
        }
        resolve();
      });
      ws.on('close', () => {
        this.connected = false;
        if (this.timer) clearTimeout(this.timer);
        resolve();
      });
    });
  }
}
