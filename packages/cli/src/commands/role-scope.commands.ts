import { Command } from 'commander';
import { type ApiGlobals, printRows } from './api-command';
import { collect, entryText, type ScopeEntryArg, scopeEntryArg } from './people-options';

/** A role as the API shows it. */
interface RoleJson {
  id: string;
  name: string;
  permissions: string[];
  requireTotp: boolean;
  builtIn: boolean;
  createdAt: string | null;
}

/** A scope as the API shows it. */
interface ScopeJson {
  id: string;
  name: string;
  entries: ScopeEntryArg[];
  builtIn: boolean;
  createdAt: string | null;
}

const NEEDS = 'Needs users.manage on everything.';
const path = (kind: 'roles' | 'scopes', name: string) => `/${kind}/${encodeURIComponent(name)}`;

/** `muster role`: named sets of permissions (what a person may do). */
export function roleCommand(globals: ApiGlobals): Command {
  const command = new Command('role').description(
    `Roles: named sets of permissions (what functions a person may use). ${NEEDS}`,
  );
  command
    .command('list')
    .description(`List roles with their permissions. ${NEEDS}`)
    .option('--json', 'print JSON')
    .action(async function (this: Command, opts: { json?: boolean }) {
      const result = await globals.client(this).request<{ items: RoleJson[] }>('GET', '/roles');
      printRows(
        result.items.map((r) => ({
          name: r.name,
          permissions: r.permissions.join(','),
          totp: r.requireTotp ? 'required' : '',
          builtIn: r.builtIn ? 'yes' : '',
        })),
        ['name', 'permissions', 'totp', 'builtIn'],
        opts.json === true,
        result,
      );
    });
  command
    .command('show <name>')
    .description(`Show one role (JSON). ${NEEDS}`)
    .action(async function (this: Command, name: string) {
      console.log(JSON.stringify(await globals.client(this).request('GET', path('roles', name)), null, 2));
    });
  command
    .command('create <name>')
    .description(`Create a role. A manager hands out only permissions they hold on everything. ${NEEDS}`)
    .option('--permission <name>', 'a permission, such as machines.view (repeat for more)', collect(String))
    .option('--require-totp', 'its users must enroll TOTP before they get anything else')
    .action(async function (
      this: Command,
      name: string,
      opts: { permission?: string[]; requireTotp?: boolean },
    ) {
      const client = globals.client(this);
      const permissions = opts.permission ?? [];
      const role = await client.request<RoleJson>('POST', '/roles', {
        name,
        permissions,
        requireTotp: opts.requireTotp === true,
      });
      console.log(`created role ${role.name}: ${role.permissions.join(', ') || '(no permissions)'}`);
    });
  command
    .command('update <name>')
    .description(
      `Change a role (not the built-in master): --permission gives the whole new list, --add and --remove change it. ${NEEDS}`,
    )
    .option('--rename <new-name>', 'a new name')
    .option('--permission <name>', 'the new permissions (repeat; replaces them all)', collect(String))
    .option('--add <permission>', 'add a permission (repeat for more)', collect(String))
    .option('--remove <permission>', 'remove a permission (repeat for more)', collect(String))
    .option('--require-totp', 'its users must enroll TOTP')
    .option('--no-require-totp', 'TOTP is up to each user')
    .action(async function (this: Command, name: string, opts: Record<string, string[] | string | boolean>) {
      const client = globals.client(this);
      const current = await client.request<RoleJson>('GET', path('roles', name));
      let permissions = (opts.permission as string[] | undefined) ?? current.permissions;
      const add = (opts.add as string[] | undefined) ?? [];
      const remove = (opts.remove as string[] | undefined) ?? [];
      permissions = [...new Set([...permissions, ...add])].filter((p) => !remove.includes(p));
      const totpSet = this.getOptionValueSource('requireTotp') === 'cli';
      if (!opts.rename && !opts.permission && add.length + remove.length === 0 && !totpSet)
        throw new Error(
          'nothing to change: give --rename, --permission, --add, --remove or --require-totp/--no-require-totp',
        );
      const role = await client.request<RoleJson>('PUT', path('roles', current.id), {
        name: (opts.rename as string | undefined) ?? current.name,
        permissions,
        requireTotp: totpSet ? opts.requireTotp === true : current.requireTotp,
      });
      console.log(`role ${role.name}: ${role.permissions.join(', ') || '(no permissions)'}`);
    });
  command
    .command('delete <name>')
    .description(`Delete a role (not the built-in master). ${NEEDS}`)
    .action(async function (this: Command, name: string) {
      await globals.client(this).request('DELETE', path('roles', name));
      console.log(`deleted role ${name}`);
    });
  return command;
}

