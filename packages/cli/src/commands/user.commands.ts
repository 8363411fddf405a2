import { MASTER_GRANT, PasswordHasher, SessionService, TotpService, UserService } from '@muster/server';
import { Command } from 'commander';
import { type OfflineStore, withOfflineStore, withStoreOptions } from './offline-store';
import { obtainPassword } from './secret-input';

const OFFLINE =
  'Works on the store directly (same --data-dir / --database-url as the server), server running or not.';

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

/** `muster user`: create users and recover access without the API (never locked out). */
export function userCommand(): Command {
  const command = new Command('user').description(
    `Users, offline: create, reset password, reset 2FA. ${OFFLINE}`,
  );

  withStoreOptions(
    command
      .command('create')
      .argument('<name>', 'user name (letters, digits, ".", "_", "@", "-"; stored lower case)')
      .description(
        `Create a user; with --master, one holding the master role with the master scope. ${OFFLINE}`,
      )
      .option('--master', 'give the user the master role with the master scope (everything)')
      .option('--display-name <text>', 'the name shown in the console and the audit log')
      .option('--email <address>', 'email address')
      .option(
        '--password-stdin',
        'read the password from standard input (otherwise asked, or generated and printed)',
      ),
  ).action(async (name: string, opts: Record<string, string | boolean | undefined>) => {
    await withOfflineStore(opts, async (store) => {
      const { password, generated } = await obtainPassword(opts.passwordStdin === true);
      const user = await userService(store).create({
        name,
        displayName: opts.displayName as string | undefined,
        email: (opts.email as string | undefined) ?? null,
        password,
        grants: opts.master ? [MASTER_GRANT] : [],
      });
      console.log(`created user ${user.name}${opts.master ? ' (master)' : ''}`);
      if (generated) console.log(`password: ${password}`);
    });
  });

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
