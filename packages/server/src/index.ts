export { PasswordHasher } from './access/password-hasher';
export { SessionService } from './access/session.service';
export { TokenService } from './access/token.service';
export { TotpService } from './access/totp.service';
export { MASTER_GRANT, UserService } from './access/user.service';
export { buildApp } from './app';
export { type AuditVerification, verifyAuditChain } from './audit/audit-verify';
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
