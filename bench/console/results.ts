import type { MachineInfo } from '../support/machine-info';
import type { ConcurrentResult, SequentialResult } from './api-probe';
import type { Backend, ConsoleBenchOptions } from './args';
import type { BrowserProblems, PageLoad, PageLoadSummary } from './browser-probe';
import type { ConsoleBuild } from './console-build';
import type { FleetSummary } from './fleet';
import type { PageCall } from './page-calls';
import type { ListCheck } from './prepare';
import type { StoreProbe } from './store-probe';

/** One target, PASS or MISS, with what was measured and why it missed. */
export interface TargetResult {
  backend: Backend;
  name: string;
  goal: string;
  measured: string;
  pass: boolean;
  note: string;
}

/** Everything measured on one store. */
export interface BackendResults {
  backend: Backend;
  fleet: FleetSummary;
  /** Seconds from starting the server on the seeded store to its API answering. */
  restartSeconds: number;
  check: ListCheck;
  calls: PageCall[];
  sequential: SequentialResult[];
  concurrent: ConcurrentResult;
  store: StoreProbe | null;
  browser: { summaries: PageLoadSummary[]; loads: PageLoad[]; problems: BrowserProblems } | null;
  /** 1, 5 and 15 minute load averages at each phase: the machine is shared. */
  loadAverages: Record<string, number[]>;
  targets: TargetResult[];
  findings: string[];
}

/** The results file. */
export interface ConsoleBenchResults {
  benchmark: 'console';
  machine: MachineInfo;
  revision: string;
  /** Files under packages/ that differed from the revision when the run started (measured as they were). */
  uncommittedPaths: string[];
  commandLine: string;
  config: Omit<ConsoleBenchOptions, 'outDir'>;
  console: ConsoleBuild;
  backends: BackendResults[];
  durationSeconds: number;
}
