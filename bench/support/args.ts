import { childFileLimit } from './children';

/** A positive number option, or `fallback` when absent; anything else is a clear error. */
export function positiveOption(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} must be a positive number, not "${text}"`);
  return n;
}

/**
 * Simulated agents one simulator process may hold: each holds one socket per agent, so well
 * under the per-process open-file limit (20,000 here), and never more than 10,000.
 */
export function agentsPerSimulator(): number {
  return Math.max(1000, Math.min(10_000, childFileLimit() - 1000));
}

/** Simulator processes for `agents` (at least 2, so no one process holds them all). */
export function defaultSimProcesses(agents: number): number {
  return Math.max(2, Math.ceil(agents / agentsPerSimulator()));
}

/**
 * Loopback source addresses for `agents` connections: a source address and server port pair
 * has about 28,000 ephemeral ports, so one address per 20,000 agents, at least 8.
 */
export function defaultSourceAddresses(agents: number): number {
  return Math.max(8, Math.ceil(agents / 20_000));
}

/**
 * The options every benchmark that runs server processes takes alike (server log level and node
 * options, results name and directory, keeping the work directory, the watchdog, help), in
 * `util.parseArgs` form: spread into a benchmark's own options.
 */
export const SERVER_RUN_OPTIONS = {
  'log-level': { type: 'string' },
  'server-node-args': { type: 'string' },
  name: { type: 'string' },
  out: { type: 'string' },
  keep: { type: 'boolean', default: false },
  'max-minutes': { type: 'string' },
  help: { type: 'boolean', default: false },
} as const;
