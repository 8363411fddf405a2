import type { FanoutResult } from '../support/fanout';
import type { MachineInfo } from '../support/machine-info';
import type { Summary } from '../support/stats';
import type { TargetRow } from '../support/target-row';
import type { Backend } from './args';
import type { SeedResult } from './seed';

/** Single-target commands: enqueue request to agent receipt. */
export interface LatencyResult {
  commands: number;
  failures: number;
  lastFailure: string;
  /** Enqueue request start to receipt by the agent (the target's measure). */
  enqueueToReceiptMs: Summary;
  /** Enqueue request start to the 201 answer. */
  enqueueToResponseMs: Summary;
  /** Agent's command-result to the server's command-ack. */
  resultToAckMs: Summary;
}

/** The agent measurements on one server. */
export interface AgentsResult {
  backend: Backend;
  requested: number;
  connected: number;
  serverConnectedAgents: number;
  enrollSeconds: number;
  connectFailures: number;
  lastError: string;
  serverRssBytes: number;
  /** 1, 5 and 15 minute load averages just before the latency run (other work on the machine). */
  loadAverageAtLatency: number[];
  latency: LatencyResult;
  fanout: FanoutResult;
}

/** One POST /commands to devices. */
export interface EnqueueRequestResult {
  ids: number;
  bodyBytes: number;
  status: number;
  ms: number;
  /** The error text for a refused request. */
  error: string | null;
}

/** Queueing one command for every seeded device. */
export interface DeviceEnqueueResult {
  devices: number;
  commandType: string;
  /** All ids in one request (refused above the API body limit). */
  single: EnqueueRequestResult;
  /** All ids in consecutive requests of the largest size the body limit accepts. */
  batches: EnqueueRequestResult[];
  batchedTotalMs: number;
  batchedQueued: number;
}

/** Signed check-ins that each drain a full queue. */
export interface DrainResult {
  finishedCommandsInTable: number;
  pendingPerCheckin: number;
  rounds: number;
  /** Rounds whose check-in handed over exactly the pending commands. */
  fullDrains: number;
  checkinMs: Summary;
  /** The results report of the drained commands (not a target, for context). */
  resultsMs: Summary;
  failures: number;
  lastFailure: string;
}

/** The device measurements on one backend. */
export interface DeviceBackendResult {
  backend: Backend;
  /** 1, 5 and 15 minute load averages when the enqueue measurement began. */
  loadAverageAtEnqueue: number[];
  seed: SeedResult | null;
  enqueue: DeviceEnqueueResult | null;
  /** The same with a push-capable command type (each queued command looks its device up). */
  enqueuePushType: DeviceEnqueueResult | null;
  drain: DrainResult | null;
  error: string | null;
}

/** Everything a run measured, as written to the JSON file. */
export interface CommandsBenchResults {
  benchmark: 'commands';
  machine: MachineInfo;
  /** The commit of the measured code (git-revision.ts). */
  revision: string;
  commandLine: string;
  config: Record<string, unknown>;
  agents: AgentsResult | null;
  agentsError: string | null;
  devices: DeviceBackendResult[];
  targets: TargetRow[];
  findings: string[];
  durationSeconds: number;
}
