/** What a simulator child process connects as. */
export type SimMode = 'muster' | 'floor';

/** A simulator child's share of the work, sent once after it starts. */
export interface SimConfig {
  mode: SimMode;
  host: string;
  port: number;
  /** Global index of this child's first agent (names and hardware ids derive from it). */
  firstIndex: number;
  count: number;
  /** Source addresses, used round-robin by global agent index. */
  sourceAddresses: string[];
  /** Install token for the first connection of each agent (muster mode). */
  enrollToken: string;
  /** First connections in flight at once in this child. */
  concurrency: number;
  /** Check-in period of the floor clients; muster agents take theirs from the server. */
  floorPeriodSeconds: number;
  /** Handshake time limit of one connection attempt. */
  connectTimeoutMs: number;
}

/** Counters of a simulator child at one moment. */
export interface SimStatus {
  /** Connections open now (welcomed, for muster agents). */
  connected: number;
  /** Agents whose first connection (enrollment) succeeded. */
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
}

/** Orchestrator to simulator. */
export type ParentMessage =
  | { type: 'config'; config: SimConfig }
  | { type: 'connect' }
  | { type: 'floor-checkins'; on: boolean }
  | { type: 'mark' }
  | { type: 'status'; id: number }
  | { type: 'drain'; id: number; timeoutMs: number }
  | { type: 'stop' };

/** Simulator to orchestrator. */
export type ChildMessage =
  | { type: 'ready' }
  | { type: 'status'; id: number; status: SimStatus }
  | { type: 'drained'; id: number; answered: number; total: number; ms: number }
  | { type: 'stopped' };
