import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CheckinControl } from '@muster/protocol';
import { writeFileAtomic } from './atomic-file';

/** What the agent remembers between runs (besides its key). */
export interface AgentStateData {
  machineId: string | null;
  guid: string | null;
  /** The Server ID seen at the last verified handshake; the pin when bound. */
  serverId: string | null;
  checkinControl: CheckinControl | null;
  settingsRevision: number;
}

const EMPTY: AgentStateData = {
  machineId: null,
  guid: null,
  serverId: null,
  checkinControl: null,
  settingsRevision: 0,
};

/** The agent's state file (`state.json`, mode 0600), written atomically on every change. */
export class AgentStateFile {
  private data: AgentStateData;
  private readonly file: string;

  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    this.file = join(dir, 'state.json');
    this.data = existsSync(this.file)
      ? { ...EMPTY, ...JSON.parse(readFileSync(this.file, 'utf8')) }
      : { ...EMPTY };
  }

  get value(): Readonly<AgentStateData> {
    return this.data;
  }

  /** Changes and persists the state. */
  update(change: Partial<AgentStateData>): void {
    this.data = { ...this.data, ...change };
    writeFileAtomic(this.file, `${JSON.stringify(this.data, null, 2)}\n`);
  }
}
