import type { WindowResult } from '../support/load-window';
import type { MachineInfo } from '../support/machine-info';
import type { TargetRow } from '../support/target-row';

/** Server memory before and after the clients connected. */
export interface MemoryResult {
  /** RSS with no client connected, bytes. */
  baselineBytes: number;
  /** RSS with every client connected and settled, bytes. */
  connectedBytes: number;
  /** (connected - baseline) / connected clients, bytes. */
  perConnectionBytes: number;
}

/** The restart measurement: SIGTERM, start again on the same data directory and port. */
export interface RestartResult {
  /** Check-in period in force at the restart (it caps the reconnect backoff), seconds. */
  periodSeconds: number;
  /** Agents connected just before the restart. */
  agentsBefore: number;
  /** From SIGTERM until the old process was gone, seconds. */
  shutdownSeconds: number;
  exitedGracefully: boolean;
  /** From spawning the new process until its API answered, seconds. */
  startSeconds: number;
  /** Agents welcomed by the new process within the time limit. */
  reconnected: number;
  /** From the new process's spawn until every agent was welcomed again, seconds (null if not all). */
  reconnectSecondsFromStart: number | null;
  /** From SIGTERM until every agent was welcomed again, seconds (null if not all). */
  totalSeconds: number | null;
  /** Agents the new server reports connected afterwards (GET /api/v1/server). */
  serverConnectedAgents: number;
  /** RSS of the new process with every agent back, settled, bytes. */
  rssAfterBytes: number;
  /** Connection attempts that failed between SIGTERM and the end of the wait. */
  failedAttempts: number;
  /** CPU the new process used from its start until every agent was back (or the time limit). */
  serverCpuSeconds: number;
  /** That CPU per agent welcomed again, ms (start-up and wasted handshakes included). */
  serverCpuMsPerReconnect: number;
  /** [seconds after SIGTERM, agents welcomed again] about every 5 s. */
  timeline: Array<[number, number]>;
}

/** The Muster server under N simulated agents. */
export interface MusterResult {
  agentsRequested: number;
  /** Agents connected after enrollment (simulator count). */
  connected: number;
  /** Agents the server reports connected (GET /api/v1/server). */
  serverConnectedAgents: number;
  enrollSeconds: number;
  enrollPerSecond: number;
  /** Server CPU during enrollment per enrolled agent, ms. */
  enrollServerCpuMsPerAgent: number;
  connectFailures: number;
  lastError: string;
  serverStartSeconds: number;
  memory: MemoryResult;
  /** PUT /checkin-control to the short period: API call time and until every agent had it. */
  periodChange: { apiSeconds: number; appliedSeconds: number; applied: number };
  window: WindowResult;
  restart: RestartResult | null;
  /** Server log lines at warn level or above, and a few of them. */
  serverWarnings: { count: number; samples: string[] };
}

/** The floor server under the same number of plain TLS WebSocket clients. */
export interface FloorResult {
  connectionsRequested: number;
  connected: number;
  connectSeconds: number;
  connectFailures: number;
  lastError: string;
  memory: MemoryResult;
  window: WindowResult;
}

/** Muster against the floor. */
export interface Ratios {
  /** Muster check-ins per CPU-second over the floor's messages per CPU-second. */
  throughputPerCore: number | null;
  /** Muster's carried check-ins/s over the floor's carried messages/s (same offered load). */
  throughputCarried: number | null;
  /** Muster RSS per agent over the floor's RSS per connection. */
  memory: number | null;
}

/** How busy the shared machine was around the run (the figures are only as quiet as it was). */
export interface EnvironmentSample {
  /** 1, 5 and 15 minute load averages. */
  loadAverage: number[];
  /** A durable (WAL, synchronous=FULL) single-row SQLite commit in the data directory's filesystem, ms. */
  sqliteCommitMs: number;
}

/** Everything one benchmark run measured. */
export interface BenchResults {
  benchmark: 'checkin';
  machine: MachineInfo;
  environment: { atStart: EnvironmentSample; atEnd: EnvironmentSample; childFileLimit: number };
  config: Record<string, number | string | boolean>;
  /** The options the run was started with (after `npm run bench:checkin --`). */
  commandLine: string;
  /** The full-size target the run is measured against. */
  fullSizeTarget: number;
  muster: MusterResult;
  floor: FloorResult | null;
  ratios: Ratios;
  targets: TargetRow[];
  durationSeconds: number;
}
