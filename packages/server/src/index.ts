export { buildApp } from './app';
export { ConfigError, envName, loadServerConfig, type ServerConfig, ServerConfigSchema } from './config';
export { type RunningServer, SERVER_VERSION, startServer } from './main';
export { ServerStartError } from './server-start-error';
export { openSqlStore } from './store/sql/sql-store';
