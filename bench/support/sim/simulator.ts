/**
 * Simulator child process: runs a share of the simulated agents (or floor clients), answers
 * the orchestrator over the IPC channel, and on request runs a latency measurement (enqueuer
 * and agents in this one process, on one clock) or collects fan-out receipts. It exits when
 * told to stop or when the orchestrator goes away.
 */
import { generateAgentKey } from '@muster/agent';
import type { ServerAddress } from '@muster/protocol';
import { FloorClient } from '../floor/floor-client';
import { Semaphore } from '../semaphore';
import { sleep } from '../wait';
import { seededAgentKey } from './agent-keys';
import { CommandRecorder } from './command-recorder';
import { runLatency } from './latency-run';
import { nodesOf } from './placement';
import { SimAgent } from './sim-agent';
import { agentBehaviour } from './sim-behaviour';
import type { SimClient, SimCounters } from './sim-client';
import type { ChildMessage, LatencyRequest, ParentMessage, SimConfig, SimStatus } from './sim-protocol';

const seenCommands = new Set<string>();
const ackedCommands = new Set<string>();
let duplicateDeliveries = 0;
let deliveredAfterAck = 0;
const counters: SimCounters = {
  sent: 0,
  connectFailures: 0,
  lastError: '',
  commandsReceived: 0,
  acksReceived: 0,
  noteCommand(id) {
    if (seenCommands.has(id)) duplicateDeliveries++;
    else seenCommands.add(id);
    if (ackedCommands.has(id)) deliveredAfterAck++;
  },
  noteAck(id) {
    ackedCommands.add(id);
  },
};
const recorder = new CommandRecorder();
let clients: SimClient[] = [];
let agents: SimAgent[] = [];
let floorClients: FloorClient[] = [];
let config: SimConfig | null = null;
let markAt = Number.POSITIVE_INFINITY;

function send(message: ChildMessage): void {
  process.send?.(message);
}

/** An agent's first primary and secondary (see placement.ts). */
function placement(servers: ServerAddress[], index: number): [ServerAddress, ServerAddress | null] {
  const placed = nodesOf(index, servers.length);
  const primary = servers[placed.primary] as ServerAddress;
  const secondary = servers.length > 1 ? (servers[placed.secondary] as ServerAddress) : null;
  return [primary, secondary];
}

function configure(c: SimConfig): void {
  config = c;
  const behaviour = agentBehaviour(recorder);
  for (let i = 0; i < c.count; i++) {
    const index = c.firstIndex + i;
    const localAddress = c.sourceAddresses[index % c.sourceAddresses.length] ?? '127.0.0.1';
    const [primary, secondary] = placement(c.servers, index);
    if (c.mode === 'muster') {
      const agent = new SimAgent(
        {
          index,
          key: c.identity.kind === 'seeded' ? seededAgentKey(c.identity.seed, index) : generateAgentKey(),
          primary,
          secondary,
          localAddress,
          enrollToken: c.identity.kind === 'enroll' ? c.identity.token : null,
          hostPrefix: c.hostPrefix,
          timeoutMs: c.connectTimeoutMs,
        },
        counters,
        behaviour,
      );
      agents.push(agent);
      clients.push(agent);
    } else {
      const client = new FloorClient(
        {
          address: primary,
          localAddress,
          periodSeconds: c.floorPeriodSeconds,
          timeoutMs: c.connectTimeoutMs,
        },
        counters,
      );
      floorClients.push(client);
      clients.push(client);
    }
  }
}

function status(): SimStatus {
  const s: SimStatus = {
    connected: 0,
    onPrimary: 0,
    onSecondary: 0,
    everConnected: 0,
    welcomedSinceMark: 0,
    sent: counters.sent,
    connectFailures: counters.connectFailures,
    lastError: counters.lastError,
    periods: {},
    commandsReceived: counters.commandsReceived,
    acksReceived: counters.acksReceived,
    duplicateDeliveries,
    deliveredAfterAck,
    distinctCommands: seenCommands.size,
  };
  for (const c of clients) {
    if (c.everConnected) s.everConnected++;
    if (!c.connected) continue;
    s.connected++;
    if (c.connectedAt >= markAt) s.welcomedSinceMark++;
    const key = String(c.periodSeconds);
    s.periods[key] = (s.periods[key] ?? 0) + 1;
  }
  for (const a of agents) {
    if (a.slot === 'primary') s.onPrimary++;
    else if (a.slot === 'secondary') s.onSecondary++;
  }
  return s;
}

async function drain(id: number, timeoutMs: number): Promise<void> {
  const started = performance.now();
  const open = clients.filter((c) => c.connected);
  const answers = await Promise.all(open.map((c) => c.ping(timeoutMs)));
  send({
    type: 'drained',
    id,
    answered: answers.filter(Boolean).length,
    total: open.length,
    ms: performance.now() - started,
  });
}

async function latency(id: number, request: LatencyRequest): Promise<void> {
  const api = config?.api;
  const run = api
    ? await runLatency(
        agents,
        recorder,
        { httpUrl: request.httpUrl ?? api.httpUrl, adminToken: api.adminToken },
        request,
      )
    : { samples: [], failures: request.count, lastFailure: 'the simulator has no API to enqueue through' };
  send({ type: 'latency', id, run });
}

async function stop(): Promise<void> {
  for (const c of clients) c.stop();
  await sleep(500);
  send({ type: 'stopped' });
  clients = [];
  agents = [];
  floorClients = [];
  process.exit(0);
}

/** One handler per message type. */
const handlers: { [K in ParentMessage['type']]: (m: Extract<ParentMessage, { type: K }>) => void } = {
  config: (m) => {
    configure(m.config);
    send({ type: 'ready' });
  },
  connect: () => {
    const gate = new Semaphore(config?.concurrency ?? 50);
    for (const c of clients) c.start(gate);
  },
  'floor-checkins': (m) => {
    for (const c of floorClients) c.setCheckins(m.on);
  },
  mark: () => {
    markAt = performance.now();
  },
  'reset-command-counts': () => {
    seenCommands.clear();
    ackedCommands.clear();
    duplicateDeliveries = 0;
    deliveredAfterAck = 0;
  },
  status: (m) => send({ type: 'status', id: m.id, status: status() }),
  drain: (m) => void drain(m.id, m.timeoutMs),
  latency: (m) => void latency(m.id, m.request),
  'fanout-mark': (m) => {
    recorder.markFanout(m.commandType);
    send({ type: 'fanout-marked', id: m.id });
  },
  'fanout-report': (m) => send({ type: 'fanout-report', id: m.id, report: recorder.fanoutReport() }),
  stop: () => void stop(),
};

process.on('message', (raw) => {
  const message = raw as ParentMessage;
  (handlers[message.type] as (m: ParentMessage) => void)(message);
});
process.on('disconnect', () => process.exit(0));
