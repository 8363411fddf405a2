import { parseArgs } from 'node:util';
import { DEFAULT_CHECKIN_PERIOD_SECONDS } from '@muster/protocol';
import { defaultSimProcesses, defaultSourceAddresses, positiveOption } from '../support/args';
import { RESULTS_DIR } from '../support/paths';

/** How a benchmark run is sized and paced. */
export interface BenchOptions {
  agents: number;
  /** Simulator child processes the agents are split over. */
  simProcesses: number;
  /** First connections (enrollments) in flight at once, over all simulators. */
  concurrency: number;
  /** The short check-in period forced for the sustained window, seconds. */
  periodSeconds: number;
  warmupSeconds: number;
  windowSeconds: number;
  /** Loopback source addresses the clients are spread over. */
  sourceAddresses: number;
  connectTimeoutMs: number;
  /**
   * Check-in period in force when the server is restarted, seconds: it caps the agents'
   * reconnect backoff. Defaults to the agent's default period.
   */
  restartPeriodSeconds: number;
  /** Longest wait for all agents to come back after the restart, seconds. */
  restartTimeoutSeconds: number;
  /** Base name of the results files (default checkin-<agents>). */
  name: string;
  skipFloor: boolean;
  skipRestart: boolean;
  logLevel: string;
  /** Extra node options for the server process (for instance --cpu-prof), space-separated. */
  serverNodeArgs: string[];
  outDir: string;
  keepDataDir: boolean;
  /** The whole run is aborted after this many minutes. */
  maxMinutes: number;
}

/** The help text. */
export const USAGE = `npm run bench:checkin -- [options]
  --agents N                 simulated agents (default 10000; full-size target 100000)
  --sim-processes N          simulator child processes (default max(2, agents/per-process file limit))
  --concurrency N            enrollments in flight (default 200)
  --period S                 short check-in period of the sustained window (default 1)
  --warmup S --window S      warm-up and window lengths (default 5 and 20)
  --source-addresses N       127.0.1.x source addresses (default max(8, agents/20000))
  --restart-period S         check-in period in force at the restart; caps the reconnect backoff
                             (default ${DEFAULT_CHECKIN_PERIOD_SECONDS}, the agent's default period)
  --restart-timeout S        longest wait for reconnection after the restart (default 180)
  --name NAME                results file base name (default checkin-<agents>)
  --skip-floor --skip-restart
  --log-level L              server log level (default warn)
  --server-node-args="A B"   extra node options for the server process (e.g. "--cpu-prof")
  --out DIR                  results directory (default bench/results)
  --keep                     keep the temporary data directory
  --max-minutes M            abort the whole run after M minutes (default max(20, agents/2000))`;

/** Parses the command line (after `npm run bench:checkin --`). */
export function parseBenchArgs(argv: string[]): BenchOptions | 'help' {
  const { values } = parseArgs({
    args: argv,
    options: {
      agents: { type: 'string' },
      'sim-processes': { type: 'string' },
      concurrency: { type: 'string' },
      period: { type: 'string' },
      warmup: { type: 'string' },
      window: { type: 'string' },
      'source-addresses': { type: 'string' },
      'connect-timeout-ms': { type: 'string' },
      'restart-period': { type: 'string' },
      'restart-timeout': { type: 'string' },
      name: { type: 'string' },
      'skip-floor': { type: 'boolean', default: false },
      'skip-restart': { type: 'boolean', default: false },
      'log-level': { type: 'string' },
      'server-node-args': { type: 'string' },
      out: { type: 'string' },
      keep: { type: 'boolean', default: false },
      'max-minutes': { type: 'string' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) return 'help';
  const agents = Math.floor(positiveOption('agents', values.agents, 10_000));
  return {
    agents,
    simProcesses: Math.floor(
      positiveOption('sim-processes', values['sim-processes'], defaultSimProcesses(agents)),
    ),
    concurrency: Math.floor(positiveOption('concurrency', values.concurrency, 200)),
    periodSeconds: Math.floor(positiveOption('period', values.period, 1)),
    warmupSeconds: positiveOption('warmup', values.warmup, 5),
    windowSeconds: positiveOption('window', values.window, 20),
    sourceAddresses: Math.floor(
      positiveOption('source-addresses', values['source-addresses'], defaultSourceAddresses(agents)),
    ),
    connectTimeoutMs: positiveOption('connect-timeout-ms', values['connect-timeout-ms'], 10_000),
    restartPeriodSeconds: Math.floor(
      positiveOption('restart-period', values['restart-period'], DEFAULT_CHECKIN_PERIOD_SECONDS),
    ),
    restartTimeoutSeconds: positiveOption('restart-timeout', values['restart-timeout'], 180),
    name: values.name ?? `checkin-${agents}`,
    skipFloor: values['skip-floor'] === true,
    skipRestart: values['skip-restart'] === true,
    logLevel: values['log-level'] ?? 'warn',
    serverNodeArgs: (values['server-node-args'] ?? '').split(' ').filter(Boolean),
    outDir: values.out ?? RESULTS_DIR,
    keepDataDir: values.keep === true,
    maxMinutes: positiveOption('max-minutes', values['max-minutes'], Math.max(20, Math.ceil(agents / 2000))),
  };
}
