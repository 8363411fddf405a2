/** A command simulator child's share of the agents, sent once after it starts. */
export interface CmdSimConfig {
  host: string;
  port: number;
  /** The admin API base URL and bearer token: the latency run enqueues from inside the child. */
  httpUrl: string;
  adminToken: string;
  /** Global index of this child's first agent. */
  firstIndex: number;
  count: number;
  /** Loopback source addresses, used round-robin by global agent index. */
  sourceAddresses: string[];
  enrollToken: string;
  /** First connections in flight at once in this child. */
  concurrency: number;
  connectTimeoutMs: number;
}

/** Counters of a command simulator child at one moment. */
export interface CmdSimStatus {
  connected: number;
  everConnected: number;
  connectFailures: number;
  lastError: string;
  commandsReceived: number;
  acksReceived: number;
}

/** One single-target command measured by a latency run (times in ms). */
export interface LatencySample {
  /** From just before the enqueue request was sent until the agent had the command. */
  enqueueToReceiptMs: number;
  /** From just before the enqueue request was sent until its 201 answer was read. */
  enqueueToResponseMs: number;
  /** From the agent's command-result until the server's command-ack. */
  resultToAckMs: number;
}

/** What a latency run in one child measured. */
export interface LatencyRun {
  samples: LatencySample[];
  failures: number;
  lastFailure: string;
}

/** Receipts of a fan-out since the last fan-out mark, as wall-clock epoch milliseconds. */
export interface FanoutReport {
  receivedAtMs: number[];
  ackedAtMs: number[];
}

/** Orchestrator to simulator. */
export type CmdParentMessage =
  | { type: 'config'; config: CmdSimConfig }
  | { type: 'connect' }
  | { type: 'status'; id: number }
  | { type: 'latency'; id: number; count: number; timeoutMs: number; commandType: string }
  | { type: 'fanout-mark'; id: number; commandType: string }
  | { type: 'fanout-report'; id: number }
  | { type: 'stop' };

/** Simulator to orchestrator. */
export type CmdChildMessage =
  | { type: 'ready' }
  | { type: 'status'; id: number; status: CmdSimStatus }
  | { type: 'latency'; id: number; run: LatencyRun }
  | { type: 'fanout-marked'; id: number }
  | { type: 'fanout-report'; id: number; report: FanoutReport };
