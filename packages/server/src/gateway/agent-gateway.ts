import { createServer, type Server } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { CloseCode, MAX_AGENT_FRAME_BYTES } from '@muster/protocol';
import { WebSocketServer } from 'ws';
import type { Bus, BusEvent } from '../bus/bus';
import { AgentSession, type SessionDependencies } from './agent-session';
import { HandshakeGate } from './handshake-gate';
import type { TlsCredentials } from './tls-credentials';

/** Where the gateway listens: one or more ports (old and new during a port change). */
export interface GatewayListen {
  host: string;
  ports: number[];
}

/**
 * The agent gateway: TLS 1.3 WebSocket listeners on every configured port, feeding one session
 * registry. Bus events from any server node push settings to, or close, the sessions held here.
 */
export class AgentGateway {
  private readonly servers: Server[] = [];
  private readonly gate: HandshakeGate;
  private readonly gateSlots = new WeakMap<Socket, () => void>();
  private unsubscribe: (() => void) | null = null;

  constructor(
    private readonly tls: TlsCredentials,
    private readonly deps: SessionDependencies,
    private readonly bus: Bus,
    maxPendingHandshakes: number,
  ) {
    this.gate = new HandshakeGate(maxPendingHandshakes);
  }

  /** Starts listening on every port; resolves with the bound ports (0 picks a free one). */
  async listen(options: GatewayListen): Promise<number[]> {
    this.unsubscribe = this.bus.subscribe((event) => void this.onBusEvent(event));
    const bound: number[] = [];
    for (const port of options.ports) {
      const server = createServer(
        { cert: this.tls.cert, key: this.tls.key, minVersion: 'TLSv1.3' },
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
      server.on('connection', (tcp: Socket) => {
        if (!this.gate.tryEnter()) {
          tcp.destroy();
          return;
        }
        let left = false;
        const leave = () => {
          if (left) return;
          left = true;
          this.gate.leave();
        };
        this.gateSlots.set(tcp, leave);
        tcp.once('close', leave);
      });
      wss.on('connection', (ws, req) => {
        const socket = req.socket as TLSSocket & { _parent?: Socket };
        // The slot is given back once the agent is welcomed (or the socket closes).
        const leave = socket._parent ? this.gateSlots.get(socket._parent) : undefined;
        new AgentSession(ws, socket, socket.remoteAddress ?? 'unknown', this.deps, leave);
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

  /** Drops every session (they reconnect and re-verify the server identity). */
  dropAll(reason: string): void {
    this.deps.registry.closeAll(CloseCode.serverRestart, reason);
  }

  /** Stops listening and closes every session. */
  async close(): Promise<void> {
    this.unsubscribe?.();
    this.dropAll('server shutting down');
    await Promise.all(
      this.servers.map(
        (s) =>
          new Promise<void>((resolve) => {
            s.close(() => resolve());
            s.closeAllConnections();
          }),
      ),
    );
  }
}
