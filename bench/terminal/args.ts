import { parseArgs } from 'node:util';
import { positiveOption, SERVER_RUN_OPTIONS } from '../support/args';
import { RESULTS_DIR } from '../support/paths';

/**
 * Terminals one agent holds at once (MAX_TERMINAL_SESSIONS in the agent's terminal-sessions.ts):
 * the memory figure spreads its terminals over this many per real agent.
 */
export const TERMINALS_PER_AGENT = 8;

/** How a terminal benchmark run is sized. */
export interface TerminalOptions {
  /** Keystrokes timed through each path (same node, other node). */
  keystrokes: number;
  /** Size of the file `cat` prints through the terminal, MiB. */
  catMiB: number;
  /** How many times the cat runs; its figure is their median. */
  catRuns: number;
  /** Simulated agents checking in on the agent's node during the cat (0: none). */
  crowd: number;
  /** The simulated agents' check-in period, seconds. */
  periodSeconds: number;
  /** Length of the check-in window without the cat, seconds. */
  baselineSeconds: number;
  /** A check-in counts as late when a ping sent after it is not answered within this, ms. */
  lateMs: number;
  /** Idle terminals opened at once to measure the server's memory per terminal. */
  terminals: number;
  postgresUrl: string;
  /** Write a CPU profile of every server process (node --cpu-prof) and summarize it. */
  cpuProfile: boolean;
  logLevel: string;
  serverNodeArgs: string[];
  name: string;
  outDir: string;
  keepDataDir: boolean;
  maxMinutes: number;
}

/** The help text. */
export const USAGE = `npm run bench:terminal -- [options]
Runs the compiled server and agent (npm run build:packages) on two nodes of one PostgreSQL.
  --keystrokes N           keystrokes timed, agent on the same node and on the other (default 500)
  --cat-mib N              MiB printed by cat through the terminal (default 100)
  --cat-runs N             cats in a row; the median is the figure (default 3)
  --crowd N                simulated agents checking in on the same node during the cat (default 1000)
  --period S               their check-in period, seconds (default 5)
  --baseline S             check-in window without the cat, seconds (default 15)
  --late-ms MS             a check-in is late when a ping after it takes longer (default 1000)
  --terminals N            idle terminals opened for the memory figure, 8 per agent (default 50)
  --postgres-url URL       PostgreSQL maintenance URL (default postgres://postgres@127.0.0.1:5432/postgres)
  --cpu-profile            write node --cpu-prof profiles of the servers and print their hottest functions
  --log-level L            server log level (default warn)
  --server-node-args="A B" extra node options for every server process
  --name NAME              results file base name (default terminal)
  --out DIR                results directory (default bench/results)
  --keep                   keep the work directory and the database
  --max-minutes M          abort the whole run after M minutes (default 15)
  --help                   this text`;

/** Parses the command line; 'help' when help was asked for. */
export function parseTerminalArgs(argv: string[]): TerminalOptions | 'help' {
  const { values: v } = parseArgs({
    args: argv,
    strict: true,
    options: {
      keystrokes: { type: 'string' },
      'cat-mib': { type: 'string' },
      'cat-runs': { type: 'string' },
      crowd: { type: 'string' },
      period: { type: 'string' },
      baseline: { type: 'string' },
      'late-ms': { type: 'string' },
      terminals: { type: 'string' },
      'postgres-url': { type: 'string' },
      'cpu-profile': { type: 'boolean', default: false },
      ...SERVER_RUN_OPTIONS,
    },
  });
  if (v.help) return 'help';
  // --crowd 0 is allowed: the cat alone.
  const crowd = v.crowd === '0' ? 0 : Math.round(positiveOption('crowd', v.crowd, 1000));
  return {
    keystrokes: Math.round(positiveOption('keystrokes', v.keystrokes, 500)),
    catMiB: positiveOption('cat-mib', v['cat-mib'], 100),
    catRuns: Math.round(positiveOption('cat-runs', v['cat-runs'], 3)),
    crowd,
    periodSeconds: positiveOption('period', v.period, 5),
    baselineSeconds: positiveOption('baseline', v.baseline, 15),
    lateMs: positiveOption('late-ms', v['late-ms'], 1000),
    terminals: Math.round(positiveOption('terminals', v.terminals, 50)),
    postgresUrl: v['postgres-url'] ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    cpuProfile: v['cpu-profile'] ?? false,
    logLevel: v['log-level'] ?? 'warn',
    serverNodeArgs: (v['server-node-args'] ?? '').split(' ').filter(Boolean),
    name: v.name ?? 'terminal',
    outDir: v.out ?? RESULTS_DIR,
    keepDataDir: v.keep ?? false,
    maxMinutes: positiveOption('max-minutes', v['max-minutes'], 15),
  };
}
