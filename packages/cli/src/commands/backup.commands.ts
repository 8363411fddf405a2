import {
  BackupError,
  backupDataDir,
  KNOWN_DATA_FILES,
  loadServerConfig,
  restoreDataDir,
  SERVER_VERSION,
  type ServerConfig,
  verifyBackup,
} from '@muster/server';
import { Command } from 'commander';

/** The description `muster backup` carries (also in command-catalog.ts). */
export const BACKUP_DESCRIPTION =
  "Back up a SQLite server, running or not: a consistent copy of its store (SQLite's online backup) with its identity, certificate and admin token, in a new directory with a manifest";
/** The description `muster restore` carries (also in command-catalog.ts). */
export const RESTORE_DESCRIPTION =
  'Restore a backup made by muster backup into the data directory of a stopped server, after checking it whole (manifest, SHA-256 of every file, SQLite integrity check)';

/** The server configuration the data-directory options name (flags > MUSTER_* > --config file). */
function serverConfig(opts: { dataDir?: string; config?: string }): ServerConfig {
  return loadServerConfig(
    opts.dataDir === undefined ? {} : { dataDir: opts.dataDir },
    process.env,
    opts.config,
  );
}

const POSTGRES_NOTE =
  'this server keeps its store in PostgreSQL (databaseUrl is set): back it up with pg_dump and restore it with pg_restore, ' +
  'together with the data directory files (see "Backup and restore" in the README)';

const WHAT_IS_COPIED = Object.entries(KNOWN_DATA_FILES)
  .map(([name, why]) => `  ${name.padEnd(15)} ${why}`)
  .join('\n');

/** `muster backup`: copy a running server's store and identity files into a new directory. */
export function backupCommand(): Command {
  return new Command('backup')
    .description(BACKUP_DESCRIPTION)
    .requiredOption(
      '--out <dir>',
      'the backup directory to create (new, or empty; outside the data directory)',
    )
    .option('--data-dir <dir>', "the server's data directory [env MUSTER_DATA_DIR; default ./muster-data]")
    .option('--config <file>', "the server's configuration file (its dataDir and databaseUrl are used)")
    .addHelpText(
      'after',
      `\nWhat the backup holds (and why):\n${WHAT_IS_COPIED}\n` +
        '  any other regular file of the data directory, listed in the manifest\n' +
        '  manifest.json   size, SHA-256 and mode of each file, and the Server ID; written last\n' +
        '\nNot copied: server.lock and server.pid (they describe the running process), and muster.db-wal and\n' +
        '-shm (the copy of the store already holds everything committed). A certificate given with\n' +
        '--tls-cert/--tls-key lives outside the data directory: back it up with your other certificates.\n' +
        '\nThe server keeps running and writing: the store is read as one snapshot (WAL mode) and copied\n' +
        'in one step. The backup holds the server identity key, TLS key and admin token: keep it as\n' +
        'private as the data directory (it is written mode 0700). A server on PostgreSQL is backed up\n' +
        'with pg_dump instead (README, "Backup and restore").',
    )
    .action(async (opts: { out: string; dataDir?: string; config?: string }) => {
      const config = serverConfig(opts);
      if (config.databaseUrl) throw new BackupError(POSTGRES_NOTE);
      const result = await backupDataDir({
        dataDir: config.dataDir,
        out: opts.out,
        musterVersion: SERVER_VERSION,
      });
      const lines = [
        `Backup of ${config.dataDir} written to ${result.dir}`,
        `  Server ID: ${result.manifest.serverId}`,
        ...result.manifest.files.map((f) => `  ${f.name} (${f.bytes} bytes)`),
        ...result.skipped.map((s) => `  not copied: ${s}`),
      ];
      console.log(lines.join('\n'));
    });
}

/** `muster restore`: put a backup back into a stopped server's data directory. */
export function restoreCommand(): Command {
  return new Command('restore')
    .description(RESTORE_DESCRIPTION)
    .argument('<backup-dir>', 'a directory written by muster backup')
    .option(
      '--data-dir <dir>',
      'the data directory to restore into [env MUSTER_DATA_DIR; default ./muster-data]',
    )
    .option('--config <file>', "the server's configuration file (its dataDir is used)")
    .option(
      '--force',
      'restore into a directory that already holds data: what it holds is moved aside to <data dir>.before-restore-<time>, not deleted',
    )
    .option('--check', 'only check the backup (manifest, hashes, SQLite integrity), restore nothing')
    .addHelpText(
      'after',
      '\nRefused, changing nothing: while a server runs on the data directory (stop it first; --force does not\n' +
        'override this), a data directory that is not empty without --force, and a backup that is incomplete\n' +
        'or damaged (no manifest, a file missing, a size or SHA-256 that differs, a store that fails SQLite\n' +
        "integrity check). The restored server has the backup's Server ID, machine accounts, users and\n" +
        'tokens: agents bound to it reconnect as they were. Agents enrolled after the backup are unknown to\n' +
        'it; they stop (exit status 3) and must be enrolled again.',
    )
    .action(
      async (
        backupDir: string,
        opts: { dataDir?: string; config?: string; force?: boolean; check?: boolean },
      ) => {
        if (opts.check) {
          const manifest = await verifyBackup(backupDir);
          console.log(
            `${backupDir}: complete and undamaged (Server ID ${manifest.serverId}, made ${manifest.createdAt}, ${manifest.files.length} files)`,
          );
          return;
        }
        const config = serverConfig(opts);
        if (config.databaseUrl) throw new BackupError(POSTGRES_NOTE);
        const result = await restoreDataDir({
          backupDir,
          dataDir: config.dataDir,
          force: opts.force === true,
        });
        console.log(
          [
            `Restored ${backupDir} into ${result.dataDir}`,
            `  Server ID: ${result.serverId}`,
            ...(result.movedAside ? [`  What the directory held before is in ${result.movedAside}`] : []),
            `Start the server on it: muster server --data-dir ${result.dataDir}`,
          ].join('\n'),
        );
      },
    );
}
