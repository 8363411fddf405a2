import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import {
  AGENT_VERSION,
  confirmTrial,
  createJsonLineLog,
  isLogLevel,
  LOG_LEVELS,
  MusterAgent,
  readTrial,
  rollBack,
} from '@muster/agent';
import { AGENT_REFUSED_EXIT_STATUS, parseServerAddress } from '@muster/protocol';
import { Command } from 'commander';
import { agentServiceCommands, withServerOptions } from './agent-service.commands';

/** How the agent command is run. */
export interface AgentCommandOptions {
  /**
   * The arguments a restart relaunches `process.execPath` with: the script and the options under
   * node (the default), the options alone for the self-contained executable.
   */
  relaunchArgs?: () => string[];
  /** The self-contained agent executable this is, which `install` copies; absent under node. */
  executable?: string;
}

/** The options of `muster agent`, as commander parses them. */
interface AgentCommandFlags {
  server?: string;
  secondary?: string;
  token?: string;
  state: string;
  hardwareId?: string;
  userProbe?: string;
  localAddress?: string;
  logLevel?: string;
  enrollOnly?: boolean;
  enrollTimeout: string;
}

/** `muster agent`: run the agent on a managed machine. */
export function agentCommand(options: AgentCommandOptions = {}): Command {
  const relaunchArgs = options.relaunchArgs ?? (() => process.argv.slice(1));
  /**
   * Starts the agent again once this process has gone: under systemd (INVOCATION_ID is set for
   * a service) the service manager does it (Restart=always), and a second process started here
   * would run beside it; otherwise a detached process with the same command line (the state
   * directory carries everything) and, after an update, the new executable at the same path.
   */
  const relaunch = () => {
    if (process.env.INVOCATION_ID) return;
    spawn(process.execPath, relaunchArgs(), { detached: true, stdio: 'inherit' }).unref();
  };
  const command = withServerOptions(new Command('agent'))
    .description('Run the Muster agent: enroll with an install token, then keep checking in')
    .option(
      '--state <dir>',
      'state directory (agent key, settings)',
      process.env.MUSTER_AGENT_STATE ?? './muster-agent',
    )
    .option(
      '--hardware-id <id>',
      'override the detected hardware id (containers and VMs that share a machine-id)',
    )
    .option('--user-probe <command>', 'command printing {"user": ..., "idleSeconds": N} instead of `who -u`')
    .option('--local-address <ip>', 'source address for the connection to the server')
    .option(
      '--log-level <level>',
      `log level: ${Object.keys(LOG_LEVELS).join(', ')}`,
      process.env.MUSTER_LOG_LEVEL ?? 'info',
    )
    .option(
      '--enroll-only',
      'enroll (or check that the state directory is enrolled), then exit 0; what install scripts run',
    )
    .option(
      '--enroll-timeout <seconds>',
      'with --enroll-only: give up with exit status 1 when no server welcomed the agent in time',
      '60',
    )
    .addHelpText(
      'after',
      '\nAfter the first start the state directory is enough: `muster agent --state DIR`.\n' +
        'Settings pushed by the server (check-in control) are stored there and win over --server/--secondary.\n' +
        '\nThe install token may come from MUSTER_INSTALL_TOKEN instead of --token, so that it does not show\n' +
        'in the process list (the installed service reads it from its environment file).\n' +
        '\nA server that is down or unreachable is retried for ever. A refusal that retrying cannot change\n' +
        '(install token unknown, expired, used up or revoked; agent key unknown to the server; machine\n' +
        `account deleted) ends the agent with exit status ${AGENT_REFUSED_EXIT_STATUS} and says why on standard error.`,
    )
    .action(async (opts: AgentCommandFlags) => {
      const level = opts.logLevel ?? 'info';
      if (!isLogLevel(level)) {
        console.error(
          `muster agent: --log-level must be one of ${Object.keys(LOG_LEVELS).join(', ')}, not "${level}"`,
        );
        process.exit(2);
      }
      const log = createJsonLineLog({ level, base: { component: 'agent' } });
      const enrollOnly = opts.enrollOnly === true;
      const enrollTimeoutSeconds = Number(opts.enrollTimeout);
      if (!Number.isFinite(enrollTimeoutSeconds) || enrollTimeoutSeconds <= 0) {
        console.error(
          `muster agent: --enroll-timeout must be a positive number of seconds, not "${opts.enrollTimeout}"`,
        );
        process.exit(2);
      }
      // Set once the process is on its way out (a signal, a lifecycle command, a refusal), so a
      // second reason arriving meanwhile does not change how it ends.
      let ending = false;
      let agent: MusterAgent;
      try {
        agent = new MusterAgent({
          stateDir: opts.state,
          server: opts.server ? parseServerAddress(opts.server) : undefined,
          secondary: opts.secondary ? parseServerAddress(opts.secondary) : null,
          token: opts.token,
          hardwareId: opts.hardwareId,
          userProbeCommand: opts.userProbe,
          localAddress: opts.localAddress,
          log,
          onLifecycle: (action) => void lifecycle(action),
          onRefused: (message) => void refused(message),
          onWelcomed: (machineId) => void welcomed(machineId),
          ...(options.executable ? { executable: options.executable } : {}),
        });
      } catch (error) {
        console.error(`muster agent: ${(error as Error).message}`);
        process.exit(2);
      }
      const refused = async (message: string) => {
        if (ending) return;
        ending = true;
        log.error({}, `agent refused for good: ${message}`);
        console.error(`muster agent: ${message}`);
        await agent.stop();
        process.exit(AGENT_REFUSED_EXIT_STATUS);
      };
      const lifecycle = async (action: 'restart' | 'uninstall') => {
        if (ending) return;
        ending = true;
        await agent.stop();
        if (action === 'restart') {
          relaunch();
          log.info({}, 'agent restarting');
        } else {
          rmSync(opts.state, { recursive: true, force: true });
          log.info({ state: opts.state }, 'agent uninstalled: state directory removed');
        }
        process.exit(0);
      };
      const welcomed = async (machineId: string) => {
        if (trial) {
          trial = null;
          await confirmTrial(opts.state);
          log.info({ version: AGENT_VERSION }, 'agent update confirmed: a server welcomed the new version');
        }
        if (!enrollOnly || ending) return;
        ending = true;
        await agent.stop();
        console.log(`muster agent: enrolled as ${machineId}; state in ${opts.state}`);
        process.exit(0);
      };
      // An update on trial (the executable was just replaced): the new version must be welcomed
      // by a server before the deadline, or the previous one is put back and started.
      let trial = options.executable ? await readTrial(opts.state) : null;
      if (trial) {
        const rollBackNow = async () => {
          if (!trial || ending) return;
          ending = true;
          log.error(
            { version: AGENT_VERSION },
            'the updated agent did not check in in time: going back to the previous one',
          );
          await agent.stop();
          await rollBack(opts.state);
          relaunch();
          process.exit(1);
        };
        setTimeout(() => void rollBackNow(), Math.max(0, trial.deadline - Date.now()));
      }
      agent.start();
      if (enrollOnly) {
        setTimeout(() => {
          if (ending) return;
          ending = true;
          console.error(
            `muster agent: no server welcomed the agent within ${enrollTimeoutSeconds} s (see the log above for why); not enrolled`,
          );
          void agent.stop().finally(() => process.exit(1));
        }, enrollTimeoutSeconds * 1000);
      }
      const stop = async () => {
        if (ending) return;
        ending = true;
        await agent.stop();
        process.exit(0);
      };
      process.once('SIGINT', () => void stop());
      process.once('SIGTERM', () => void stop());
    });
  for (const sub of agentServiceCommands(options.executable ?? null)) command.addCommand(sub);
  return command;
}
