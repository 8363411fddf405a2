/** The logger the agent writes to (json-line-log.ts in the CLI; anything with these methods in tests). */
export interface AgentLog {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}
