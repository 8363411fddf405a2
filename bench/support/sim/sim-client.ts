import type { AgentMessage } from '@muster/protocol';
import type { Semaphore } from '../semaphore';

/** Counters shared by every simulated client of one simulator process. */
export interface SimCounters {
  sent: number;
  connectFailures: number;
  lastError: string;
  commandsReceived: number;
  acksReceived: number;
  /** Records a command delivery by id (repeats are counted as duplicates). */
  noteCommand(id: string): void;
  /** Records the server's acknowledgement of a command's result. */
  noteAck(id: string): void;
}

/** One simulated connection, Muster agent or floor client, as the simulator drives it. */
export interface SimClient {
  /** Starts connecting; connection attempts wait for a slot of `gate`. */
  start(gate: Semaphore): void;
  /** Whether a connection is open (welcomed, for an agent) now. */
  readonly connected: boolean;
  /** Whether the first connection ever succeeded. */
  readonly everConnected: boolean;
  /** performance.now() when the open connection was welcomed (opened). */
  readonly connectedAt: number;
  /** The check-in period in force, seconds. */
  readonly periodSeconds: number;
  /** Pings over the open connection; false without an answer in time. */
  ping(timeoutMs: number): Promise<boolean>;
  /** Closes and stops reconnecting. */
  stop(): void;
}

/** The check-in a simulated client sends every period, the same shape the real agent sends. */
export function checkinMessage(localAddress: string): AgentMessage['checkin'] {
  return {
    t: 'checkin',
    loggedOnUser: null,
    userIdleSeconds: 0,
    localAddresses: [localAddress],
    agentVersion: 'bench',
  };
}
