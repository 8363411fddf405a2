import { parseServerAddress } from '@muster/protocol';
import { Command, Option } from 'commander';
import { type ApiGlobals, printRows } from './api-command';
import { expiresIn, installCommand, installTokenAdmin } from './install-token.commands';

/** What --filter means, the same for every command that takes one (see machine-filter.ts). */
export const FILTER_HELP =
  'Machine.Group ID filter: "*" wildcards ("*.web.acme", "pc*.acme"), a group name ("web.acme": that group and its subgroups) or a machine id';

/** The settings `checkin-control set` can change, for its error when none is given. */
const SETTING_OPTIONS = '--primary, --secondary, --period, --bind/--no-bind or --bandwidth';

interface MachineItem {
  id: string;
  status: string;
  bound: boolean;
  temporary: boolean;
  lastCheckinAt: string | null;
  checkinControl: { primary: { host: string; port: number } | null; periodSeconds: number };
}

/** `muster machines`: list, show, suspend, resume, delete. */
export function machinesCommand(globals: ApiGlobals): Command {
  const command = new Command('machines').description('Machines and their check-in status');
  command
    .command('list')
    .description('List machines')
    .option('--filter <pattern>', FILTER_HELP)
    .option('--json', 'print JSON')
    .action(async function (this: Command, opts: { filter?: string; json?: boolean }) {
      const query = opts.filter ? `?filter=${encodeURIComponent(opts.filter)}` : '';
      const result = await globals.client(this).request<{ items: MachineItem[] }>('GET', `/machines${query}`);
      const rows = result.items.map((m) => ({
        id: m.id,
        status: m.status,
        bound: m.bound ? 'yes' : '',
        temporary: m.temporary ? 'yes' : '',
        period: `${m.checkinControl.periodSeconds}s`,
        // No primary yet: the account waits for its first agent, whose --server becomes it.
        primary: m.checkinControl.primary
          ? `${m.checkinControl.primary.host}:${m.checkinControl.primary.port}`
          : '(set by its first agent)',
        lastCheckin: m.lastCheckinAt ?? 'never',
      }));
      if (opts.filter && rows.length === 0 && !opts.json) {
        // Said on stderr, so "(none)" alone cannot be mistaken for a filter that did match.
        console.error(
          `no machine matches the filter "${opts.filter}" (a name without "*" means that machine, or that group and its subgroups)`,
        );
      }
      printRows(
        rows,
        ['id', 'status', 'bound', 'temporary', 'period', 'primary', 'lastCheckin'],
        opts.json === true,
        result,
      );
    });
  command
    .command('show <id>')
    .description('Show one machine (JSON)')
    .action(async function (this: Command, id: string) {
      console.log(
        JSON.stringify(
          await globals.client(this).request('GET', `/machines/${encodeURIComponent(id)}`),
          null,
          2,
        ),
      );
    });
  for (const verb of ['suspend', 'resume'] as const) {
    command
      .command(`${verb} <id>`)
      .description(
        verb === 'suspend'
          ? 'Suspend: the agent stays connected and is given no work'
          : 'Resume a suspended machine',
      )
      .action(async function (this: Command, id: string) {
        const m = await globals
          .client(this)
          .request<MachineItem>('POST', `/machines/${encodeURIComponent(id)}/${verb}`);
        console.log(`${m.id}: ${m.status}`);
      });
  }
  command
    .command('delete <id>')
    .description('Delete a machine account: its agent is disconnected (4016) and its unfinished commands end')
    .action(async function (this: Command, id: string) {
      const r = await globals
        .client(this)
        .request<{ id: string; canceledCommands: number; unknownCommands: number }>(
          'DELETE',
          `/machines/${encodeURIComponent(id)}`,
        );
      console.log(
        `${r.id}: deleted; ${r.canceledCommands} command(s) not yet delivered canceled, ${r.unknownCommands} delivered without a result ended unknown`,
      );
    });
  return command;
}

/** `muster checkin-control set`: bulk update of check-in control settings. */
export function checkinControlCommand(globals: ApiGlobals): Command {
  const command = new Command('checkin-control').description('Check-in control settings');
  command
    .command('set')
    .description(
      'Update the settings of many machines at once; a filter that matches no machine, or an unknown id, changes nothing and fails',
    )
    .option('--machines <ids>', 'comma-separated machine ids')
    .option('--filter <pattern>', FILTER_HELP)
    .option('--primary <host:port>', 'primary server')
    .option('--secondary <host:port|none>', 'secondary server, or "none"')
    .addOption(new Option('--period <seconds>', 'check-in period').argParser(Number))
    .option('--bind', 'bind to this server (refuse any server with another Server ID)')
    .option('--no-bind', 'unbind')
    .addOption(new Option('--bandwidth <KBps>', 'bandwidth throttle in KB/s (0: off)').argParser(Number))
    .option('--json', 'print JSON')
    .action(async function (this: Command, opts: Record<string, unknown>) {
      if (!opts.machines === !opts.filter) throw new Error('give exactly one of --machines or --filter');
      const settings: Record<string, unknown> = {};
      if (typeof opts.primary === 'string') settings.primary = parseServerAddress(opts.primary);
      if (typeof opts.secondary === 'string')
        settings.secondary = opts.secondary === 'none' ? null : parseServerAddress(opts.secondary);
      if (opts.period !== undefined) settings.periodSeconds = opts.period;
      if (opts.bind !== undefined && this.getOptionValueSource('bind') === 'cli')
        settings.bindToServer = opts.bind;
      if (opts.bandwidth !== undefined) settings.bandwidthKBps = opts.bandwidth;
      if (Object.keys(settings).length === 0) {
        throw new Error(`no setting to change: give at least one of ${SETTING_OPTIONS}`);
      }
      const target = opts.machines ? { machines: String(opts.machines).split(',') } : { filter: opts.filter };
      const result = await globals.client(this).request<{
        updated: number;
        clamped: Array<{ machineId: string; requested: number; applied: number }>;
      }>('PUT', '/checkin-control', { ...target, settings });
      if (opts.json) return console.log(JSON.stringify(result, null, 2));
      console.log(`updated ${result.updated} machine(s)`);
      for (const c of result.clamped)
        console.log(`  ${c.machineId}: period ${c.requested}s clamped to ${c.applied}s by policy`);
    });
  return command;
}

