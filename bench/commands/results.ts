import type { MachineInfo } from '../checkin/machine-info';
import type { Backend } from './args';
import type { SeedResult } from './seed';
import type { Summary } from './stats';

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

/** One command fanned out to every connected agent through a group filter. */
export interface FanoutResult {
  filter: string;
  /** Commands the POST queued (one per machine matching the filter). */
  queued: number;
  /** Until the POST's answer, ms. */
  postMs: number;
  received: number;
  acknowledged: number;
  /** Receipt times after the POST started, ms. */
  receiptMs: Summary;
  /** Until the last agent had it, ms after the POST started (null: not all within the limit). */
  allReceivedMs: number | null;
  /** Until the last result was acknowledged, ms after the POST started (null: not all). */
  allAcknowledgedMs: number | null;
  timeLimitMs: number;
  serverCpuSeconds: number;
  /** GET /server answer times while the fan-out ran (a blocked event loop shows here). */
  apiAnswerMs: Summary;
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

/** One target, PASS or MISS. */
export interface TargetResult {
  name: string;
  target: string;
  measured: string;
  pass: boolean;
  note: string;
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
  targets: TargetResult[];
  findings: string[];
  durationSeconds: number;
}
