import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { spawnNode, stopChild } from '../children';
import type { FloorChildMessage, FloorParentMessage } from './floor-protocol';

const FLOOR_SERVER = fileURLToPath(new URL('./floor-server.ts', import.meta.url));

/** What the floor server has seen so far. */
export interface FloorCounts {
  received: number;
  connections: number;
}

/** A fan-out of one frame to every floor connection, as the floor server timed it. */
export interface FloorFanout {
  sent: number;
  answered: number;
  /** From the first frame sent until the last answer was read, ms. */
  ms: number;
}

/** The floor server child process, seen from the orchestrator. */
export class FloorServerProcess {
  private nextId = 1;

  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
  ) {}

  /** Starts the floor server on a loopback address and resolves with it listening. */
  static async start(host: string, cwd: string, timeoutMs = 60_000): Promise<FloorServerProcess> {
    const child = spawnNode(['--import', 'tsx', FLOOR_SERVER, host], {
      cwd,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('floor server did not start in time')), timeoutMs);
      child.on('message', (raw) => {
        const m = raw as FloorChildMessage;
        if (m.type === 'listening') {
          clearTimeout(timer);
          resolve(m.port);
        }
      });
      child.once('exit', () => reject(new Error('floor server exited at start')));
    });
    return new FloorServerProcess(child, port);
  }

  /** The floor server's pid. */
  get pid(): number {
    if (this.child.pid === undefined) throw new Error('floor server has no pid');
    return this.child.pid;
  }

  /** Messages received and connections open, as the floor server counts them. */
  async counts(timeoutMs = 10_000): Promise<FloorCounts | null> {
    const m = await this.ask((id) => ({ type: 'count', id }), 'count', timeoutMs);
    return m ? { received: m.received, connections: m.connections } : null;
  }

  /**
   * Sends `frame` to every connection the floor server holds and resolves once each has
   * answered (null if not all did within `timeoutMs`).
   */
  async fanout(frame: string, timeoutMs: number): Promise<FloorFanout | null> {
    const m = await this.ask((id) => ({ type: 'fanout', id, frame }), 'fanout-done', timeoutMs);
    return m ? { sent: m.sent, answered: m.answered, ms: m.ms } : null;
  }

  /** Sends a request with a fresh id; resolves with the answer of `type` carrying it, or null in time. */
  private ask<T extends Exclude<FloorChildMessage, { type: 'listening' }>['type']>(
    request: (id: number) => FloorParentMessage,
    type: T,
    timeoutMs: number,
  ): Promise<Extract<FloorChildMessage, { type: T }> | null> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.child.off('message', onMessage);
        resolve(null);
      }, timeoutMs);
      const onMessage = (raw: unknown) => {
        const m = raw as FloorChildMessage;
        if (m.type !== type || !('id' in m) || m.id !== id) return;
        clearTimeout(timer);
        this.child.off('message', onMessage);
        resolve(m as Extract<FloorChildMessage, { type: T }>);
      };
      this.child.on('message', onMessage);
      this.child.send(request(id));
    });
  }

  /** Stops the floor server. */
  async stop(): Promise<void> {
    await stopChild(this.child, 10_000, 'SIGTERM');
  }
}
