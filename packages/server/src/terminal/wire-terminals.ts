import { networkInterfaces } from 'node:os';
import type { TLSSocket } from 'node:tls';
import { TERMINAL_OUTPUT_WINDOW_BYTES } from '@muster/protocol';
import type { WebSocket } from 'ws';
import type { AuditService } from '../audit/audit.service';
import type { Bus } from '../bus/bus';
import type { TerminalRoutesServices } from '../http/terminal.routes';
import type { ServerIdentity } from '../services/server-identity.service';
import type { StoreBackend } from '../store/interfaces';
import type { AgentTerminals, TerminalAgentSession } from './agent-terminals';
import { TerminalRecordingRetention } from './recording/recording-retention';
import { asciicastFromStored } from './recording/stored-recording';
import { TerminalRecorder } from './recording/terminal-recorder';
import { acceptTerminalRelay } from './relay-server';
import { TerminalService } from './terminal.service';

/**
 * The recorder asks to pause the agent at 2 MiB held; the agent may still send its whole credit
 * window after that, and a record adds 13 bytes to each output frame (six times the window
 * covers frames of 3 bytes or more, a PTY read is usually up to 4 KiB), so the hard limit
 * leaves room for both: fast output is never left out of the recording, and a
 * terminal holds this much only while the store is slower than the shell. What is held counts
 * the chunk being stored (up to 1 MiB): at 1 MiB the agent waited for each commit (a third of
 * the output frames of a 100 MiB cat, 21 ms each on average), at 2 MiB the next chunk gathers
 * while one commits. Larger chunks mean fewer commits.
 */
const RECORDER_LIMITS = {
  highWaterBytes: 2 * 1024 * 1024,
  maxBufferedBytes: 2 * 1024 * 1024 + 6 * TERMINAL_OUTPUT_WINDOW_BYTES + 1024 * 1024,
  flushBytes: 256 * 1024,
};

/** How often a node tells the directory it is alive. */
const HEARTBEAT_MS = 30_000;

/** What the terminals of a node are wired from. */
export interface TerminalWiring {
  store: Pick<StoreBackend, 'terminalSessions' | 'nodes' | 'machines'>;
  nodeId: string;
  identity: () => ServerIdentity;
  agents: { get(machineId: string): TerminalAgentSession | undefined };
  agentTerminals: AgentTerminals;
  bus: Bus;
  audit: AuditService;
  clock: () => number;
  config: {
    terminalIdleMinutes: number;
    terminalRecordInput: boolean;
    terminalRecordingDays: number;
    nodeAddress: string;
    agentHost: string;
  };
  log: { warn(obj: object, msg: string): void; info(obj: object, msg: string): void };
  onError: (error: unknown) => void;
}

/** A node's remote terminals, wired: what the routes, the gateway and the lifecycle call. */
export interface TerminalModule {
  service: TerminalService;
  routes: TerminalRoutesServices;
  /** Serves a relay connection that arrived on an agent port. */
  acceptRelay: (ws: WebSocket, socket: TLSSocket) => void;
  /** Announces the node (with its first agent port) and ends what its last run left live. */
  start: (agentPorts: number[]) => Promise<void>;
  /** Ends this node's live terminals and leaves the directory. */
  stop: () => Promise<void>;
  /**
   * Ends the live sessions of every other node that stopped beating (run with each heartbeat):
   * their browsers lost them when the node died, and nobody else would end them. Returns how
   * many this node ended.
   */
  sweepLostNodes: () => Promise<number>;
}

/** A node that has not beaten for this long is gone: its live sessions are ended by the others. */
const LOST_AFTER_MS = 3 * HEARTBEAT_MS;

/** The address other nodes reach this one at (see the nodeAddress setting). */
export function advertisedHost(nodeAddress: string, agentHost: string): string {
  if (nodeAddress) return nodeAddress;
  if (agentHost && agentHost !== '0.0.0.0' && agentHost !== '::') return agentHost;
  for (const list of Object.values(networkInterfaces()))
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  return '127.0.0.1';
}

