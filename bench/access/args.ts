import { parseArgs } from 'node:util';
import { RESULTS_DIR } from '../support/paths';

/** How an access benchmark run is sized. */
export interface AccessBenchOptions {
  /** Machines seeded, spread evenly over the organizations. */
  machines: number;
  organizations: number;
  /** Groups in each organization (machines spread over them). */
  groupsPerOrganization: number;
  /** Timed machine-list page requests per caller and measurement (first page, deep page). */
  listRequests: number;
  /** Timed filtered-list requests per caller (?filter of one group, 1,000 machines each). */
  filterRequests: number;
  /** Timed cheap requests per caller and measurement (GET /server, GET /machines/{id}). */
  cheapRequests: number;
  /** Iterations of the in-process resolve + require micro-measurement. */
  microIterations: number;
  logLevel: string;
  name: string;
  outDir: string;
  keepDataDir: boolean;
  maxMinutes: number;
}

/** The help text. */
export const USAGE = `npm run bench:access -- [options]
  --machines N          machines seeded (default 100000)
  --organizations N     organizations they are spread over (default 10)
  --groups N            groups per organization (default 10)
  --list-requests N     timed page requests per caller, first and deep page each (default 1000)
  --filter-requests N   timed ?filter (one group) list requests per caller (default 200)
  --cheap-requests N    timed cheap requests per caller and measurement (default 2000)
  --micro N             resolve + require iterations in-process (default 20000)
  --log-level L         server log level (default warn)
  --name NAME           results file base name (default access-<machines/1000>k)
  --out DIR             results directory (default bench/results)
  --keep                keep the temporary data directory
  --max-minutes M       abort the whole run after M minutes (default 40)`;

function positive(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name} must be a positive integer, not "${text}"`);
  return n;
}

/** Parses the command line (after `npm run bench:access --`). */
export function parseAccessArgs(argv: string[]): AccessBenchOptions | 'help' {
  const { values } = parseArgs({
    args: argv,
    options: {
      machines: { type: 'string' },
      organizations: { type: 'string' },
      groups: { type: 'string' },
      'list-requests': { type: 'string' },
      'filter-requests': { type: 'string' },
      'cheap-requests': { type: 'string' },
      micro: { type: 'string' },
      'log-level': { type: 'string' },
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
  const organizations = positive('organizations', values.organizations, 10);
  if (organizations < 2) throw new Error('--organizations must be at least 2 (one scoped, others not)');
  return {
    machines,
    organizations,
    groupsPerOrganization: positive('groups', values.groups, 10),
    listRequests: positive('list-requests', values['list-requests'], 1000),
    filterRequests: positive('filter-requests', values['filter-requests'], 200),
    cheapRequests: positive('cheap-requests', values['cheap-requests'], 2000),
    microIterations: positive('micro', values.micro, 20_000),
    logLevel: values['log-level'] ?? 'warn',
    name: values.name ?? `access-${Math.round(machines / 1000)}k`,
    outDir: values.out ?? RESULTS_DIR,
    keepDataDir: values.keep === true,
    maxMinutes: positive('max-minutes', values['max-minutes'], 40),
  };
}
