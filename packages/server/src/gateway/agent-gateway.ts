import { createServer, type Server } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import {
  BINARY_TERMINAL_OUTPUT_FEATURE,
  CloseCode,
  MAX_AGENT_FRAME_BYTES,
  SERVER_FEATURES_HEADER,
  withReconnectWindow,
} from '@muster/protocol';
import { type WebSocket, WebSocketServer } from 'ws';
import type { Bus, BusEvent } from '../bus/bus';
import { RELAY_PATH } from '../terminal/relay-messages';
import { AGENT_PORT_ALPN } from './agent-port-alpn';
import { AgentSession, type SessionDependencies } from './agent-session';
import { type GateTicket, HandshakeGate, type HandshakeLimits } from './handshake-gate';
import { reconnectWindowSeconds } from './reconnect-window';
import type { TlsCredentials } from './tls-credentials';

/** Where the gateway listens: one or more ports (old and new during a port change). */
export interface GatewayListen {
  host: string;
  ports: number[];
}

/** How many connections may be in their handshake, and how they share the slots. */
export interface GatewayLimits {
  /** Connections in their handshake at once (TCP accepted, agent not yet welcomed). */
  maxPendingHandshakes: number;
  /** Of those, at most this many from one source address (IPv6: one /64). */
  maxPendingHandshakesPerAddress: number;
  /** Agents per second this node asks back after dropping its sessions at once (see dropAll). */
  reconnectRatePerSecond: number;
  /**
   * Connections of the agent ports this node holds at most, in their handshake or established
   * (see agentConnectionLimit); more are closed as they arrive, and their agents try their
   * other server.
   */
  maxAgentConnections: number;
}

/** How long a stopping gateway waits, at most, for its sessions' ends after their sockets closed. */
const SESSIONS_END_WAIT_MS = 30_000;

/** How often the gateway says, at most, that it turns connections away at its limit. */
const FULL_WARNING_INTERVAL_MS = 60_000;

/**
 * How long a shutdown waits for agents to answer their close frames before it ends their
 * connections itself. An agent that does not answer (stopped, or its network gone) held the
 * shutdown for ws's 30 s close timeout; with thousands such a node took a minute to stop
 * (bench/results/scale-100000.md). The close frames are in the kernel's buffers long before
 * this, and the kernel still sends them after the socket is closed.
 */
export const SHUTDOWN_CLOSE_GRACE_MS = 2000;

/** Slots kept for addresses agents were admitted from: a quarter, at least one when there are two. */
function gateLimits(limits: GatewayLimits, handshakeTimeoutMs: number): HandshakeLimits {
  const total = limits.maxPendingHandshakes;
  return {
    total,
    perSource: Math.min(total, limits.maxPendingHandshakesPerAddress),
    reservedForKnown: total >= 2 ? Math.max(1, Math.floor(total / 4)) : 0,
    // Well above a real agent's TLS handshake, well below the deadline.
    idleMs: Math.min(1000, Math.floor(handshakeTimeoutMs / 4)),
  };
}

/** A connection's place in the handshake gate, with its deadline. */
interface GateSlot {
  ticket: GateTicket;
  /** The WebSocket is up: the session's handshake timer takes over from the TCP deadline. */
  upgraded(): void;
  leave(): void;
}

/**
 * The agent gateway: TLS 1.3 WebSocket listeners on every configured port, feeding one session
 * registry. Bus events from any server node push settings to, or close, the sessions held here.
 */
