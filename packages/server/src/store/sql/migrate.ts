import { type Kysely, type Migration, type MigrationProvider, Migrator } from 'kysely';
import type { Dialect } from './dialect';
import * as core from './migrations/001-core.migration';
import * as commands from './migrations/002-commands.migration';
import * as devices from './migrations/003-devices.migration';
import * as webhooks from './migrations/004-webhooks.migration';
import * as files from './migrations/005-files.migration';
import * as replication from './migrations/006-replication.migration';
import * as commandHolder from './migrations/007-command-holder.migration';
import * as installTokenRevocation from './migrations/008-install-token-revocation.migration';
import * as identity from './migrations/009-identity.migration';
import * as audit from './migrations/010-audit.migration';
import * as fileGroups from './migrations/011-file-groups.migration';
import * as listIndexes from './migrations/012-list-indexes.migration';
import * as alerts from './migrations/013-alerts.migration';
import * as connectedBy from './migrations/014-connected-by.migration';
import * as sparseCommandIndexes from './migrations/015-sparse-command-indexes.migration';
import * as terminalSessions from './migrations/016-terminal-sessions.migration';
import * as checkinHistory from './migrations/017-checkin-history.migration';
import * as recordingCompression from './migrations/018-recording-compression.migration';
import * as connectedAttempt from './migrations/019-connected-attempt.migration';
import type { Database } from './schema';

/** A numbered, forward-only migration; `up` may branch on the dialect. */
interface DialectMigration {
  up(db: Kysely<unknown>, dialect: Dialect): Promise<void>;
}

/** Every migration, in order. Append only: a released migration is never edited. */
const MIGRATIONS: Record<string, DialectMigration> = {
  '001-core': core,
  '002-commands': commands,
  '003-devices': devices,
  '004-webhooks': webhooks,
  '005-files': files,
  '006-replication': replication,
  '007-command-holder': commandHolder,
  '008-install-token-revocation': installTokenRevocation,
  '009-identity': identity,
  '010-audit': audit,
  '011-file-groups': fileGroups,
  '012-list-indexes': listIndexes,
  '013-alerts': alerts,
  '014-connected-by': connectedBy,
  '015-sparse-command-indexes': sparseCommandIndexes,
  '016-terminal-sessions': terminalSessions,
  '017-checkin-history': checkinHistory,
  '018-recording-compression': recordingCompression,
  '019-connected-attempt': connectedAttempt,
};

/**
 * Brings the schema up to one migration (included) and no further: tests of a data migration
 * create the rows of an older version first, then migrate to the latest.
 */
export async function migrateUpTo(db: Kysely<Database>, dialect: Dialect, last: string): Promise<void> {
  const names = Object.keys(MIGRATIONS);
  if (!names.includes(last)) throw new Error(`no migration ${last}`);
  await runMigrations(db, dialect, names.slice(0, names.indexOf(last) + 1));
}

/** Brings the schema up to date; throws with the failing migration's name. */
export async function migrateToLatest(db: Kysely<Database>, dialect: Dialect): Promise<void> {
  await runMigrations(db, dialect, Object.keys(MIGRATIONS));
}

async function runMigrations(
  db: Kysely<Database>,
  dialect: Dialect,
  names: readonly string[],
): Promise<void> {
  const provider: MigrationProvider = {
    async getMigrations() {
      const out: Record<string, Migration> = {};
      for (const name of names) {
        const m = MIGRATIONS[name];
        if (m) out[name] = { up: (d: Kysely<unknown>) => m.up(d, dialect) };
      }
      return out;
    },
  };
  const migrator = new Migrator({ db, provider, migrationTableName: 'muster_migrations' });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`database migration ${failed} failed: ${String(error)}`);
  }
}