/** Builds a node's terminal service, its relay end and its entry in the node directory. */
export function wireTerminals(w: TerminalWiring): TerminalModule {
  const service = new TerminalService({
    nodeId: w.nodeId,
    identity: w.identity,
    findMachine: (id, scope) => w.store.machines.findMachine(id, scope),
    agents: w.agents,
    agentTerminals: w.agentTerminals,
    nodes: w.store.nodes,
    startRecording: (session) =>
      TerminalRecorder.start(w.store.terminalSessions, session, {
        ...RECORDER_LIMITS,
        clock: w.clock,
        onError: (error) => w.log.warn({ err: error, sessionId: session.id }, 'terminal recording'),
      }),
    audit: (event) => w.audit.record(event),
    clock: w.clock,
    idleMs: w.config.terminalIdleMinutes * 60_000,
    recordInput: w.config.terminalRecordInput,
    log: w.log,
  });
  const unsubscribe = w.bus.subscribe((event) => {
    if (event.type === 'terminal-end') service.endHere(event.sessionId, event.by);
  });
  // Every node purges: the purge deletes a batch at a time, so nodes at it together only share the work.
  const retention = new TerminalRecordingRetention(
    w.store.terminalSessions,
    { retentionMs: w.config.terminalRecordingDays * 86_400_000, intervalMs: 10 * 60_000, batchSize: 20 },
    w.clock,
    w.onError,
  );
  let heartbeat: NodeJS.Timeout | null = null;
  /** Ends a node's live sessions in the store and audits each; returns how many. */
  const endOrphans = async (nodeId: string, reason: 'node-restarted' | 'node-lost'): Promise<number> => {
    const ended = await w.store.terminalSessions.endOrphans(nodeId, w.clock(), reason);
    for (const s of ended)
      await w.audit.record({
        actor: null,
        action: 'terminal.end',
        targets: { machines: [s.machineId] },
        details: { sessionId: s.id, node: nodeId, reason, bytesIn: s.bytesIn, bytesOut: s.bytesOut },
        status: null,
        result: 'ok',
      });
    return ended.length;
  };
  const sweepLostNodes = async (): Promise<number> => {
    let ended = 0;
    for (const node of await w.store.nodes.list()) {
      if (node.nodeId === w.nodeId || w.clock() - node.lastSeenAt <= LOST_AFTER_MS) continue;
      const count = await endOrphans(node.nodeId, 'node-lost');
      if (count > 0)
        w.log.warn(
          { lostNode: node.nodeId, sessions: count },
          'ended the terminal sessions of a node that stopped',
        );
      ended += count;
    }
    return ended;
  };
  return {
    service,
    routes: {
      service,
      sessions: w.store.terminalSessions,
      endEverywhere: async (sessionId, by) => {
        if (service.endHere(sessionId, by)) return;
        // A session whose node is gone (no heartbeat for three periods, or never announced)
        // has nobody to end it: it is ended in the store, as its node would have.
        const session = await w.store.terminalSessions.get(sessionId);
        if (!session || session.endedAt !== null) return;
        const node = await w.store.nodes.find(session.nodeId);
        if (!node || w.clock() - node.lastSeenAt > LOST_AFTER_MS) {
          await w.store.terminalSessions.finish(sessionId, {
            endedAt: w.clock(),
            endReason: 'ended-by-admin',
            endedBy: by,
            bytesIn: session.bytesIn,
            bytesOut: session.bytesOut,
          });
          return;
        }
        await w.bus.publish({ type: 'terminal-end', sessionId, by });
      },
      recording: (sessionId) => asciicastFromStored(w.store.terminalSessions.readRecording(sessionId)),
    },
    acceptRelay: (ws, socket) =>
      acceptTerminalRelay(ws, socket, {
        identity: w.identity,
        sessions: w.agents,
        terminals: w.agentTerminals,
        log: w.log,
      }),
    async start(agentPorts) {
      const orphans = await endOrphans(w.nodeId, 'node-restarted');
      if (orphans > 0)
        w.log.warn(
          { nodeId: w.nodeId, sessions: orphans },
          "ended the terminal sessions this node's last run left live",
        );
      retention.start();
      const port = agentPorts[0];
      if (port === undefined) return;
      const relayHost = advertisedHost(w.config.nodeAddress, w.config.agentHost);
      await w.store.nodes.announce({ nodeId: w.nodeId, relayHost, relayPort: port, now: w.clock() });
      heartbeat = setInterval(() => {
        sweepLostNodes().catch(w.onError);
        w.store.nodes
          .heartbeat(w.nodeId, w.clock())
          .then((known) => {
            if (known) return;
            w.log.warn(
              { nodeId: w.nodeId },
              'this node was missing from the node directory; announcing it again',
            );
            return w.store.nodes.announce({ nodeId: w.nodeId, relayHost, relayPort: port, now: w.clock() });
          })
          .catch(w.onError);
      }, HEARTBEAT_MS);
      heartbeat.unref();
    },
    async stop() {
      if (heartbeat) clearInterval(heartbeat);
      unsubscribe();
      retention.stop();
      await service.endAll('the server is shutting down');
    },
    sweepLostNodes,
  };
}
