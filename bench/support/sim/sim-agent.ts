import { type AgentConnection, type AgentKey, ConnectError, connectAgent } from '@muster/agent';
import {
  type AgentMessage,
  DEFAULT_CHECKIN_PERIOD_SECONDS,
  type ServerAddress,
  type ServerMessage,
} from '@muster/protocol';
import type { Semaphore } from '../semaphore';
import { sleep } from '../wait';
import type { SimBehaviour } from './sim-behaviour';
import { checkinMessage, type SimClient, type SimCounters } from './sim-client';

/** Who one simulated agent is, where it connects and from where. */
export interface SimAgentSpec {
  index: number;
  key: AgentKey;
  /** The servers it was installed with; the welcome's settings replace them. */
  primary: ServerAddress;
  secondary: ServerAddress | null;
  localAddress: string;
  /** Install token of the first connection; null for an agent whose account already exists. */
  enrollToken: string | null;
  hostPrefix: string;
  timeoutMs: number;
}

/** Which configured server a connection goes to. */
export type SimSlot = 'primary' | 'secondary';

/** How one served connection ended: the close reason, and the primary connection it moved to. */
interface Served {
  reason: string;
  movedTo: AgentConnection | null;
}

const sameAddress = (a: ServerAddress, b: ServerAddress) => a.host === b.host && a.port === b.port;

/**
 * One simulated Muster agent. It connects with the agent's own handshake code (connectAgent),
 * enrolls once (or starts with an account written into the store) and then reconnects with its
 * key alone; it acknowledges settings, checks in every period, and answers commands as its
 * behaviour says. Like the agent's ConnectionManager it tries its primary first and its
 * secondary only when the primary fails, probes the primary once a period while on the
 * secondary and moves back when the probe is welcomed, and waits as its behaviour says before
 * reconnecting. Timers run only while needed, so 10,000 idle agents cost one timer each.
 */
export class SimAgent implements SimClient {
  private connection: AgentConnection | null = null;
  private timer: NodeJS.Timeout | null = null;
  private probeTimer: NodeJS.Timeout | null = null;
  /** Bounds the connection attempts in flight in this process (set at start). */
  private gate: Semaphore | null = null;
  private enrolled: boolean;
  private stopped = false;
  private readonly checkin: AgentMessage['checkin'];
  private primary: ServerAddress;
  private secondary: ServerAddress | null;
  /** The slot of the open connection, if any. */
  slot: SimSlot | null = null;
  /** The machine id the server gave this agent (empty until the first welcome). */
  machineId = '';
  everConnected = false;
  connectedAt = 0;
  periodSeconds = DEFAULT_CHECKIN_PERIOD_SECONDS;

  constructor(
    private readonly spec: SimAgentSpec,
    private readonly counters: SimCounters,
    private readonly behaviour: SimBehaviour,
  ) {
    this.checkin = checkinMessage(spec.localAddress);
    this.enrolled = spec.enrollToken === null;
    this.primary = spec.primary;
    this.secondary = spec.secondary;
  }

  /** Whether a welcomed connection is open now. */
  get connected(): boolean {
    return this.connection !== null;
  }

  /** The server address of the open connection, if any. */
  get server(): ServerAddress | null {
    return this.connection?.address ?? null;
  }

  start(gate: Semaphore): void {
    void this.run(gate);
  }

