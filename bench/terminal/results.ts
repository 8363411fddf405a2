import type { MachineInfo } from '../support/machine-info';
import type { TargetRow } from '../support/target-row';
import type { CatResult } from './cat-phase';
import type { EchoResult } from './echo-phase';
import type { MemoryResult } from './memory-phase';
import type { ProfileSummary } from './profile-summary';

/** Everything one terminal benchmark run measured (the JSON file). */
export interface TerminalResults {
  benchmark: 'terminal';
  machine: MachineInfo;
  revision: string;
  commandLine: string;
  config: Record<string, unknown>;
  loadAverage: { atStart: number[]; atEnd: number[] };
  echo: EchoResult[];
  memory: MemoryResult | null;
  cat: CatResult | null;
  /** Server CPU profiles (--cpu-profile), node of the agent first. */
  profiles: ProfileSummary[];
  errors: string[];
  targets: TargetRow[];
  durationSeconds: number;
}
