import { parseArgs } from 'node:util';
import { defaultSimProcesses, positiveOption, SERVER_RUN_OPTIONS } from '../support/args';
import { RESULTS_DIR } from '../support/paths';

/** How a scale benchmark run is sized. */
export interface ScaleOptions {
  agents: number;
  /** Server processes on the one PostgreSQL database. */
  nodes: number;
  simProcesses: number;
  sourceAddresses: number;
  /** Connection attempts in flight at once, over all simulators, while all agents connect. */
  concurrency: number;
  /** The check-in period written into every agent's account, seconds. */
  periodSeconds: number;
  /** Length of the check-in window, seconds. */
  windowSeconds: number;
  connectTimeoutMs: number;
  /** Single-target commands timed on the same node and across nodes (each). */
  latencyCommands: number;
  /** Commands per second queued while a node is killed. */
  flowPerSecond: number;
  /** Devices of the one-request device enqueue, on SQLite and PostgreSQL. */
  devices: number;
  postgresUrl: string;
  skipFloor: boolean;
  skipRestart: boolean;
  skipNodeLoss: boolean;
  skipCommands: boolean;
  skipDevices: boolean;
  logLevel: string;
  serverNodeArgs: string[];
  /** Extra node options for every simulator process (e.g. --cpu-prof). */
  simNodeArgs: string[];
  name: string;
  outDir: string;
  keepDataDir: boolean;
  maxMinutes: number;
}

/** The help text. */
export const USAGE = `npm run bench:scale -- [options]
  --agents N               simulated agents connected at once (default 100000)
  --nodes N                server processes on one PostgreSQL database (default 6, or more
                           where the others could not hold a lost node's agents: 7 at 100000)
  --sim-processes N        simulator processes (default max(2, agents/10000))
  --source-addresses N     127.3.x.y source addresses (default agents/20, at least 8)
  --concurrency N          connection attempts in flight while connecting (default 400)
  --period S               check-in period in every agent's account (default 30)
  --window S               check-in window length (default 30)
  --latency-commands N     single-target commands timed, same node and across nodes each (default 200)
  --flow N                 commands per second queued while a node is killed (default 20)
  --devices N              devices of the one-request device enqueue (default 100000)
  --postgres-url URL       PostgreSQL maintenance URL (default postgres://postgres@127.0.0.1:5432/postgres)
  --skip-floor --skip-restart --skip-node-loss --skip-commands --skip-devices
  --log-level L            server log level (default warn)
  --server-node-args="A B" extra node options for every server process
  --sim-node-args="A B"    extra node options for every simulator process (e.g. "--cpu-prof")
  --name NAME              results file base name (default scale-<agents>)
  --out DIR                results directory (default bench/results)
  --keep                   keep the data directories and the database
  --max-minutes M          abort the whole run after M minutes (default max(60, agents/500))`;

/**
 * Source addresses for the agents: one per 20, as many small sites behind NAT would be. The
 * node's handshake gate shares its slots per source address, so a handful of addresses for
 * 100,000 agents would look like a few huge NATs and measure the gate's fairness, not a fleet.
 */
function defaultScaleSources(agents: number): number {
  return Math.min(60_000, Math.max(8, Math.ceil(agents / 20)));
}

/**
 * Agents one node is given at most when another has been lost: below the agent connection
 * limit a node sets itself at this machine's 20,000 open files a process (19,000; see
 * agentConnectionLimit), with room for the connections that are still closing.
 */
export const SURVIVOR_AGENTS = 18_000;

/**
 * Six nodes, or more where losing one would leave the others more agents than one process may
 * hold open: 100,000 agents on 6 nodes put 20,000 on each of the 5 left (bench:scale's node
 * loss met EMFILE there), on 7 nodes 16,667.
 */
export function defaultNodes(agents: number): number {
  return Math.max(6, 1 + Math.ceil(agents / SURVIVOR_AGENTS));
}

/** Parses the command line (after `npm run bench:scale --`). */
export function parseScaleArgs(argv: string[]): ScaleOptions | 'help' {
  const { values } = parseArgs({
    args: argv,
    options: {
      agents: { type: 'string' },
      nodes: { type: 'string' },
      'sim-processes': { type: 'string' },
      'source-addresses': { type: 'string' },
      concurrency: { type: 'string' },
      period: { type: 'string' },
      window: { type: 'string' },
      'connect-timeout-ms': { type: 'string' },
      'latency-commands': { type: 'string' },
      flow: { type: 'string' },
      devices: { type: 'string' },
      'postgres-url': { type: 'string' },
      'skip-floor': { type: 'boolean', default: false },
      'skip-restart': { type: 'boolean', default: false },
      'skip-node-loss': { type: 'boolean', default: false },
      'skip-commands': { type: 'boolean', default: false },
      'skip-devices': { type: 'boolean', default: false },
      'sim-node-args': { type: 'string' },
      ...SERVER_RUN_OPTIONS,
    },
    strict: true,
  });
  if (values.help) return 'help';
  const agents = Math.floor(positiveOption('agents', values.agents, 100_000));
  const nodes = Math.floor(positiveOption('nodes', values.nodes, defaultNodes(agents)));
  if (nodes < 2)
    throw new Error('--nodes must be at least 2: every agent has a primary and a secondary node');
  return {
    agents,
    nodes,
    simProcesses: Math.floor(
      positiveOption('sim-processes', values['sim-processes'], defaultSimProcesses(agents)),
    ),
    sourceAddresses: Math.floor(
      positiveOption('source-addresses', values['source-addresses'], defaultScaleSources(agents)),
    ),
    concurrency: Math.floor(positiveOption('concurrency', values.concurrency, 400)),
    periodSeconds: Math.floor(positiveOption('period', values.period, 30)),
    windowSeconds: positiveOption('window', values.window, 30),
    connectTimeoutMs: positiveOption('connect-timeout-ms', values['connect-timeout-ms'], 20_000),
    latencyCommands: Math.floor(positiveOption('latency-commands', values['latency-commands'], 200)),
    flowPerSecond: positiveOption('flow', values.flow, 20),
    devices: Math.floor(positiveOption('devices', values.devices, 100_000)),
    postgresUrl:
      values['postgres-url'] ??
      process.env.MUSTER_TEST_POSTGRES_URL ??
      'postgres://postgres@127.0.0.1:5432/postgres',
    skipFloor: values['skip-floor'] === true,
    skipRestart: values['skip-restart'] === true,
    skipNodeLoss: values['skip-node-loss'] === true,
    skipCommands: values['skip-commands'] === true,
    skipDevices: values['skip-devices'] === true,
    logLevel: values['log-level'] ?? 'warn',
    serverNodeArgs: (values['server-node-args'] ?? '').split(' ').filter(Boolean),
    simNodeArgs: (values['sim-node-args'] ?? '').split(' ').filter(Boolean),
    name: values.name ?? `scale-${agents}`,
    outDir: values.out ?? RESULTS_DIR,
    keepDataDir: values.keep === true,
    maxMinutes: positiveOption('max-minutes', values['max-minutes'], Math.max(60, Math.ceil(agents / 500))),
  };
}
