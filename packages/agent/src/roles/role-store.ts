import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StartLocalParams, StartOffsiteParams } from '@muster/protocol';
import { writeFileAtomic } from '../atomic-file';

/** The roles an agent was told to run, kept so a restarted agent takes them up again. */
export interface StoredRoles {
  offsite: Record<string, StartOffsiteParams>;
  local: Record<string, StartLocalParams>;
}

/** roles.json in the state directory, written atomically. */
export class RoleStore {
  private readonly file: string;

  constructor(stateDir: string) {
    this.file = join(stateDir, 'roles.json');
  }

  load(): StoredRoles {
    if (!existsSync(this.file)) return { offsite: {}, local: {} };
    try {
      const parsed = JSON.parse(readFileSync(this.file, 'utf8')) as Partial<StoredRoles>;
      return { offsite: parsed.offsite ?? {}, local: parsed.local ?? {} };
    } catch {
      // A damaged file must not stop the agent; the server's restart procedures restore roles.
      return { offsite: {}, local: {} };
    }
  }

  save(roles: StoredRoles): void {
    writeFileAtomic(this.file, JSON.stringify(roles));
  }
}
