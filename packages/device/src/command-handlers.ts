import type { DeviceCommand, DeviceResult } from '@muster/protocol';
import type { LocationAddResult, LocationInput } from './location-buffer';

/** What a handler reports; "not-now" gives the command back to the server's queue. */
export interface CommandOutcome {
  status: 'complete' | 'failed' | 'not-now';
  output?: string;
  error?: string;
}

/** What a handler may use of the device while it runs. */
export interface CommandContext {
  deviceId: string;
  /** The server's tracking setting as of this check-in. */
  tracking: boolean;
  /** Buffers a fix for the next check-in (refused while tracking is off). */
  recordLocation(input: LocationInput): LocationAddResult;
  /** The app's current position, when it has a way to get one. */
  currentLocation?: () => Promise<LocationInput | undefined>;
}

/** Runs one command type on the device. May throw; that counts as "failed". */
export type CommandHandler = (command: DeviceCommand, context: CommandContext) => Promise<CommandOutcome>;

/** Handlers by command type. */
export type CommandHandlerMap = Readonly<Record<string, CommandHandler>>;

/** Longest output and error the results schema accepts. */
const MAX_OUTPUT = 64 * 1024;
const MAX_ERROR = 4096;

function stringParam(command: DeviceCommand, ...names: string[]): string | undefined {
  for (const name of names) {
    const value = command.params[name];
    if (typeof value === 'string' && value !== '') return value;
  }
  return undefined;
}

/**
 * What a device does with each type in DEVICE_COMMAND_TYPES when the app supplies nothing
 * better. Only `locate` does real work (it records a fix); the others acknowledge, which is
 * what a simulator needs and what an app overrides with the platform's own lock, ring and wipe.
 */
export function defaultCommandHandlers(): CommandHandlerMap {
  return {
    locate: async (_command, context) => {
      // Tracking off is the user's choice not to be located; answering "failed" says so.
      if (!context.tracking) return { status: 'failed', error: 'location tracking is off on this device' };
      const fix = await context.currentLocation?.();
      if (!fix) return { status: 'failed', error: 'no location available' };
      const added = context.recordLocation(fix);
      if (!added.accepted) return { status: 'failed', error: `location rejected: ${added.reason}` };
      // The fix also goes into the output so the admin sees it now, not at the next check-in.
      return { status: 'complete', output: JSON.stringify(added.point) };
    },
    lock: async () => ({ status: 'complete', output: 'device locked' }),
    ring: async (command) => {
      const seconds = command.params.seconds;
      return {
        status: 'complete',
        output: typeof seconds === 'number' ? `ringing for ${seconds} s` : 'ringing',
      };
    },
    message: async (command) => {
      const text = stringParam(command, 'text', 'message', 'body');
      return {
        status: 'complete',
        output: text === undefined ? 'message shown' : `message shown: ${text.slice(0, 200)}`,
      };
    },
    wipe: async () => ({ status: 'complete', output: 'wipe accepted' }),
    sync: async () => ({ status: 'complete', output: 'synced' }),
  };
}

/**
 * Runs a command through the handler map and shapes the outcome into a result the server's
 * schema accepts: unknown types and thrown errors become "failed", long texts are cut.
 */
export async function runCommand(
  handlers: CommandHandlerMap,
  command: DeviceCommand,
  context: CommandContext,
): Promise<DeviceResult> {
  // Own properties only: a command type such as "constructor" must not reach Object.prototype.
  const handler = Object.hasOwn(handlers, command.type) ? handlers[command.type] : undefined;
  if (!handler)
    return {
      id: command.id,
      status: 'failed',
      error: `unknown command type: ${command.type}`.slice(0, MAX_ERROR),
    };
  let outcome: CommandOutcome;
  try {
    outcome = await handler(command, context);
  } catch (error) {
    outcome = { status: 'failed', error: error instanceof Error ? error.message : String(error) };
  }
  const result: DeviceResult = { id: command.id, status: outcome.status };
  if (outcome.output !== undefined) result.output = outcome.output.slice(0, MAX_OUTPUT);
  if (outcome.error !== undefined) result.error = outcome.error.slice(0, MAX_ERROR);
  return result;
}
