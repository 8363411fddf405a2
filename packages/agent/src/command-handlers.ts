import type {
  AgentCommandParams,
  AgentCommandType,
  CommandMessage,
  CommandResultMessage,
} from '@muster/protocol';
import type { Static } from '@sinclair/typebox';
import type { AgentConnection } from './agent-connection';
import type { CommandRunnerHost } from './command-runner';
import type { FileChannel } from './file-channel';
import { getFile, putFile } from './file-transfer';
import type { RoleManager } from './roles/role-manager';
import { stageUpdate } from './self-update';
import { runShell } from './shell-runner';

/** How a command ended, before it is addressed (`t`, `id`) as a result message. */
export type CommandOutcome = Omit<CommandResultMessage, 't' | 'id'>;

/** A failed outcome with its reason. */
export const failed = (error: string): CommandOutcome => ({ status: 'failed', error });

/** One delivered command being run, with its parameters already checked against its type's schema. */
export interface CommandRun<K extends AgentCommandType> {
  message: CommandMessage & { type: K };
  params: Static<(typeof AgentCommandParams)[K]>;
  /** The connection the command came in on (settings and audits answer on it). */
  connection: AgentConnection;
  /** File transfers of this command go through it. */
  files: FileChannel;
  host: CommandRunnerHost;
}

/**
 * How the agent runs each command type. Exhaustive: a command type added to the protocol without
 * a handler here is a compile error, not a run-time "not supported".
 */
export type CommandHandlers = {
  readonly [K in AgentCommandType]: (run: CommandRun<K>) => Promise<CommandOutcome>;
};

/** Runs a replication procedure through the agent's role manager. */
const roleProcedure = async (run: CommandRun<AgentCommandType>): Promise<CommandOutcome> => ({
  status: 'complete',
  output: await run.host.roles.run(
    run.message.type as Parameters<RoleManager['run']>[0],
    run.params as Record<string, unknown>,
  ),
});

/** Accepts a lifecycle command; the runner restarts or uninstalls once its result is acknowledged. */
const accepted = async (run: CommandRun<AgentCommandType>): Promise<CommandOutcome> => ({
  status: 'complete',
  output: `${run.message.type} accepted`,
});

/** The agent's command handlers, one per command type. */
export const COMMAND_HANDLERS: CommandHandlers = {
  shell: async ({ message, params, host }) => {
    const o = await runShell(message.id, params, host.scratchDir);
    const ok = !o.timedOut && o.error === null && o.exitCode === 0;
    return {
      status: ok ? 'complete' : 'failed',
      exitCode: o.exitCode,
      output: o.output,
      ...(ok ? {} : { error: o.error ?? `exited with code ${o.exitCode}` }),
    };
  },
  'put-file': async ({ message, params, files, host }) => ({
    status: 'complete',
    output: await putFile(files, host.throttle, message.id, params),
  }),
  'get-file': async ({ message, params, files }) => ({
    status: 'complete',
    output: await getFile(files, message.id, params),
  }),
  'start-offsite-server': roleProcedure,
  'stop-offsite-server': roleProcedure,
  'verify-offsite-server': roleProcedure,
  'start-local-server': roleProcedure,
  'stop-local-server': roleProcedure,
  'replicate-now': roleProcedure,
  audit: async ({ connection, host }) => {
    host.sendAudit(connection);
    return { status: 'complete' };
  },
  'update-checkin-control': async ({ params, connection, host }) => {
    const applied = host.applySettings(connection, params.checkinControl, params.revision);
    return {
      status: 'complete',
      output: applied
        ? `settings revision ${params.revision} applied`
        : `settings revision ${params.revision} already in force, or superseded by a newer one`,
    };
  },
  'restart-agent': accepted,
  uninstall: accepted,
  'update-agent': async ({ message, params, files, host }) => {
    if (!host.executable)
      return failed(
        'this agent runs under node from a checkout, not as the self-contained executable: update its installation instead',
      );
    return {
      status: 'complete',
      output: await stageUpdate(files, host.throttle, message.id, params, host.executable, host.stateDir),
    };
  },
};
