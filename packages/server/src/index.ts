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
export { type RunningServer, SERVER_VERSION, startServer } from './main';
export { ServerStartError } from './server-start-error';
export { openSqlStore } from './store/sql/sql-store';