const ENTRY_HELP =
  'KIND:ID with KIND org, group (with its subgroups) or machine, such as org:acme, group:lab.acme, machine:pc1.web.acme (repeat for more)';

/** The entries of --include and --exclude options. */
function entriesOf(opts: { include?: ScopeEntryArg[]; exclude?: ScopeEntryArg[] }): ScopeEntryArg[] {
  return [...(opts.include ?? []), ...(opts.exclude ?? [])];
}

/** `muster scope`: named sets of organizations, groups and machines (what a person may see). */
export function scopeCommand(globals: ApiGlobals): Command {
  const command = new Command('scope').description(
    `Scopes: which organizations, machine groups and machines a person sees, each included or excluded (an exclusion wins). ${NEEDS}`,
  );
  command
    .command('list')
    .description(`List scopes with their entries ("-" marks an exclusion). ${NEEDS}`)
    .option('--json', 'print JSON')
    .action(async function (this: Command, opts: { json?: boolean }) {
      const result = await globals.client(this).request<{ items: ScopeJson[] }>('GET', '/scopes');
      printRows(
        result.items.map((s) => ({
          name: s.name,
          entries: s.builtIn ? '(everything)' : s.entries.map(entryText).join(' '),
          builtIn: s.builtIn ? 'yes' : '',
        })),
        ['name', 'entries', 'builtIn'],
        opts.json === true,
        result,
      );
    });
  command
    .command('show <name>')
    .description(`Show one scope (JSON). ${NEEDS}`)
    .action(async function (this: Command, name: string) {
      console.log(JSON.stringify(await globals.client(this).request('GET', path('scopes', name)), null, 2));
    });
  command
    .command('create <name>')
    .description(`Create a scope; every entry must name an existing organization, group or machine. ${NEEDS}`)
    .option('--include <kind:id>', ENTRY_HELP, collect(scopeEntryArg(true)))
    .option(
      '--exclude <kind:id>',
      `${ENTRY_HELP}; an exclusion wins over an inclusion`,
      collect(scopeEntryArg(false)),
    )
    .action(async function (
      this: Command,
      name: string,
      opts: { include?: ScopeEntryArg[]; exclude?: ScopeEntryArg[] },
    ) {
      const scope = await globals
        .client(this)
        .request<ScopeJson>('POST', '/scopes', { name, entries: entriesOf(opts) });
      console.log(`created scope ${scope.name}: ${scope.entries.map(entryText).join(' ') || '(nothing)'}`);
    });
  command
    .command('update <name>')
    .description(
      `Change a scope (not the built-in master): --include and --exclude give the whole new list of entries. ${NEEDS}`,
    )
    .option('--rename <new-name>', 'a new name')
    .option('--include <kind:id>', ENTRY_HELP, collect(scopeEntryArg(true)))
    .option('--exclude <kind:id>', ENTRY_HELP, collect(scopeEntryArg(false)))
    .option('--no-entries', 'remove every entry (the scope then holds nothing)')
    .action(async function (
      this: Command,
      name: string,
      opts: { rename?: string; include?: ScopeEntryArg[]; exclude?: ScopeEntryArg[]; entries?: boolean },
    ) {
      const client = globals.client(this);
      const given = entriesOf(opts);
      const clear = opts.entries === false;
      if (clear && given.length > 0)
        throw new Error('give either --no-entries or --include/--exclude, not both');
      if (!opts.rename && !clear && given.length === 0)
        throw new Error(
          'nothing to change: give --rename, --include/--exclude (the new entries) or --no-entries',
        );
      const current = await client.request<ScopeJson>('GET', path('scopes', name));
      const scope = await client.request<ScopeJson>('PUT', path('scopes', current.id), {
        name: opts.rename ?? current.name,
        entries: clear ? [] : given.length > 0 ? given : current.entries,
      });
      console.log(`scope ${scope.name}: ${scope.entries.map(entryText).join(' ') || '(nothing)'}`);
    });
  command
    .command('delete <name>')
    .description(`Delete a scope (not the built-in master). ${NEEDS}`)
    .action(async function (this: Command, name: string) {
      await globals.client(this).request('DELETE', path('scopes', name));
      console.log(`deleted scope ${name}`);
    });
  return command;
}
