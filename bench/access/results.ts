import type { MachineInfo } from '../support/machine-info';
import type { PairedResult } from './interleaved';
import type { ResolveMicroResult } from './resolve-micro';
import type { SeededFleet } from './seed';
import type { StoreProbeResult } from './store-probe';

/** One target, PASS or MISS. */
export interface TargetResult {
  name: string;
  target: string;
  measured: string;
  pass: boolean;
  note: string;
}

/** What the scoped caller sees, checked before anything is timed. */
export interface VisibilityCheck {
  masterItems: number;
  scopedItems: number;
  /** Items of the scoped list outside the scoped organization (must be 0). */
  scopedItemsOutside: number;
  /** Status of GET /machines/{id} of another organization's machine as the scoped caller (404). */
  otherOrganizationStatus: number;
  /** Whether GET /machines?limit=50 answers 50 items and the last one's id as `next`. */
  listPaging: boolean;
  master: CallerPages;
  scoped: CallerPages;
}

/** One caller's list, walked once through its pages before timing; where its deep page starts. */
export interface CallerPages {
  /** Machines in the caller's list (every page). */
  items: number;
  /** Requests (limit=1000) and time the untimed walk took. */
  walkRequests: number;
  walkMs: number;
  /** Index in the caller's list of the deep page's first machine (90% of the way through). */
  deepIndex: number;
  /** The `after` cursor of the deep page: the id just before deepIndex. */
  deepAfter: string;
  /** Items the deep page answered, and whether they are the walk's ids at deepIndex. */
  deepPageItems: number;
  deepPageMatches: boolean;
}

/** Everything a run measured, as written to the JSON file. */
export interface AccessBenchResults {
  benchmark: 'access';
  machine: MachineInfo;
  revision: string;
  commandLine: string;
  config: Record<string, unknown>;
  fleet: SeededFleet;
  visibility: VisibilityCheck;
  /** 1, 5 and 15 minute load averages at the start of each measurement, by label. */
  loadAverages: Record<string, number[]>;
  lists: PairedResult[];
  cheap: PairedResult[];
  store: StoreProbeResult;
  micro: ResolveMicroResult;
  targets: TargetResult[];
  findings: string[];
  durationSeconds: number;
}
