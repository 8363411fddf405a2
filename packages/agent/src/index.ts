export { AGENT_VERSION, type AgentOptions, MusterAgent } from './agent';
export {
  AgentConnection,
  ConnectError,
  type ConnectOptions,
  connectAgent,
  type Welcome,
} from './agent-connection';
export { type AgentKey, generateAgentKey, loadOrCreateAgentKey } from './agent-key';
export type { AgentLog } from './agent-log';
export { nextAttemptAt } from './attempt-clock';
export { fullJitterDelay } from './backoff';
export { collectInventory, localAddresses } from './inventory';
export {
  createJsonLineLog,
  isLogLevel,
  type JsonLineLogOptions,
  LOG_LEVELS,
  type LogLevelName,
} from './json-line-log';
export { type ReconnectDelay, reconnectDelay } from './reconnect-delay';
export { confirmTrial, readTrial, rollBack, type UpdateTrial } from './self-update';
export { BandwidthThrottle } from './throttle';
