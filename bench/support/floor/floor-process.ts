import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { spawnNode, stopChild } from '../children';
import type { FloorChildMessage } from './floor-protocol';

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
  counts(timeoutMs = 10_000): Promise<FloorCounts | null> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.child.off('message', onMessage);
        resolve(null);
      }, timeoutMs);
      const onMessage = (raw: unknown) => {
        const m = raw as FloorChildMessage;
        if (m.type !== 'count' || m.id !== id) return;
        clearTimeout(timer);
        this.child.off('message', onMessage);
        resolve({ received: m.received, connections: m.connections });
      };
      this.child.on('message', onMessage);
      this.child.send({ type: 'count', id });
    });
  }

  /**
   * Sends `frame` to every connection the floor server holds and resolves once each has
   * answered (null if not all did within `timeoutMs`).
   */
  fanout(frame: string, timeoutMs: number): Promise<FloorFanout | null> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.child.off('message', onMessage);
        resolve(null);
      }, timeoutMs);
      const onMessage = (raw: unknown) => {
        const m = raw as FloorChildMessage;
        if (m.type !== 'fanout-done' || m.id !== id) return;
        clearTimeout(timer);
        this.child.off('message', onMessage);
        resolve({ sent: m.sent, answered: m.answered, ms: m.ms });
      };
      this.child.on('message', onMessage);
      this.child.send({ type: 'fanout', id, frame });
    });
  }

  /** Stops the floor server. */
  async stop(): Promise<void> {
    await stopChild(this.child, 10_000, 'SIGTERM');
  }
}
