import { parseArgs } from 'node:util';
import { RESULTS_DIR } from '../support/paths';

/** The store a run measures. */
export type Backend = 'sqlite' | 'postgres';

/** How a console benchmark run is sized. */
export interface ConsoleBenchOptions {
  /** Machines seeded, spread over the organizations by weight. */
  machines: number;
  /** Stores measured, in order. */
  backends: Backend[];
  /** Server to create (and drop) the throw-away PostgreSQL database on. */
  postgresAdminUrl: string;
  /** Timed requests per caller and API call, one client at a time. */
  requests: number;
  /** Clients asking at once in the concurrent phase. */
  clients: number;
  /** Requests each concurrent client makes (cycling through every call). */
  concurrentRequests: number;
  /** Page loads per page, caller and cache state in Chromium. */
  browserRounds: number;
  /** Skip Chromium (API calls only). */
  skipBrowser: boolean;
  /** A built console to serve; null: the bench builds the console's source into its own folder. */
  consoleDir: string | null;
  name: string;
  outDir: string;
  keepDataDir: boolean;
  maxMinutes: number;
}

/** The help text. */
export const USAGE = `npm run bench:console -- [options]
  --machines N            machines seeded (default 100000)
  --backends LIST         sqlite, postgres or sqlite,postgres (default sqlite,postgres)
  --postgres URL          admin URL of the PostgreSQL server a fresh database is made on
                          (default postgres://postgres@127.0.0.1:5432/postgres)
  --requests N            timed requests per caller and API call, one at a time (default 100)
  --clients N             clients asking at once in the concurrent phase (default 4)
  --concurrent-requests N requests per concurrent client (default 150)
  --browser-rounds N      page loads per page, caller and cache state (default 20)
  --no-browser            API calls only
  --console-dir DIR       serve this built console (default: build packages/console's source
                          into a temporary folder first, so the console measured is the code's)
  --name NAME             results file base name (default console-<machines/1000>k)
  --out DIR               results directory (default bench/results)
  --keep                  keep the temporary data directory (and the PostgreSQL database)
  --max-minutes M         abort the whole run after M minutes (default 60)`;

function positive(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name} must be a positive integer, not "${text}"`);
  return n;
}

function backendsOf(text: string | undefined): Backend[] {
  if (text === undefined) return ['sqlite', 'postgres'];
  const list = text.split(',').map((b) => b.trim());
  for (const b of list)
    if (b !== 'sqlite' && b !== 'postgres')
      throw new Error(`--backends takes sqlite and/or postgres, not "${b}"`);
  if (new Set(list).size !== list.length) throw new Error(`--backends names "${text}" twice`);
  return list as Backend[];
}

/** Parses the command line (after `npm run bench:console --`). */
export function parseConsoleArgs(argv: string[]): ConsoleBenchOptions | 'help' {
  const { values } = parseArgs({
    args: argv,
    options: {
      machines: { type: 'string' },
      backends: { type: 'string' },
      postgres: { type: 'string' },
      requests: { type: 'string' },
      clients: { type: 'string' },
      'concurrent-requests': { type: 'string' },
      'browser-rounds': { type: 'string' },
      'no-browser': { type: 'boolean', default: false },
      'console-dir': { type: 'string' },
      name: { type: 'string' },
      out: { type: 'string' },
      keep: { type: 'boolean', default: false },
      'max-minutes': { type: 'string' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) return 'help';
  const machines = positive('machines', values.machines, 100_000);
  if (machines < 1000) throw new Error('--machines must be at least 1000 (every organization gets some)');
  return {
    machines,
    backends: backendsOf(values.backends),
    postgresAdminUrl: values.postgres ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    requests: positive('requests', values.requests, 100),
    clients: positive('clients', values.clients, 4),
    concurrentRequests: positive('concurrent-requests', values['concurrent-requests'], 150),
    browserRounds: positive('browser-rounds', values['browser-rounds'], 20),
    skipBrowser: values['no-browser'] === true,
    consoleDir: values['console-dir'] ?? null,
    name: values.name ?? `console-${Math.round(machines / 1000)}k`,
    outDir: values.out ?? RESULTS_DIR,
    keepDataDir: values.keep === true,
    maxMinutes: positive('max-minutes', values['max-minutes'], 60),
  };
}
