import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { AGENT_REFUSED_EXIT_STATUS, agentUnit, INSTALL_PATHS, parseServerAddress } from '@muster/protocol';
import { Command } from 'commander';

/**
 * The options that say where an agent enrolls, each also read from the environment (where the
 * installed service's agent.env puts them, keeping the token off the command line).
 */
export function withServerOptions(command: Command): Command {
  return command
    .option(
      '--server <host:port>',
      'primary server (IP address or fully qualified name; port 5721 by default; or MUSTER_SERVER)',
      process.env.MUSTER_SERVER || undefined,
    )
    .option(
      '--secondary <host:port>',
      'secondary server, used only while the primary is unreachable (or MUSTER_SECONDARY)',
      process.env.MUSTER_SECONDARY || undefined,
    )
    .option(
      '--token <token>',
      'install token, needed only to enroll (or MUSTER_INSTALL_TOKEN)',
      process.env.MUSTER_INSTALL_TOKEN || undefined,
    );
}

/** Where the files of an installed agent go below a root (`/`, or a directory tree). */
function pathsBelow(root: string) {
  const at = (path: string) => join(root, path);
  return {
    executable: at(INSTALL_PATHS.executable),
    state: at(INSTALL_PATHS.state),
    config: at(INSTALL_PATHS.config),
    unit: at(INSTALL_PATHS.unit),
  };
}

/** Fails the command with a message, changing nothing more. */
class InstallError extends Error {}

function systemctl(...args: string[]): void {
  const run = spawnSync('systemctl', args, { stdio: 'inherit' });
  if (run.status !== 0) throw new InstallError(`systemctl ${args.join(' ')} failed (status ${run.status})`);
}

function envFile(server: string, secondary: string | undefined, token: string | undefined): string {
  let text = `MUSTER_SERVER=${server}\n`;
  if (secondary) text += `MUSTER_SECONDARY=${secondary}\n`;
  if (token) text += `MUSTER_INSTALL_TOKEN=${token}\n`;
  return text;
}

interface InstallFlags {
  server?: string;
  secondary?: string;
  token?: string;
  executable?: string;
  root?: string;
  enrollTimeout: string;
}

/**
 * `muster agent install`: what the server's install script does, by hand. The executable comes
 * from --executable, or is this very one when the self-contained agent runs the command.
 */
function installCommand(self: string | null): Command {
  return withServerOptions(new Command('install'))
    .description('Install the agent as a systemd service: copy, enroll, write the unit, start it')
    .option(
      '--executable <file>',
      'the agent executable to install (npm run build:agent); the running one when it is the executable',
    )
    .option('--root <dir>', 'install into this directory tree and leave systemctl alone')
    .option('--enroll-timeout <seconds>', 'give up when no server welcomed the agent in time', '60')
    .addHelpText(
      'after',
      `\nInstalls ${INSTALL_PATHS.executable}, ${INSTALL_PATHS.config} (mode 0600: the server, and the token\n` +
        `until enrollment), state in ${INSTALL_PATHS.state} and ${INSTALL_PATHS.unit}.\n` +
        `Exit status ${AGENT_REFUSED_EXIT_STATUS} when the server refused the agent; nothing is started then.`,
    )
    .action(function (this: Command) {
      try {
        // With the agent command's own: `muster agent install --server …` gives --server to
        // whichever of the two commander reads it for.
        install(this.optsWithGlobals() as InstallFlags, self);
      } catch (error) {
        if (!(error instanceof InstallError)) throw error;
        console.error(`muster agent install: ${error.message}`);
        process.exit(process.exitCode ?? 1);
      }
    });
}

