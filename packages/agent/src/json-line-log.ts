import type { AgentLog } from './agent-log';

/**
 * The log levels and their numbers, as pino numbers them: the agent's lines read the same as
 * the server's, so one log pipeline (journald, jq, Loki) takes both.
 */
export const LOG_LEVELS = {
  trace: 10,
  debug: 20,
  info: 30,
  warn: 40,
  error: 50,
  fatal: 60,
  silent: Infinity,
};

/** A level name the agent accepts for --log-level. */
export type LogLevelName = keyof typeof LOG_LEVELS;

/** Whether `name` is a level the agent knows. */
export function isLogLevel(name: string): name is LogLevelName {
  return Object.hasOwn(LOG_LEVELS, name);
}

/** How a JSON line log is made. */
export interface JsonLineLogOptions {
  level: LogLevelName;
  /** Fields on every line, after level and time (for example `{ component: 'agent' }`). */
  base?: Record<string, unknown>;
  /** Where a finished line goes, newline included; standard output by default. */
  write?: (line: string) => void;
  /** The clock, in milliseconds since the epoch. */
  now?: () => number;
}

/** Errors as their name, message and stack: JSON.stringify would write an Error as `{}`. */
function replaceErrors(_key: string, value: unknown): unknown {
  if (value instanceof Error) return { type: value.name, message: value.message, stack: value.stack };
  if (typeof value === 'bigint') return value.toString();
  return value;
}

/**
 * The agent's log: one JSON object per line (`level`, `time`, the base fields, the line's
 * fields, `msg`), written synchronously to standard output.
 *
 * Why not pino, which the server uses: the agent logs a few lines an hour, and pino with its
 * stream and worker-thread transports costs an idle agent several megabytes of memory, which is
 * a target (bench/footprint). Standard output is synchronous for files and pipes on Linux, so
 * a line written just before `process.exit` is not lost.
 */
export function createJsonLineLog(options: JsonLineLogOptions): AgentLog {
  const threshold = LOG_LEVELS[options.level];
  const base = options.base ?? {};
  const write = options.write ?? ((line: string) => process.stdout.write(line));
  const now = options.now ?? Date.now;
  const emit = (level: number, fields: object, msg: string) => {
    if (level < threshold) return;
    const time = now();
    let line: string;
    try {
      // level and time lead the line and keep their values whatever the fields hold.
      const record = { level, time, ...base, ...fields, msg };
      record.level = level;
      record.time = time;
      line = JSON.stringify(record, replaceErrors);
    } catch (error) {
      // A cycle in the fields: the message still gets out, with why its fields did not.
      line = JSON.stringify({ level, time, ...base, msg, logError: (error as Error).message });
    }
    write(`${line}\n`);
  };
  return {
    info: (fields, msg) => emit(LOG_LEVELS.info, fields, msg),
    warn: (fields, msg) => emit(LOG_LEVELS.warn, fields, msg),
    error: (fields, msg) => emit(LOG_LEVELS.error, fields, msg),
  };
}
