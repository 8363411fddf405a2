import { Command } from 'commander';
import type { ApiGlobals } from './commands/api-command';

/**
 * One `muster` subcommand: its name and description, known without loading it, and how to build it.
 * Each subcommand's module (and the packages it needs: the server with its database drivers, the
 * agent, the device library) is imported only when that subcommand runs, so `muster --help` and
 * `muster agent` load no more than they use. The description here must equal the one the command
 * sets itself (command-catalog.test.ts checks it).
 */
export interface CatalogEntry {
  name: string;
  description: string;
  load(globals: ApiGlobals): Promise<Command>;
}

/** Every `muster` subcommand, in the order `muster --help` lists them. */
export const COMMAND_CATALOG: readonly CatalogEntry[] = [
  {
    name: 'server',
    description: 'Run the Muster server (HTTP API and agent gateway)',
    load: async (globals) => (await import('./commands/server.command')).serverCommand(globals),
  },
  {
    name: 'agent',
    description: 'Run the Muster agent: enroll with an install token, then keep checking in',
    load: async () => (await import('./commands/agent.command')).agentCommand(),
  },
  {
    name: 'machines',
    description: 'Machines and their check-in status',
    load: async (globals) => (await import('./commands/admin.commands')).machinesCommand(globals),
  },
  {
    name: 'checkin-control',
    description: 'Check-in control settings',
    load: async (globals) => (await import('./commands/admin.commands')).checkinControlCommand(globals),
  },
  {
    name: 'policy',
    description: 'Check-in policy per machine group',
    load: async (globals) => (await import('./commands/admin.commands')).policyCommand(globals),
  },
  {
    name: 'install-token',
    description: 'Install tokens for enrolling agents',
    load: async (globals) => (await import('./commands/admin.commands')).installTokenCommand(globals),
  },
  {
    name: 'notifications',
    description: 'Warnings: duplicate-account, lan-via-gateway, local-server-inactive, offsite-corruption',
    load: async (globals) => (await import('./commands/admin.commands')).notificationsCommand(globals),
  },
  {
    name: 'commands',
    description: 'The command queue: procedures for agents and devices',
    load: async (globals) => (await import('./commands/commands.commands')).commandsCommand(globals),
  },
  {
    name: 'files',
    description: 'Files on the server: uploads for put-file, files from get-file',
    load: async (globals) => (await import('./commands/files.commands')).filesCommand(globals),
  },
  {
    name: 'devices',
    description: 'Mobile devices enrolled through @muster/device',
    load: async (globals) => (await import('./commands/devices.commands')).devicesCommand(globals),
  },
  {
    name: 'offsite-server',
    description: 'Offsite servers: agents that receive backup images',
    load: async (globals) => (await import('./commands/replication.commands')).offsiteServerCommand(globals),
  },
  {
    name: 'local-server',
    description: 'Local servers: agents that send backup images offsite',
    load: async (globals) => (await import('./commands/replication.commands')).localServerCommand(globals),
  },
  {
    name: 'terminal',
    description:
      'Open an interactive shell on a machine through the API (a remote terminal); every session is recorded',
    load: async (globals) => (await import('./commands/terminal.command')).terminalCommand(globals),
  },
  {
    name: 'audit',
    description: 'The audit log: who changed what, hash-chained',
    load: async (globals) => (await import('./commands/audit.commands')).auditCommand(globals),
  },
  {
    name: 'replicate',
    description: 'Offsite replication without the server: seed an offsite copy, or test a link',
    load: async () => (await import('./commands/replicate.command')).replicateCommand(),
  },
  {
    name: 'demo',
    description: 'Start a server on a temporary store and a few real agent processes on loopback',
    load: async () => (await import('./commands/demo.command')).demoCommand(),
  },
  {
    name: 'device',
    description: 'Phone-side tools for the device API (simulated devices)',
    load: async () => (await import('./commands/device.command')).deviceCommand(),
  },
  {
    name: 'login',
    description:
      'Sign in as a user (name, password and, when enrolled, a TOTP code; asked on the terminal unless given) and store a personal API token for later commands in $XDG_CONFIG_HOME/muster/token (or ~/.config/muster/token), mode 0600. Later commands use it for the same --api when no --api-token, MUSTER_TOKEN, --token-file or MUSTER_TOKEN_FILE is given, before the default ./muster-data/admin-token',
    load: async () => (await import('./commands/login.commands')).loginCommand(),
  },
  {
    name: 'logout',
    description:
      'Revoke the API token stored by muster login (it stops working on every server node within a second) and remove it',
    load: async () => (await import('./commands/login.commands')).logoutCommand(),
  },
  {
    name: 'user',
    description:
      'Users. Through the API (needs users.manage on everything), except the recovery commands `create --master`, `reset-password` and `reset-2fa`, and `create` given --data-dir, --database-url or --config: those work on the store directly, server running or not (the MUSTER_DATA_DIR / MUSTER_DATABASE_URL environment alone does not make `create` work offline).',
    load: async (globals) => (await import('./commands/user.commands')).userCommand(globals),
  },
  {
    name: 'role',
    description:
      'Roles: named sets of permissions (what functions a person may use). Needs users.manage on everything.',
    load: async (globals) => (await import('./commands/role-scope.commands')).roleCommand(globals),
  },
  {
    name: 'scope',
    description:
      'Scopes: which organizations, machine groups and machines a person sees, each included or excluded (an exclusion wins). Needs users.manage on everything.',
    load: async (globals) => (await import('./commands/role-scope.commands')).scopeCommand(globals),
  },
  {
    name: 'token',
    description:
      "API tokens of users. Through the API (your own; with users.manage on everything, anyone's); `token create --user NAME` with --data-dir, --database-url or --config works on the store directly, server running or not",
    load: async (globals) => (await import('./commands/token.commands')).tokenCommand(globals),
  },
  {
    name: 'backup',
    description:
      "Back up a SQLite server, running or not: a consistent copy of its store (SQLite's online backup) with its identity, certificate and admin token, in a new directory with a manifest",
    load: async () => (await import('./commands/backup.commands')).backupCommand(),
  },
  {
    name: 'restore',
    description:
      'Restore a backup made by muster backup into the data directory of a stopped server, after checking it whole (manifest, SHA-256 of every file, SQLite integrity check)',
    load: async () => (await import('./commands/backup.commands')).restoreCommand(),
  },
];

// Global options that take a value: their value is not the subcommand's name.
const GLOBAL_OPTIONS_WITH_VALUE = new Set(['--api', '--api-token', '--token-file']);

/** The subcommand named on a command line (`muster [global options] <name>`, or `muster help <name>`). */
export function requestedCommand(args: readonly string[]): string | undefined {
  const operands: string[] = [];
  for (let i = 0; i < args.length && operands.length < 2; i++) {
    const arg = args[i] as string;
    if (arg === '--') continue;
    if (GLOBAL_OPTIONS_WITH_VALUE.has(arg)) i++;
    else if (!arg.startsWith('-')) operands.push(arg);
  }
  return operands[0] === 'help' ? operands[1] : operands[0];
}

/**
 * The subcommands to register for one run: the requested one built for real, every other one a
 * stub that carries only its name and description for the help listing.
 */
export async function commandsFor(args: readonly string[], globals: ApiGlobals): Promise<Command[]> {
  const requested = requestedCommand(args);
  return Promise.all(
    COMMAND_CATALOG.map((entry) =>
      entry.name === requested
        ? entry.load(globals)
        : Promise.resolve(new Command(entry.name).description(entry.description)),
    ),
  );
}
