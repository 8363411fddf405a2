import { reconnectDelay } from '@muster/agent';
import type { ServerMessage } from '@muster/protocol';
import type { SimAgent } from './sim-agent';

/** Told about every command an agent receives and every acknowledgement (times: performance.now()). */
export interface CommandObserver {
  received(agent: SimAgent, commandId: string, commandType: string, atMs: number): void;
  resultSent(agent: SimAgent, commandId: string, atMs: number): void;
  acked(agent: SimAgent, commandId: string, atMs: number): void;
}

/** The result a simulated agent sends for a command it was given. */
export interface SimCommandResult {
  status: 'complete' | 'failed';
  exitCode?: number;
  error?: string;
}

/**
 * What a simulated agent does, apart from the connection itself (which is always the agent's
 * own handshake code): how it answers commands, when it checks in, and how long it waits
 * before reconnecting. Settings (update-checkin-control) are always applied as the agent
 * applies them, whatever the behaviour.
 */
export interface SimBehaviour {
  /** The result of any command other than a settings change; sent at once. */
  runCommand(command: ServerMessage['command']): SimCommandResult;
  /** Delay of the first check-in after a welcome, given the period (the agent: at once). */
  firstCheckinDelayMs(periodMs: number): number;
  /**
   * The wait before the next connection attempt: `closeReason` is the reason of the close that
   * ended the connection served last, or null after a failed attempt; `capMs` is the period.
   */
  reconnectDelayMs(closeReason: string | null, attempt: number, capMs: number): number;
  /** Told about commands and acknowledgements, for latency and fan-out measurements. */
  observer: CommandObserver | null;
}

/**
 * The default behaviour: every command completes at once with exit code 0 (its signature is
 * not checked: a real agent's verification runs on its own machine, and here it would only
 * take CPU from the server under test), the first check-in goes out at once, and reconnects
 * wait as the agent waits (its own reconnectDelay): a random moment in the window a mass close
 * told, else full-jitter backoff capped at the check-in period.
 */
export function agentBehaviour(observer: CommandObserver | null): SimBehaviour {
  return {
    runCommand: () => ({ status: 'complete', exitCode: 0 }),
    firstCheckinDelayMs: () => 0,
    reconnectDelayMs: (reason, attempt, capMs) => reconnectDelay(reason, attempt, capMs).delayMs,
    observer,
  };
}
