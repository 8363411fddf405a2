import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { spawnNode, stopChild } from '../support/children';
import { REPO_ROOT } from '../support/paths';
import { readCpuSeconds } from '../support/proc-stats';
import { waitUntil } from '../support/wait';
import {
  PROXY_CONFIG_ENV,
  type ProxyCommand,
  type ProxyConfig,
  type ProxyCounters,
  type ProxyMessage,
  type ProxyRequest,
} from './proxy-protocol';

const PROXY_CHILD = fileURLToPath(new URL('./proxy-child.ts', import.meta.url));

/** Bytes a pass put on the wire, each direction (differences of the proxy's counters). */
export interface WireBytes {
  clientToServer: number;
  serverToClient: number;
}

/** The parent's handle on the counting proxy process. */
export class CountingProxy {
  private nextId = 1;
  private readonly pending = new Map<number, (counters: Record<string, ProxyCounters>) => void>();
  private readonly cutWaiters = new Map<string, (bytes: number) => void>();

  private constructor(
    private readonly child: ChildProcess,
    /** Listening port per service. */
    readonly ports: Record<string, number>,
  ) {
    child.on('message', (message: ProxyMessage) => {
      if (message.type === 'reply') {
        this.pending.get(message.id)?.(message.counters);
        this.pending.delete(message.id);
      } else if (message.type === 'cut') {
        this.cutWaiters.get(message.service)?.(message.bytes);
        this.cutWaiters.delete(message.service);
      }
    });
  }

  /** Starts the proxy process with one listener per service (service name to target port). */
  static async start(targets: Record<string, number>): Promise<CountingProxy> {
    const config: ProxyConfig = { targets };
    const child = spawnNode(['--import', 'tsx', PROXY_CHILD], {
      cwd: REPO_ROOT,
      env: { ...process.env, [PROXY_CONFIG_ENV]: JSON.stringify(config) },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const ports = await new Promise<Record<string, number>>((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`counting proxy exited (${code})`)));
      child.on('message', (message: ProxyMessage) => {
        if (message.type === 'listening') resolve(message.ports);
      });
    });
    return new CountingProxy(child, ports);
  }

  /** The proxy's process id (its CPU is reported apart from both sides). */
  get pid(): number {
    return this.child.pid!;
  }

  /** CPU the proxy has used so far, seconds. */
  cpuSeconds(): number {
    return readCpuSeconds(this.pid);
  }

  private request(body: ProxyCommand): Promise<Record<string, ProxyCounters>> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.child.send({ ...body, id } as ProxyRequest);
    });
  }

  /** Counters of one service. */
  async counters(service: string): Promise<ProxyCounters> {
    const all = await this.request({ cmd: 'counters' });
    return all[service]!;
  }

  /**
   * Arms a cut: the next connection to `service` stops forwarding once `afterBytes` went from
   * client to service. Once armed, `cut` resolves with the bytes carried when the cut happens.
   */
  async armCut(service: string, afterBytes: number): Promise<{ cut: Promise<number> }> {
    const cut = new Promise<number>((resolve) => this.cutWaiters.set(service, resolve));
    await this.request({ cmd: 'cut', service, afterBytes });
    return { cut };
  }

  /** Waits until no connection of `service` is open (the pass's last bytes are counted). */
  async settle(service: string, timeoutMs = 30_000): Promise<ProxyCounters> {
    const outcome = await waitUntil(
      () => this.counters(service),
      (c) => c.open === 0,
      timeoutMs,
      50,
    );
    return outcome.value;
  }

  /** Stops the proxy process. */
  async stop(): Promise<void> {
    await stopChild(this.child, 5000);
  }
}

/** The bytes between two counter readings. */
export function wireBetween(before: ProxyCounters, after: ProxyCounters): WireBytes {
  return {
    clientToServer: after.clientToServer - before.clientToServer,
    serverToClient: after.serverToClient - before.serverToClient,
  };
}
