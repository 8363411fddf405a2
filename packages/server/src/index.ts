export { PasswordHasher } from './access/password-hasher';
export { SessionService } from './access/session.service';
export { TokenService } from './access/token.service';
export { TotpService } from './access/totp.service';
export { MASTER_GRANT, UserService } from './access/user.service';
export { buildApp } from './app';
export { type AuditVerification, verifyAuditChain } from './audit/audit-verify';
export { BackupError } from './backup/backup-error';
export { type BackupManifest, MANIFEST_FILE } from './backup/backup-manifest';
export { KNOWN_FILES as KNOWN_DATA_FILES } from './backup/data-dir-contents';
export { type BackupResult, backupDataDir } from './backup/server-backup';
export { type RestoreResult, restoreDataDir, verifyBackup } from './backup/server-restore';
export {
  ConfigError,
  envName,
  loadServerConfig,
  type ServerConfig,
  ServerConfigSchema,
  sqliteFileOf,
} from './config';
export { MusterError } from './domain/errors';
export { type RunningServer, SERVER_VERSION, startServer } from './main';
export { ServerStartError } from './server-start-error';
export { openSqlStore } from './store/sql/sql-store';