/** `muster policy set`: per-group check-in policy. */
export function policyCommand(globals: ApiGlobals): Command {
  const command = new Command('policy').description('Check-in policy per machine group');
  command
    .command('set <group>')
    .description("Set a group's allowed check-in period range")
    .requiredOption('--min <seconds>', 'shortest period', Number)
    .requiredOption('--max <seconds>', 'longest period', Number)
    .action(async function (this: Command, group: string, opts: { min: number; max: number }) {
      const result = await globals
        .client(this)
        .request<{ clamped: Array<{ machineId: string; requested: number; applied: number }> }>(
          'PUT',
          `/checkin-policy/${encodeURIComponent(group)}`,
          {
            minSeconds: opts.min,
            maxSeconds: opts.max,
          },
        );
      console.log(`policy of ${group}: ${opts.min}-${opts.max}s`);
      for (const c of result.clamped)
        console.log(`  ${c.machineId}: period ${c.requested}s clamped to ${c.applied}s`);
    });
  return command;
}

/** `muster install-token create|list|revoke`. */
export function installTokenCommand(globals: ApiGlobals): Command {
  const command = new Command('install-token').description('Install tokens for enrolling agents');
  command
    .command('create')
    .description('Create an install token for a machine group')
    .requiredOption('--group <group>', 'machine group, e.g. web.acme')
    .addOption(new Option('--max-uses <n>', 'how many agents may enroll with it').argParser(Number))
    .addOption(
      new Option(
        '--expires-in <seconds|never>',
        'lifetime in seconds, or "never" (default: the server\'s installTokenExpirySeconds, 7 days)',
      ).argParser(expiresIn),
    )
    .option('--machine-name <name>', 'fixed machine name (one agent only)')
    .option('--temporary', 'agents enrolled with it are removed after being offline for a while')
    .option(
      '--script',
      'print the one command that installs the agent as a service on a linux machine (its addresses are those of --api, so give the one managed machines reach)',
    )
    .option('--json', 'print JSON')
    .action(async function (this: Command, opts: Record<string, unknown>) {
      const body: Record<string, unknown> = { group: opts.group };
      if (opts.maxUses !== undefined) body.maxUses = opts.maxUses;
      if (opts.expiresIn !== undefined) body.expiresInSeconds = opts.expiresIn;
      if (opts.machineName !== undefined) body.machineName = opts.machineName;
      if (opts.temporary) body.temporary = true;
      const result = await globals.client(this).request<{ token: string }>('POST', '/install-tokens', body);
      if (opts.script) {
        const { api } = this.optsWithGlobals() as { api: string };
        const command = installCommand(api, result.token);
        console.log(opts.json ? JSON.stringify({ ...result, installCommand: command }, null, 2) : command);
        return;
      }
      console.log(opts.json ? JSON.stringify(result, null, 2) : result.token);
    });
  installTokenAdmin(command, globals);
  return command;
}

/** `muster notifications`: list warnings and switch types on or off. */
export function notificationsCommand(globals: ApiGlobals): Command {
  const command = new Command('notifications').description(
    'Warnings: duplicate-account, lan-via-gateway, local-server-inactive, offsite-corruption',
  );
  command
    .command('list')
    .description('List warnings, newest first')
    .option('--type <type>', 'only this type')
    .option('--json', 'print JSON')
    .action(async function (this: Command, opts: { type?: string; json?: boolean }) {
      const query = opts.type ? `?type=${encodeURIComponent(opts.type)}` : '';
      const result = await globals.client(this).request<{
        items: Array<{ type: string; machineId: string | null; message: string; createdAt: string }>;
      }>('GET', `/notifications${query}`);
      printRows(result.items, ['createdAt', 'type', 'machineId', 'message'], opts.json === true, result);
    });
  for (const verb of ['enable', 'disable'] as const) {
    command
      .command(`${verb} <type>`)
      .description(`${verb === 'enable' ? 'Turn on' : 'Turn off'} a warning type`)
      .action(async function (this: Command, type: string) {
        const result = await globals
          .client(this)
          .request('PUT', '/notification-settings', { [type]: verb === 'enable' });
        console.log(JSON.stringify(result));
      });
  }
  return command;
}
