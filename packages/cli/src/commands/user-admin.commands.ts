import type { Command } from 'commander';
import type { ApiClient } from '../api-client';
import { type ApiGlobals, printRows } from './api-command';
import { collect, type GrantArg, grantArg } from './people-options';
import { obtainPassword } from './secret-input';

/** A user as the API shows them. */
interface UserJson {
  id: string;
  name: string;
  displayName: string;
  email: string | null;
  disabled: boolean;
  hasPassword: boolean;
  totpEnrolled: boolean;
  lastLoginAt: string | null;
  createdAt: string | null;
}

/** What `user create` takes, online or offline. */
export interface NewUserOptions {
  displayName?: string;
  email?: string;
  passwordStdin?: boolean;
  grant?: GrantArg[];
}

/** Online help suffix: what the API needs for these. */
export const ONLINE = 'Through the API; needs users.manage on everything.';

const userPath = (name: string) => `/users/${encodeURIComponent(name)}`;
const grantsText = (grants: GrantArg[]) => grants.map((g) => `${g.role}:${g.scope}`).join(', ') || '(none)';

/** `muster user create` through the API (no store flag and no --master). */
export async function createUserOnline(client: ApiClient, name: string, opts: NewUserOptions): Promise<void> {
  const { password, generated } = await obtainPassword(opts.passwordStdin === true);
  const body: Record<string, unknown> = { name, password, grants: opts.grant ?? [] };
  if (opts.displayName !== undefined) body.displayName = opts.displayName;
  if (opts.email !== undefined) body.email = opts.email;
  const created = await client.request<{ user: UserJson; grants: GrantArg[] }>('POST', '/users', body);
  console.log(`created user ${created.user.name} with ${grantsText(created.grants)}`);
  if (generated) console.log(`password: ${password}`);
}

/**
 * The online `muster user` subcommands: list, show, update, disable, enable, delete,
 * grants set, password set, totp reset (create and the offline recovery ones are in
 * user.commands.ts).
 */
export function addUserAdminCommands(command: Command, globals: ApiGlobals): void {
  command
    .command('list')
    .description(`List users. ${ONLINE}`)
    .option('--json', 'print JSON')
    .action(async function (this: Command, opts: { json?: boolean }) {
      const result = await globals.client(this).request<{ items: UserJson[] }>('GET', '/users');
      printRows(
        result.items.map((u) => ({
          name: u.name,
          displayName: u.displayName,
          email: u.email ?? '',
          disabled: u.disabled ? 'yes' : '',
          totp: u.totpEnrolled ? 'yes' : '',
          lastLogin: u.lastLoginAt ?? 'never',
        })),
        ['name', 'displayName', 'email', 'disabled', 'totp', 'lastLogin'],
        opts.json === true,
        result,
      );
    });
  command
    .command('show <name>')
    .description(`Show one user with their (role, scope) pairs (JSON). ${ONLINE}`)
    .action(async function (this: Command, name: string) {
      console.log(JSON.stringify(await globals.client(this).request('GET', userPath(name)), null, 2));
    });
  command
    .command('update <name>')
    .description(`Change a user's display name or email. ${ONLINE}`)
    .option('--display-name <text>', 'the name shown in the console and the audit log')
    .option('--email <address>', 'email address ("none" removes it)')
    .action(async function (this: Command, name: string, opts: { displayName?: string; email?: string }) {
      const body: Record<string, unknown> = {};
      if (opts.displayName !== undefined) body.displayName = opts.displayName;
      if (opts.email !== undefined) body.email = opts.email === 'none' ? null : opts.email;
      if (Object.keys(body).length === 0)
        throw new Error('nothing to change: give --display-name or --email');
      const user = await globals.client(this).request<UserJson>('PATCH', userPath(name), body);
      console.log(`user ${user.name}: ${user.displayName}${user.email ? ` <${user.email}>` : ''}`);
    });
  for (const verb of ['disable', 'enable'] as const) {
    command
      .command(`${verb} <name>`)
      .description(
        verb === 'disable'
          ? `Disable a user: their sessions and tokens stop working on every node within a second (never the last active master). ${ONLINE}`
          : `Enable a disabled user again. ${ONLINE}`,
      )
      .action(async function (this: Command, name: string) {
        const user = await globals
          .client(this)
          .request<UserJson>('PATCH', userPath(name), { disabled: verb === 'disable' });
        console.log(`user ${user.name}: ${user.disabled ? 'disabled' : 'enabled'}`);
      });
  }
  command
    .command('delete <name>')
    .description(`Delete a user with their tokens and sessions (never the last active master). ${ONLINE}`)
    .action(async function (this: Command, name: string) {
      await globals.client(this).request('DELETE', userPath(name));
      console.log(`deleted user ${name}`);
    });

  const grants = command.command('grants').description("A user's (role, scope) pairs");
  grants
    .command('set <name>')
    .description(
      `Replace a user's (role, scope) pairs. A manager hands out only permissions they hold on everything. ${ONLINE}`,
    )
    .option(
      '--grant <role:scope>',
      'a (role, scope) pair, such as technician:acme (repeat for more)',
      collect(grantArg),
    )
    .option('--none', 'remove every pair (the user can then do nothing)')
    .action(async function (this: Command, name: string, opts: { grant?: GrantArg[]; none?: boolean }) {
      const given = opts.grant ?? [];
      if (opts.none ? given.length > 0 : given.length === 0)
        throw new Error(
          'give the new pairs with --grant ROLE:SCOPE (repeatable), or --none to remove them all',
        );
      const result = await globals
        .client(this)
        .request<{ grants: GrantArg[] }>('PUT', `${userPath(name)}/grants`, { grants: given });
      console.log(`user ${name}: ${grantsText(result.grants)}`);
    });

  command
    .command('password')
    .description("A user's password")
    .command('set <name>')
    .description(`Set a user's password; their console sessions end. ${ONLINE}`)
    .option(
      '--password-stdin',
      'read the password from standard input (otherwise asked, or generated and printed)',
    )
    .action(async function (this: Command, name: string, opts: { passwordStdin?: boolean }) {
      const client = globals.client(this);
      const { password, generated } = await obtainPassword(opts.passwordStdin === true);
      await client.request('PUT', `${userPath(name)}/password`, { password });
      console.log(`password of ${name} set`);
      if (generated) console.log(`password: ${password}`);
    });

  command
    .command('totp')
    .description("A user's TOTP second factor")
    .command('reset <name>')
    .description(
      `Remove a user's TOTP second factor; they sign in with the password and enroll again. ${ONLINE}`,
    )
    .action(async function (this: Command, name: string) {
      await globals.client(this).request('DELETE', `${userPath(name)}/totp`);
      console.log(`two-factor authentication of ${name} removed`);
    });
}
