export { buildApp } from './app';
export { ConfigError, envName, loadServerConfig, type ServerConfig, ServerConfigSchema } from './config';
export { type RunningServer, SERVER_VERSION, startServer } from './main';
export { openSqlStore } from './store/sql/sql-store';
