import type { DeviceBackendResult } from '../commands/results';
import type { FanoutResult } from '../support/fanout';
import type { WindowResult } from '../support/load-window';
import type { MachineInfo } from '../support/machine-info';
import type { Summary } from '../support/stats';
import type { TargetRow } from '../support/target-row';
import type { NotifySpan } from './notify-counter';

/** One node's memory before and after the agents connected. */
export interface NodeMemory {
  node: number;
  /** Agents the node reports connected (GET /api/v1/server). */
  agents: number;
  baselineBytes: number;
  connectedBytes: number;
  /** (connected - baseline) / agents, bytes. */
  perAgentBytes: number;
}

/** Every agent connecting to the cluster at once. */
export interface ConnectResult {
  requested: number;
  connected: number;
  onPrimary: number;
  /** The nodes' own counts summed. */
  serverConnected: number;
  seconds: number;
  failedAttempts: number;
  lastError: string;
  nodes: NodeMemory[];
  /** All nodes' RSS growth over all agents, bytes. */
  perAgentBytes: number;
  /** The simulator processes' RSS together with every agent connected (what a full run needs besides the nodes). */
  simulatorRssBytes: number;
  notify: NotifySpan;
}

/** The check-in window over every node. */
export interface CheckinResult {
  window: WindowResult;
  notify: NotifySpan;
}

/** Every node stopped at once and started again. */
export interface StormResult {
  signal: 'SIGTERM' | 'SIGKILL';
  agentsBefore: number;
  /** Until the slowest node had exited, s. */
  stopSeconds: number;
  /** Nodes that had to be killed after the grace time (SIGTERM only). */
  killedAfterGrace: number;
  /** From spawning the nodes again until every one answered, s. */
  startSeconds: number;
  back: number;
  /** From the signal until every agent was welcomed again, s (null: not within the limit). */
  backSeconds: number | null;
  failedAttempts: number;
  /** [seconds after the signal, agents welcomed again] about every 5 s. */
  timeline: Array<[number, number]>;
  /** What the store held afterwards. */
  store: StoreCheck;
  notify: NotifySpan;
  /**
   * CPU seconds from the signal until every agent was back: the new node processes (their
   * start-up included) and the simulators (their connection attempts, failed ones included).
   */
  nodeCpuSeconds: number;
  simulatorCpuSeconds: number;
}

/** The store after a storm: every account still there, and the nodes' counts agree with the agents'. */
export interface StoreCheck {
  machines: number;
  expectedMachines: number;
  /** Accounts the store marks connected, a few seconds after every agent was back. */
  markedConnected: number;
  serverConnected: number;
  /**
   * Machines marked offline while every agent was connected, and still so in a second read
   * five seconds later: lost marks, not moves whose writes were in flight.
   */
  lostMarks?: number;
  /** Every account there, and no lost marks (or the counts agreed outright). */
  ok: boolean;
  /**
   * When fewer are marked connected than are: up to ten of the machines marked offline, with
   * who held the flag last and their connection history (each node's sessions), to read why.
   */
  unmarked?: UnmarkedMachine[];
}

/** A machine marked offline while its agent was connected, as the store had it. */
export interface UnmarkedMachine {
  id: string;
  connectedBy: string | null;
  connectedAttemptAt: number | null;
  lastSeenAt: number | null;
  /** The nodes (by index) that showed it online: those holding a session of it (or, with a recent last check-in, every node). */
  onlineOnNodes: number[];
  /** Its sessions, oldest first: node, start and end (ms), why it ended, check-ins counted. */
  sessions: Array<{
    node: string;
    at: number;
    endedAt: number | null;
    reason: string | null;
    checkins: number;
  }>;
}

/** Commands queued while one node was killed and came back, and what became of them. */
export interface CommandFlow {
  queued: number;
  enqueueFailures: number;
  complete: number;
  /** Queued commands not complete at the end of the wait. */
  notComplete: number;
  byStatus: Record<string, number>;
  /**
   * Deliveries of a command id an agent had already received. A simulated agent answers them
   * as the real one does: from its command journal, with the result it sent, without running again.
   */
  duplicateDeliveries: number;
  /** Of those, deliveries of a command whose result the server had acknowledged (a fault). */
  deliveredAfterAck: number;
  distinctReceived: number;
}

/** One node SIGKILLed while commands flow, then started again. */
export interface NodeLossResult {
  victim: number;
  /** Agents whose primary is the victim (they were on it). */
  victimAgents: number;
  periodSeconds: number;
  /** From SIGKILL until every victim agent was on its secondary (null: not within the limit). */
  onSecondarySeconds: number | null;
  onSecondary: number;
  /** From the victim's restart until every agent was on its primary again. */
  backToPrimarySeconds: number | null;
  onPrimaryAtEnd: number;
  flow: CommandFlow;
  notify: NotifySpan;
}

/** Single-target commands, enqueue request to receipt by the agent. */
export interface LatencySide {
  commands: number;
  failures: number;
  lastFailure: string;
  enqueueToReceiptMs: Summary;
}

/** The command measurements with every agent connected. */
export interface CommandsResult {
  sameNode: LatencySide;
  crossNode: LatencySide;
  /** Null when the fan-out failed (its reason in fanoutError); the latency runs before it are kept. */
  fanout: FanoutResult | null;
  fanoutError?: string;
  /** CPU over the fan-out, from its POST until every result was acknowledged (or it failed). */
  fanoutCpu?: FanoutCpu;
  notify: NotifySpan;
}

/** Where a fan-out's CPU went, seconds: what the per-command cost is measured from. */
export interface FanoutCpu {
  nodes: number;
  simulators: number;
  /** Every core of the machine busy (nodes, simulators, PostgreSQL, the benchmark, the rest). */
  machine: number;
}

/** The bare ws TLS floor under the same per-process load as one node. */
export interface FloorResult {
  connections: number;
  connected: number;
  baselineBytes: number;
  connectedBytes: number;
  perConnectionBytes: number;
  /** From starting the clients until all were connected, s: the floor's connection rate. */
  connectSeconds: number;
  window: WindowResult;
  /** One frame the size of a signed command out to every connection and one answer back. */
  fanout: FloorFanoutResult | null;
}

/** The floor's fan-out: the least a command fan-out costs on this machine (no store, no signing). */
export interface FloorFanoutResult {
  /** Bytes of the frame sent (a signed audit command as the fan-out sends it). */
  frameBytes: number;
  sent: number;
  answered: number;
  /** Until the last answer was read, ms (null: not all answered in time). */
  ms: number | null;
  /** CPU of the floor server and of the simulators over the fan-out, s. */
  serverCpuSeconds: number;
  simulatorCpuSeconds: number;
}

/** Everything one run measured. */
export interface ScaleResults {
  benchmark: 'scale';
  machine: MachineInfo;
  revision: string;
  commandLine: string;
  config: Record<string, unknown>;
  loadAverage: { atStart: number[]; atEnd: number[] };
  seedSeconds: number;
  nodeStartSeconds: number[];
  connect: ConnectResult | null;
  checkin: CheckinResult | null;
  storms: StormResult[];
  nodeLoss: NodeLossResult | null;
  commands: CommandsResult | null;
  devices: DeviceBackendResult[];
  floor: FloorResult | null;
  errors: string[];
  targets: TargetRow[];
  durationSeconds: number;
}
