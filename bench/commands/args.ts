import { parseArgs } from 'node:util';
import {
  defaultSimProcesses,
  defaultSourceAddresses,
  positiveOption,
  SERVER_RUN_OPTIONS,
} from '../support/args';
import { RESULTS_DIR } from '../support/paths';

/** A database backend the device measurements run on. */
export type Backend = 'sqlite' | 'postgres';

/** How a command benchmark run is sized. */
export interface CommandsBenchOptions {
  agents: number;
  simProcesses: number;
  /** First connections (enrollments) in flight at once, over all simulators. */
  concurrency: number;
  sourceAddresses: number;
  connectTimeoutMs: number;
  /** Single-target commands timed in the latency run. */
  latencyCommands: number;
  /** Database of the agent measurements. */
  agentsBackend: Backend;
  /** Devices the device enqueue goes to. */
  devices: number;
  /** Finished commands in the table during the drain measurement. */
  finishedCommands: number;
  /** Pending commands each timed check-in drains. */
  drainCommands: number;
  /** Timed check-ins. */
  drainRounds: number;
  /** Backends of the device measurements. */
  backends: Backend[];
  /** Maintenance URL of the PostgreSQL server a fresh database is created on. */
  postgresUrl: string;
  skipAgents: boolean;
  skipDevices: boolean;
  logLevel: string;
  serverNodeArgs: string[];
  name: string;
  outDir: string;
  keepDataDir: boolean;
  maxMinutes: number;
}

/** The help text. */
export const USAGE = `npm run bench:commands -- [options]
  --agents N                connected simulated agents (default 10000; full-size target 100000)
  --sim-processes N         simulator child processes (default max(2, agents/per-process file limit))
  --concurrency N           enrollments in flight (default 200)
  --source-addresses N      127.2.x.y source addresses (default max(8, agents/20000))
  --latency-commands N      single-target commands timed (default 1000)
  --agents-backend B        sqlite or postgres for the agent measurements (default sqlite)
  --devices N               devices of the device enqueue (default 100000)
  --finished N              finished commands in the table for the drain (default 1000000)
  --drain-commands N        pending commands each timed check-in drains (default 100)
  --drain-rounds N          timed check-ins (default 50)
  --backends LIST           device measurements on sqlite,postgres (default both)
  --postgres-url URL        PostgreSQL maintenance URL (default postgres://postgres@127.0.0.1:5432/postgres)
  --skip-agents --skip-devices
  --log-level L             server log level (default warn)
  --server-node-args="A B"  extra node options for the server process (e.g. "--cpu-prof")
  --name NAME               results file base name (default commands-<agents>)
  --out DIR                 results directory (default bench/results)
  --keep                    keep the temporary data directories and databases
  --max-minutes M           abort the whole run after M minutes (default max(30, agents/2000))`;

function backendList(text: string | undefined): Backend[] {
  if (text === undefined) return ['sqlite', 'postgres'];
  const list = text.split(',').map((s) => s.trim());
  for (const b of list) if (b !== 'sqlite' && b !== 'postgres') throw new Error(`unknown backend "${b}"`);
  return list as Backend[];
}

/** Parses the command line (after `npm run bench:commands --`). */
export function parseCommandsArgs(argv: string[]): CommandsBenchOptions | 'help' {
  const { values } = parseArgs({
    args: argv,
    options: {
      agents: { type: 'string' },
      'sim-processes': { type: 'string' },
      concurrency: { type: 'string' },
      'source-addresses': { type: 'string' },
      'connect-timeout-ms': { type: 'string' },
      'latency-commands': { type: 'string' },
      'agents-backend': { type: 'string' },
      devices: { type: 'string' },
      finished: { type: 'string' },
      'drain-commands': { type: 'string' },
      'drain-rounds': { type: 'string' },
      backends: { type: 'string' },
      'postgres-url': { type: 'string' },
      'skip-agents': { type: 'boolean', default: false },
      'skip-devices': { type: 'boolean', default: false },
      ...SERVER_RUN_OPTIONS,
    },
    strict: true,
  });
  if (values.help) return 'help';
  const agents = Math.floor(positiveOption('agents', values.agents, 10_000));
  const agentsBackend = backendList(values['agents-backend'] ?? 'sqlite');
  if (agentsBackend.length !== 1) throw new Error('--agents-backend takes one backend');
  return {
    agents,
    simProcesses: Math.floor(
      positiveOption('sim-processes', values['sim-processes'], defaultSimProcesses(agents)),
    ),
    concurrency: Math.floor(positiveOption('concurrency', values.concurrency, 200)),
    sourceAddresses: Math.floor(
      positiveOption('source-addresses', values['source-addresses'], defaultSourceAddresses(agents)),
    ),
    connectTimeoutMs: positiveOption('connect-timeout-ms', values['connect-timeout-ms'], 10_000),
    latencyCommands: Math.floor(positiveOption('latency-commands', values['latency-commands'], 1000)),
    agentsBackend: agentsBackend[0] as Backend,
    devices: Math.floor(positiveOption('devices', values.devices, 100_000)),
    finishedCommands: Math.floor(positiveOption('finished', values.finished, 1_000_000)),
    drainCommands: Math.floor(positiveOption('drain-commands', values['drain-commands'], 100)),
    drainRounds: Math.floor(positiveOption('drain-rounds', values['drain-rounds'], 50)),
    backends: backendList(values.backends),
    postgresUrl:
      values['postgres-url'] ??
      process.env.MUSTER_TEST_POSTGRES_URL ??
      'postgres://postgres@127.0.0.1:5432/postgres',
    skipAgents: values['skip-agents'] === true,
    skipDevices: values['skip-devices'] === true,
    logLevel: values['log-level'] ?? 'warn',
    serverNodeArgs: (values['server-node-args'] ?? '').split(' ').filter(Boolean),
    name: values.name ?? `commands-${agents}`,
    outDir: values.out ?? RESULTS_DIR,
    keepDataDir: values.keep === true,
    maxMinutes: positiveOption('max-minutes', values['max-minutes'], Math.max(30, Math.ceil(agents / 2000))),
  };
}
