import type { ServerAddress } from '@muster/protocol';

/** What a simulator child process connects as: Muster agents, or plain `ws` TLS floor clients. */
export type SimMode = 'muster' | 'floor';

/**
 * How a simulated agent proves who it is. `enroll`: a fresh key and an install token at the
 * first connection. `seeded`: a key derived from `seed` and the agent's index (agent-keys.ts),
 * whose machine account the orchestrator wrote into the store beforehand, so no enrollment runs.
 */
export type SimIdentity = { kind: 'enroll'; token: string } | { kind: 'seeded'; seed: string };

/** A simulator child's share of the work, sent once after it starts. */
export interface SimConfig {
  mode: SimMode;
  /**
   * The server nodes. An agent's first primary is node `index % servers.length`, its secondary
   * the next node (none with one node); once welcomed it follows the addresses its server sends.
   */
  servers: ServerAddress[];
  /** Global index of this child's first agent (names, hardware ids and keys derive from it). */
  firstIndex: number;
  count: number;
  /** Loopback source addresses, used round-robin by global agent index. */
  sourceAddresses: string[];
  identity: SimIdentity;
  /** Host names are `<hostPrefix>-<index>`, hardware ids `bench-<hostPrefix>-hw-<index>`. */
  hostPrefix: string;
  /** First connections in flight at once in this child. */
  concurrency: number;
  /** Check-in period of the floor clients; Muster agents take theirs from the server. */
  floorPeriodSeconds: number;
  /** Handshake time limit of one connection attempt. */
  connectTimeoutMs: number;
  /** The admin API a latency run enqueues through from inside the child (null: no latency runs). */
  api: { httpUrl: string; adminToken: string } | null;
}

/** Counters of a simulator child (or, summed, of all) at one moment. */
export interface SimStatus {
  /** Connections open now (welcomed, for Muster agents). */
  connected: number;
  /** Connected agents whose connection is to their primary, and to their secondary. */
  onPrimary: number;
  onSecondary: number;
  /** Agents whose first connection succeeded. */
  everConnected: number;
  /** Agents connected now whose connection was welcomed after the last mark. */
  welcomedSinceMark: number;
  /** Check-ins sent since the child started. */
  sent: number;
  /** Connection attempts that failed. */
  connectFailures: number;
  lastError: string;
  /** Connected agents by their check-in period in seconds. */
  periods: Record<string, number>;
  /** Commands received (every delivery, repeated ones included), and command-acks received. */
  commandsReceived: number;
  acksReceived: number;
  /** Deliveries of a command id this child had already received since the last count reset. */
  duplicateDeliveries: number;
  /**
   * Deliveries of a command whose result the server had already acknowledged: a real agent
   * drops a command's journal entry once its result is acknowledged, so it would run such a
   * command again. Other repeats are expected after a node dies between delivery and recording
   * the result; the agent's command journal answers those with the stored result instead of
   * running the command again (e2e/exactly-once proves the real one).
   */
  deliveredAfterAck: number;
  /** Distinct command ids received since the last count reset. */
  distinctCommands: number;
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

/**
 * Which agents a latency run picks: any connected one, or only those connected to the node
 * whose API takes the request (`same`) or to another node (`other`).
 */
export type LatencyPick = 'any' | 'same' | 'other';

/** A latency run's request: `count` commands through the API at `httpUrl` (default: the config's). */
export interface LatencyRequest {
  count: number;
  timeoutMs: number;
  commandType: string;
  pick: LatencyPick;
  /** The API node's agent address, for `same` and `other`. */
  node: ServerAddress | null;
  httpUrl: string | null;
}

/** Receipts of a fan-out since the last fan-out mark, as wall-clock epoch milliseconds. */
export interface FanoutReport {
  receivedAtMs: number[];
  ackedAtMs: number[];
}

/** Orchestrator to simulator. */
export type ParentMessage =
  | { type: 'config'; config: SimConfig }
  | { type: 'connect' }
  | { type: 'floor-checkins'; on: boolean }
  | { type: 'mark' }
  | { type: 'reset-command-counts' }
  | { type: 'status'; id: number }
  | { type: 'drain'; id: number; timeoutMs: number }
  | { type: 'latency'; id: number; request: LatencyRequest }
  | { type: 'fanout-mark'; id: number; commandType: string }
  | { type: 'fanout-report'; id: number }
  | { type: 'stop' };

/** Simulator to orchestrator. */
export type ChildMessage =
  | { type: 'ready' }
  | { type: 'status'; id: number; status: SimStatus }
  | { type: 'drained'; id: number; answered: number; total: number; ms: number }
  | { type: 'latency'; id: number; run: LatencyRun }
  | { type: 'fanout-marked'; id: number }
  | { type: 'fanout-report'; id: number; report: FanoutReport }
  | { type: 'stopped' };