export class AgentGateway {
  private readonly servers: Server[] = [];
  private readonly gate: HandshakeGate;
  private readonly gateSlots = new WeakMap<Socket, GateSlot>();
  private unsubscribe: (() => void) | null = null;
  private readonly reconnectRate: number;
  private readonly maxConnections: number;
  /** Connections turned away at the limit since the last warning, and when that was. */
  private refusedFull = 0;
  private fullWarnedAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly tls: TlsCredentials,
    private readonly deps: SessionDependencies,
    private readonly bus: Bus,
    limits: GatewayLimits,
  ) {
    this.reconnectRate = limits.reconnectRatePerSecond;
    this.maxConnections = limits.maxAgentConnections;
    this.gate = new HandshakeGate(gateLimits(limits, deps.handshakeTimeoutMs));
  }

  /** Every TCP connection of the agent ports still open, so a shutdown can end those left. */
  private readonly sockets = new Set<Socket>();
  /** Agent sessions whose WebSocket has not yet closed (in their handshake or welcomed). */
  private openSessions = 0;
  /** Called when the last open session has ended, while a shutdown waits for that. */
  private lastSessionEnded: (() => void) | null = null;

  private relay: ((ws: WebSocket, socket: TLSSocket) => void) | null = null;

  /** Serves connections to RELAY_PATH (terminal relays between nodes) with `accept`. */
  onRelay(accept: (ws: WebSocket, socket: TLSSocket) => void): void {
    this.relay = accept;
  }

  /** Starts listening on every port; resolves with the bound ports (0 picks a free one). */
  async listen(options: GatewayListen): Promise<number[]> {
    this.unsubscribe = this.bus.subscribe((event) => void this.onBusEvent(event));
    const bound: number[] = [];
    for (const port of options.ports) {
      const server = createServer(
        {
          cert: this.tls.cert,
          key: this.tls.key,
          minVersion: 'TLSv1.3',
          // Node's default (120 s) let an idle socket hold a handshake slot for two minutes.
          handshakeTimeout: this.deps.handshakeTimeoutMs,
          ...AGENT_PORT_ALPN,
        },
        (_req, res) => {
          res
            .writeHead(426, { 'content-type': 'text/plain' })
            .end('This is the Muster agent port; agents connect here with a WebSocket.\n');
        },
      );
      // Keep idle TLS handshakes from holding sockets forever.
      server.headersTimeout = 15_000;
      const wss = new WebSocketServer({
        server,
        maxPayload: MAX_AGENT_FRAME_BYTES,
        perMessageDeflate: false,
        clientTracking: false,
      });
      // The optional features this port takes; an agent uses one only when it is named here.
      wss.on('headers', (headers) =>
        headers.push(`${SERVER_FEATURES_HEADER}: ${BINARY_TERMINAL_OUTPUT_FEATURE}`),
      );
      server.on('connection', (tcp: Socket) => this.onTcpConnection(tcp));
      server.on('secureConnection', (socket: TLSSocket & { _parent?: Socket }) => {
        if (socket._parent) this.gateSlots.get(socket._parent)?.ticket.secured();
      });
      wss.on('connection', (ws, req) => {
        const socket = req.socket as TLSSocket & { _parent?: Socket };
        const address = socket.remoteAddress ?? 'unknown';
        const slot = socket._parent ? this.gateSlots.get(socket._parent) : undefined;
        // From here the session's own handshake timer applies (it closes with code 4002).
        slot?.upgraded();
        if (req.url === RELAY_PATH && this.relay) {
          // Another node relaying a remote terminal: it proves the server identity itself.
          slot?.leave();
          this.relay(ws, socket);
          return;
        }
        // The slot is given back once the agent is welcomed (or the socket closes); an address
        // an agent was welcomed from counts as known from then on (see HandshakeGate).
        const welcomed = () => {
          this.gate.remember(address);
          slot?.leave();
        };
        new AgentSession(ws, socket, address, this.deps, welcomed);
        // After the session's own close handler (listeners run in order): its end is noted.
        this.openSessions++;
        ws.once('close', () => this.sessionEnded());
      });
      wss.on('error', (error) => this.deps.log.warn({ err: error }, 'agent gateway error'));
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen({ host: options.host, port, backlog: 4096 }, () => {
          server.off('error', reject);
          resolve();
        });
      });
      this.servers.push(server);
      bound.push((server.address() as AddressInfo).port);
    }
    return bound;
  }

  /**
   * Admits a TCP connection into the handshake gate, or drops it. A connection that has not
   * finished TLS and its WebSocket upgrade within the handshake timeout is dropped, so one
   * that says nothing gives its slot back quickly (the session then times the proof).
   */
  private onTcpConnection(tcp: Socket): void {
    const metrics = this.deps.metrics;
    if (this.sockets.size >= this.maxConnections) {
      metrics.handshake('full');
      tcp.destroy();
      this.warnFull();
      return;
    }
    this.sockets.add(tcp);
    tcp.once('close', () => this.sockets.delete(tcp));
    const ticket = this.gate.tryEnter(tcp.remoteAddress ?? 'unknown', () => {
      metrics.handshake('busy');
      tcp.destroy();
    });
    if (!ticket) {
      metrics.handshake('busy');
      tcp.destroy();
      return;
    }
    const deadline = setTimeout(() => {
      metrics.handshake('timeout');
      tcp.destroy();
    }, this.deps.handshakeTimeoutMs);
    deadline.unref();
    const slot: GateSlot = {
      ticket,
      upgraded: () => clearTimeout(deadline),
      leave: () => {
        clearTimeout(deadline);
        ticket.leave();
      },
    };
    this.gateSlots.set(tcp, slot);
    tcp.once('close', slot.leave);
  }

  private sessionEnded(): void {
    this.openSessions--;
    if (this.openSessions === 0) this.lastSessionEnded?.();
  }

  /**
   * Resolves once every session has ended (each noted its end for the store), or after
   * `timeoutMs` with how many had not.
   */
  private async sessionsEnded(timeoutMs: number): Promise<number> {
    if (this.openSessions === 0) return 0;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      new Promise<void>((resolve) => {
        this.lastSessionEnded = resolve;
      }),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, timeoutMs);
      }),
    ]);
    clearTimeout(timer);
    this.lastSessionEnded = null;
    return this.openSessions;
  }

  /** Says, once a minute at most, that connections are turned away at the limit (and how many). */
  private warnFull(): void {
    this.refusedFull++;
    const now = this.deps.clock();
    if (now - this.fullWarnedAt < FULL_WARNING_INTERVAL_MS) return;
    this.deps.log.warn(
      { limit: this.maxConnections, refused: this.refusedFull },
      'agent connections turned away: this node holds as many as maxAgentConnections allows; their agents try their other server',
    );
    this.refusedFull = 0;
    this.fullWarnedAt = now;
  }

  /** Whether every port this gateway was given is still bound. */
  get listening(): boolean {
    return this.servers.length > 0 && this.servers.every((s) => s.listening);
  }

  /** Number of agents connected to this node. */
  get connectedAgents(): number {
    return this.deps.registry.size;
  }

  private async onBusEvent(event: BusEvent): Promise<void> {
    try {
      if (event.type === 'commands-queued') {
        const sessions = event.machineIds.flatMap((id) => {
          const session = this.deps.registry.get(id);
          return session?.active ? [session] : [];
        });
        await this.deps.dispatcher.pumpMany(sessions);
      } else if (event.type === 'machine-suspension') {
        this.deps.registry.get(event.machineId)?.setSuspended(event.suspended);
      } else if (event.type === 'machines-removed') {
        for (const id of event.machineIds) {
          this.deps.registry
            .get(id)
            ?.close(CloseCode.machineRemoved, 'this machine was removed from the server');
        }
      }
    } catch (error) {
      this.deps.log.warn({ err: error, event: event.type }, 'could not apply bus event');
    }
  }

  /**
   * Drops every session (they reconnect and re-verify the server identity). The close tells
   * each agent a window sized to the agents held here, so they come back spread over it
   * instead of all in the same second.
   */
  dropAll(reason: string): void {
    const window = reconnectWindowSeconds(this.deps.registry.size, this.reconnectRate);
    this.deps.registry.closeAll(CloseCode.serverRestart, withReconnectWindow(reason, window));
  }

  /**
   * Stops listening and closes every session: each agent gets its close frame (with the
   * reconnect window), and connections still open SHUTDOWN_CLOSE_GRACE_MS later are ended.
   */
  async close(): Promise<void> {
    this.unsubscribe?.();
    this.dropAll('server shutting down');
    const closed = Promise.all(
      this.servers.map(
        (s) =>
          new Promise<void>((resolve) => {
            s.close(() => resolve());
            s.closeAllConnections();
          }),
      ),
    );
    let timer: NodeJS.Timeout | undefined;
    const graceOver = await Promise.race([
      closed.then(() => false),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(true), SHUTDOWN_CLOSE_GRACE_MS);
      }),
    ]);
    clearTimeout(timer);
    if (graceOver && this.sockets.size > 0) {
      this.deps.log.info(
        { connections: this.sockets.size, graceMs: SHUTDOWN_CLOSE_GRACE_MS },
        'ending agent connections that did not answer their close in time',
      );
      for (const socket of this.sockets) socket.destroy();
    }
    await closed;
    // The server reports closed as its TCP sockets close; the TLS and WebSocket close events,
    // with each session's end, follow on later turns: seconds later with 17,000 sessions
    // (bench:scale), after the caller's last flush of the store's writes had gone, leaving
    // machines marked connected and histories open. Wait for them.
    const left = await this.sessionsEnded(SESSIONS_END_WAIT_MS);
    if (left > 0)
      this.deps.log.warn({ sessions: left }, 'agent sessions had not ended when the gateway stopped waiting');
  }
}
