import { MASTER_GRANT, PasswordHasher, SessionService, TotpService, UserService } from '@muster/server';
import { Command } from 'commander';
import type { ApiGlobals } from './api-command';
import { type OfflineStore, withOfflineStore, withStoreOptions } from './offline-store';
import { collect, type GrantArg, grantArg } from './people-options';
import { obtainPassword } from './secret-input';
import { addUserAdminCommands, createUserOnline, ONLINE } from './user-admin.commands';

const OFFLINE =
  'Works on the store directly (same --data-dir / --database-url as the server), server running or not.';

/** Whether a store option was given: the command then works on the store, not the API. */
export function storeNamed(opts: { dataDir?: string; databaseUrl?: string; config?: string }): boolean {
  return opts.dataDir !== undefined || opts.databaseUrl !== undefined || opts.config !== undefined;
}

function userService(store: OfflineStore): UserService {
  const clock = () => Date.now();
  return new UserService(
    store.users,
    store.roles,
    store.scopes,
    store.grants,
    new PasswordHasher(),
    clock,
    new SessionService(store.sessions, clock),
  );
}

/** What `user create` takes. */
interface CreateOptions {
  master?: boolean;
  displayName?: string;
  email?: string;
  passwordStdin?: boolean;
  grant?: GrantArg[];
  dataDir?: string;
  databaseUrl?: string;
  config?: string;
}

/**
 * `muster user`: people through the API (list, show, create, update, disable, enable, delete,
 * grants set, password set, totp reset), and the recovery commands that work on the store
 * without the API (create --master, reset-password, reset-2fa: never locked out).
 */
export function userCommand(globals: ApiGlobals): Command {
  const command = new Command('user').description(
    'Users. Through the API (needs users.manage on everything), except the recovery commands ' +
      '`create --master`, `reset-password` and `reset-2fa`, and `create` given --data-dir, --database-url ' +
      'or --config: those work on the store directly, server running or not (the MUSTER_DATA_DIR / ' +
      'MUSTER_DATABASE_URL environment alone does not make `create` work offline).',
  );

  withStoreOptions(
    command
      .command('create')
      .argument('<name>', 'user name (letters, digits, ".", "_", "@", "-"; stored lower case)')
      .description(
        `Create a user with a password and (role, scope) pairs. ${ONLINE} With --master (the master role with the master scope), --data-dir, --database-url or --config it works on the store directly instead, server running or not.`,
      )
      .option(
        '--grant <role:scope>',
        'a (role, scope) pair, such as technician:acme (repeat for more)',
        collect(grantArg),
      )
      .option('--master', 'offline: give the user the master role with the master scope (everything)')
      .option('--display-name <text>', 'the name shown in the console and the audit log')
      .option('--email <address>', 'email address')
      .option(
        '--password-stdin',
        'read the password from standard input (otherwise asked, or generated and printed)',
      ),
  ).action(async function (this: Command, name: string, opts: CreateOptions) {
    if (!opts.master && !storeNamed(opts)) {
      try {
        return await createUserOnline(globals.client(this), name, opts);
      } catch (error) {
        // No credential, or no server: the offline way is one option away; say so.
        const message = (error as Error).message;
        if (/^(no API token|cannot reach the Muster API)/.test(message))
          throw new Error(
            `${message}; to create the user on the store directly, add the server's --data-dir or --database-url`,
          );
        throw error;
      }
    }
    await withOfflineStore(opts, async (store) => {
      const { password, generated } = await obtainPassword(opts.passwordStdin === true);
      const user = await userService(store).create({
        name,
        displayName: opts.displayName,
        email: opts.email ?? null,
        password,
        grants: [...(opts.master ? [MASTER_GRANT] : []), ...(opts.grant ?? [])],
      });
      console.log(`created user ${user.name}${opts.master ? ' (master)' : ''}`);
      if (generated) console.log(`password: ${password}`);
    });
  });
  addUserAdminCommands(command, globals);

  withStoreOptions(
    command
      .command('reset-password')
      .argument('<name>', 'user name')
      .description(`Set a new password and end the user's console sessions. ${OFFLINE}`)
      .option(
        '--password-stdin',
        'read the password from standard input (otherwise asked, or generated and printed)',
      ),
  ).action(async (name: string, opts: Record<string, string | boolean | undefined>) => {
    await withOfflineStore(opts, async (store) => {
      const users = userService(store);
      const user = await users.get(name);
      const { password, generated } = await obtainPassword(opts.passwordStdin === true);
      await users.setPassword(user.id, password);
      console.log(`password of ${user.name} reset${user.disabled ? ' (the user is disabled)' : ''}`);
      if (generated) console.log(`password: ${password}`);
    });
  });

  withStoreOptions(
    command
      .command('reset-2fa')
      .argument('<name>', 'user name')
      .description(
        `Remove the user's TOTP second factor, so they sign in with the password and enroll again. ${OFFLINE}`,
      ),
  ).action(async (name: string, opts: Record<string, string | undefined>) => {
    await withOfflineStore(opts, async (store) => {
      const user = await userService(store).get(name);
      await new TotpService(store.users, () => Date.now()).reset(user.id);
      console.log(
        `two-factor authentication of ${user.name} removed${user.totpEnrolled ? '' : ' (none was enrolled)'}`,
      );
    });
  });

  return command;
}