function install(opts: InstallFlags, self: string | null): void {
  if (!opts.server) throw new InstallError('give the server: --server host:port (or MUSTER_SERVER)');
  // Checked before anything is written.
  const server = parseServerAddress(opts.server);
  const secondary = opts.secondary ? parseServerAddress(opts.secondary) : null;
  const serverText = `${server.host}:${server.port}`;
  const secondaryText = secondary ? `${secondary.host}:${secondary.port}` : undefined;
  const source = opts.executable ? resolve(opts.executable) : self;
  if (!source)
    throw new InstallError('give the agent executable: --executable FILE (npm run build:agent builds one)');
  if (!existsSync(source)) throw new InstallError(`no executable at ${source}`);
  const root = opts.root ? resolve(opts.root) : '/';
  if (!opts.root && process.getuid?.() !== 0) throw new InstallError('run as root (or give --root DIR)');
  const paths = pathsBelow(root);

  for (const dir of [dirname(paths.executable), dirname(paths.unit)])
    mkdirSync(dir, { recursive: true, mode: 0o755 });
  for (const dir of [dirname(paths.config), paths.state]) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    chmodSync(dir, 0o700);
  }
  // Replaced in one step: a running agent keeps its old file until it restarts.
  if (source !== paths.executable) {
    copyFileSync(source, `${paths.executable}.new`);
    chmodSync(`${paths.executable}.new`, 0o755);
    renameSync(`${paths.executable}.new`, paths.executable);
  }
  writeFileSync(paths.config, envFile(serverText, secondaryText, opts.token), { mode: 0o600 });
  chmodSync(paths.config, 0o600);

  console.log(`Enrolling with ${serverText}`);
  const enroll = spawnSync(
    paths.executable,
    ['--state', paths.state, '--enroll-only', '--enroll-timeout', opts.enrollTimeout, '--log-level', 'warn'],
    {
      stdio: 'inherit',
      env: {
        ...process.env,
        MUSTER_SERVER: serverText,
        MUSTER_SECONDARY: secondaryText ?? '',
        MUSTER_INSTALL_TOKEN: opts.token ?? '',
      },
    },
  );
  if (enroll.status !== 0) {
    if (enroll.status === AGENT_REFUSED_EXIT_STATUS) {
      process.exitCode = AGENT_REFUSED_EXIT_STATUS;
      throw new InstallError('the server refused this agent (see above); nothing started');
    }
    throw new InstallError(
      `enrollment failed (status ${enroll.status ?? enroll.signal}, see above); nothing started`,
    );
  }
  // Enrolled: the state directory is enough from now on, and the token is not kept.
  writeFileSync(paths.config, envFile(serverText, secondaryText, undefined), { mode: 0o600 });
  writeFileSync(paths.unit, agentUnit(), { mode: 0o644 });
  if (opts.root) {
    console.log(`Installed into ${root}; not started (systemctl is left alone with --root)`);
    return;
  }
  systemctl('daemon-reload');
  systemctl('enable', '--now', 'muster-agent.service');
  console.log('The Muster agent is installed and running: systemctl status muster-agent');
}

/** `muster agent uninstall`: stops the service and removes what install wrote. */
function uninstallCommand(): Command {
  return new Command('uninstall')
    .description('Stop the agent service and remove its executable, unit, configuration and state')
    .option('--keep-state', 'keep the state directory (the agent key: the machine account stays usable)')
    .option('--root <dir>', 'uninstall from this directory tree and leave systemctl alone')
    .action((opts: { keepState?: boolean; root?: string }) => {
      const root = opts.root ? resolve(opts.root) : '/';
      if (!opts.root && process.getuid?.() !== 0) {
        console.error('muster agent uninstall: run as root (or give --root DIR)');
        process.exit(1);
      }
      const paths = pathsBelow(root);
      if (!opts.root && existsSync(paths.unit)) {
        // Stopped first, so nothing runs the files removed next.
        spawnSync('systemctl', ['disable', '--now', 'muster-agent.service'], { stdio: 'inherit' });
      }
      rmSync(paths.unit, { force: true });
      rmSync(dirname(paths.executable), { recursive: true, force: true });
      rmSync(dirname(paths.config), { recursive: true, force: true });
      if (!opts.keepState) rmSync(paths.state, { recursive: true, force: true });
      if (!opts.root) spawnSync('systemctl', ['daemon-reload'], { stdio: 'inherit' });
      console.log(
        `The Muster agent is uninstalled${opts.keepState ? ` (state kept in ${paths.state})` : ''}. Its machine account stays on the server until an administrator deletes it.`,
      );
    });
}

/**
 * `muster agent install` and `muster agent uninstall`, added to the agent command.
 * @param self the running agent executable, which installs itself; null under node.
 */
export function agentServiceCommands(self: string | null): Command[] {
  return [installCommand(self), uninstallCommand()];
}