  ping(timeoutMs: number): Promise<boolean> {
    return this.connection ? this.connection.ping(timeoutMs) : Promise.resolve(false);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.probeTimer) clearTimeout(this.probeTimer);
    this.connection?.close(1000, 'simulator stopping');
  }

  private async run(gate: Semaphore): Promise<void> {
    this.gate = gate;
    let attempt = 0;
    while (!this.stopped) {
      const established = await this.connectPreferred();
      let reason: string | null = null;
      if (established) {
        attempt = 0;
        reason = await this.serveUntilClosed(established.connection, established.slot);
        if (this.stopped) break;
      }
      await sleep(this.behaviour.reconnectDelayMs(reason, attempt++, this.periodSeconds * 1000));
    }
  }

  private async connectPreferred(): Promise<{ connection: AgentConnection; slot: SimSlot } | null> {
    const primary = await this.tryConnect(this.primary);
    if (primary) return { connection: primary, slot: 'primary' };
    if (this.secondary && !this.stopped) {
      const secondary = await this.tryConnect(this.secondary);
      if (secondary) return { connection: secondary, slot: 'secondary' };
    }
    return null;
  }

  /**
   * One connection attempt, in a slot of the process's gate: the simulated agents of one
   * process share its CPU, and thousands of handshakes started at once (every agent back after
   * a restart) would each take so long on the client side that the server times them all
   * out. A real agent has its own machine; the gate keeps the simulated ones close to that.
   */
  private tryConnect(address: ServerAddress): Promise<AgentConnection | null> {
    return this.gate ? this.gate.run(() => this.attempt(address)) : this.attempt(address);
  }

  private async attempt(address: ServerAddress): Promise<AgentConnection | null> {
    const s = this.spec;
    try {
      return await connectAgent({
        address,
        key: s.key,
        pinnedServerId: null,
        ...(this.enrolled || s.enrollToken === null ? {} : { enrollToken: s.enrollToken }),
        hostName: `${s.hostPrefix}-${s.index}`,
        hardwareId: `bench-${s.hostPrefix}-hw-${s.index}`,
        agentVersion: 'bench',
        configured: { primary: s.primary, secondary: s.secondary },
        localAddress: s.localAddress,
        timeoutMs: s.timeoutMs,
      });
    } catch (error) {
      this.counters.connectFailures++;
      this.counters.lastError = error instanceof ConnectError ? error.message : String(error);
      return null;
    }
  }

  /** Serves connections, following moves back to the primary, until one closes for good. */
  private async serveUntilClosed(first: AgentConnection, firstSlot: SimSlot): Promise<string> {
    let connection = first;
    let slot = firstSlot;
    for (;;) {
      const served = await this.serve(connection, slot);
      if (!served.movedTo) return served.reason;
      if (this.stopped) {
        served.movedTo.close(1000, 'simulator stopping');
        return served.reason;
      }
      connection = served.movedTo;
      slot = 'primary';
    }
  }

  private serve(connection: AgentConnection, slot: SimSlot): Promise<Served> {
    if (this.stopped) {
      connection.close(1000, 'simulator stopping');
      return Promise.resolve({ reason: '', movedTo: null });
    }
    const welcome = connection.welcome;
    this.enrolled = true;
    this.everConnected = true;
    this.machineId = welcome.machineId;
    this.connectedAt = performance.now();
    this.applySettings(welcome.checkinControl);
    this.connection = connection;
    this.slot = slot;
    connection.send({ t: 'settings-applied', revision: welcome.settingsRevision });
    return new Promise<Served>((resolve) => {
      let closed = false;
      let probe: Promise<AgentConnection | null> | null = null;
      const checkin = () => {
        if (closed) return;
        if (connection.send(this.checkin)) this.counters.sent++;
        this.timer = setTimeout(checkin, this.periodSeconds * 1000);
      };
      // While on the secondary, the primary is probed once a period, as the agent does.
      const scheduleProbe = () => {
        if (slot !== 'secondary' || closed) return;
        this.probeTimer = setTimeout(() => {
          this.probeTimer = null;
          if (closed || this.stopped) return;
          probe = this.tryConnect(this.primary);
          void probe.then((moved) => {
            if (!moved) {
              probe = null;
              scheduleProbe();
            } else if (!closed) connection.close(1000, 'moving back to the primary server');
            // If it closed meanwhile, the close handler below picks the probe up.
          });
        }, this.periodSeconds * 1000);
      };
      connection.on({
        command: (m) => this.onCommand(connection, m, () => !closed, checkin),
        commandAck: (m) => {
          this.counters.acksReceived++;
          this.counters.noteAck(m.id);
          this.behaviour.observer?.acked(this, m.id, performance.now());
        },
        close: (_code, reason) => {
          closed = true;
          if (this.timer) clearTimeout(this.timer);
          if (this.probeTimer) clearTimeout(this.probeTimer);
          this.timer = null;
          this.probeTimer = null;
          this.connection = null;
          this.slot = null;
          const pending: Promise<AgentConnection | null> = probe ?? Promise.resolve(null);
          void pending.then((movedTo) => resolve({ reason, movedTo }));
        },
      });
      this.timer = setTimeout(checkin, this.behaviour.firstCheckinDelayMs(this.periodSeconds * 1000));
      scheduleProbe();
    });
  }

  private onCommand(
    connection: AgentConnection,
    m: ServerMessage['command'],
    open: () => boolean,
    checkin: () => void,
  ): void {
    this.counters.commandsReceived++;
    this.counters.noteCommand(m.id);
    this.behaviour.observer?.received(this, m.id, m.type, performance.now());
    // Settings arrive as an update-checkin-control procedure: applied and acknowledged as the
    // agent does, whatever the behaviour.
    if (m.type === 'update-checkin-control') {
      const settings = readSettings(m.params);
      if (!settings) {
        connection.send({ t: 'command-result', id: m.id, status: 'failed', error: 'malformed settings' });
        return;
      }
      const changed = settings.control.periodSeconds !== this.periodSeconds;
      this.applySettings(settings.control);
      connection.send({ t: 'settings-applied', revision: settings.revision });
      connection.send({ t: 'command-result', id: m.id, status: 'complete' });
      if (changed && this.timer && open()) {
        clearTimeout(this.timer);
        this.timer = setTimeout(checkin, this.periodSeconds * 1000);
      }
    } else {
      const result = this.behaviour.runCommand(m);
      connection.send({ t: 'command-result', id: m.id, ...result });
    }
    this.behaviour.observer?.resultSent(this, m.id, performance.now());
  }

  private applySettings(control: SettingsPart): void {
    if (control.periodSeconds !== undefined) this.periodSeconds = control.periodSeconds;
    if (control.primary) this.primary = control.primary;
    if (control.secondary !== undefined) this.secondary = control.secondary;
  }

  /** Whether this agent's open connection is to `address`. */
  connectedTo(address: ServerAddress): boolean {
    const server = this.server;
    return server !== null && sameAddress(server, address);
  }
}

/** The parts of check-in control a simulated agent follows. */
interface SettingsPart {
  periodSeconds?: number;
  primary?: ServerAddress;
  secondary?: ServerAddress | null;
}

function isAddress(value: unknown): value is ServerAddress {
  const v = value as { host?: unknown; port?: unknown } | null;
  return typeof v === 'object' && v !== null && typeof v.host === 'string' && typeof v.port === 'number';
}

/** The settings and revision of an update-checkin-control procedure, or null if malformed. */
function readSettings(params: Record<string, unknown>): { control: SettingsPart; revision: number } | null {
  const control = params.checkinControl as Record<string, unknown> | undefined;
  const periodSeconds = control?.periodSeconds;
  const revision = params.revision;
  if (typeof periodSeconds !== 'number' || typeof revision !== 'number') return null;
  return {
    control: {
      periodSeconds,
      ...(isAddress(control?.primary) ? { primary: control.primary } : {}),
      ...(control?.secondary === null || isAddress(control?.secondary)
        ? { secondary: control?.secondary as ServerAddress | null }
        : {}),
    },
    revision,
  };
}
