import { TokenService } from '@muster/server';
import { Command } from 'commander';
import { withOfflineStore, withStoreOptions } from './offline-store';

/** `muster token`: API tokens made offline (a lost admin-token file is not a lockout). */
export function tokenCommand(): Command {
  const command = new Command('token').description('API tokens of users, offline');
  withStoreOptions(
    command
      .command('create')
      .description(
        'Create an API token of a user and print it (shown once). Works on the store directly (same --data-dir / --database-url as the server), server running or not; a running server accepts it at once.',
      )
      .requiredOption('--user <name>', 'the user the token acts as')
      .option('--name <label>', 'a label for token lists', 'cli')
      .option('--expires-in <seconds>', 'seconds until it stops working (default: never)'),
  ).action(async (opts: Record<string, string | undefined>) => {
    let expiresInSeconds: number | null = null;
    if (opts.expiresIn !== undefined) {
      expiresInSeconds = Number(opts.expiresIn);
      if (!/^\d+$/.test(opts.expiresIn) || expiresInSeconds <= 0) {
        throw new Error(`--expires-in is a number of seconds above 0 (got "${opts.expiresIn}")`);
      }
    }
    await withOfflineStore(opts, async (store) => {
      const user =
        (await store.users.findUserByName((opts.user ?? '').trim().toLowerCase())) ??
        (await store.users.findUser(opts.user ?? ''));
      if (!user) throw new Error(`no user ${opts.user}`);
      const tokens = new TokenService(store.apiTokens, store.users, store.grants, () => Date.now());
      const { token } = await tokens.create(user.id, { name: opts.name ?? 'cli', expiresInSeconds });
      console.log(token);
    });
  });
  return command;
}
