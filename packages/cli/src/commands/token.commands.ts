import { TokenService } from '@muster/server';
import { Command, InvalidArgumentError } from 'commander';
import { type ApiGlobals, printRows } from './api-command';
import { withOfflineStore, withStoreOptions } from './offline-store';
import { collect } from './people-options';
import { storeNamed } from './user.commands';

/** An API token as the API lists it (never the token itself). */
interface TokenJson {
  id: string;
  userId: string;
  name: string;
  prefix: string | null;
  permissions: string[] | null;
  createdAt: string | null;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

/** What `token create` takes, online or offline. */
interface CreateOptions {
  user?: string;
  name: string;
  expiresIn?: number | null;
  permission?: string[];
  dataDir?: string;
  databaseUrl?: string;
  config?: string;
}

const TEN_YEARS = 10 * 365 * 86400;

/** Parses --expires-in: seconds (up to ten years) or "never". */
function expiresIn(value: string): number | null {
  if (value.trim().toLowerCase() === 'never') return null;
  const seconds = Number(value);
  if (!/^\d+$/.test(value.trim()) || seconds <= 0 || seconds > TEN_YEARS)
    throw new InvalidArgumentError(
      `--expires-in is a number of seconds above 0 (at most ten years), or "never" (got "${value}")`,
    );
  return seconds;
}

/** A token's state for lists. */
function stateOf(t: TokenJson, now: number): string {
  if (t.revokedAt) return 'revoked';
  if (t.expiresAt && Date.parse(t.expiresAt) <= now) return 'expired';
  return 'active';
}

/** Makes a token on the store directly (the recovery path: no API and no credential needed). */
async function createOffline(opts: CreateOptions): Promise<void> {
  if (!opts.user) throw new Error('--user is needed with --data-dir, --database-url or --config');
  if (opts.permission)
    throw new Error('--permission works through the API only (leave out the store options)');
  await withOfflineStore(opts, async (store) => {
    const user =
      (await store.users.findUserByName((opts.user ?? '').trim().toLowerCase())) ??
      (await store.users.findUser(opts.user ?? ''));
    if (!user) throw new Error(`no user ${opts.user}`);
    const tokens = new TokenService(store.apiTokens, store.users, store.grants, () => Date.now());
    const { token } = await tokens.create(user.id, {
      name: opts.name,
      expiresInSeconds: opts.expiresIn ?? null,
    });
    console.log(token);
  });
}

/**
 * `muster token`: personal API tokens through the API (list, create, revoke: one's own, or with
 * users.manage anyone's), and `token create --user NAME` on the store directly, so a lost
 * admin-token file is not a lockout.
 */
export function tokenCommand(globals: ApiGlobals): Command {
  const command = new Command('token').description(
    "API tokens of users. Through the API (your own; with users.manage on everything, anyone's); " +
      '`token create --user NAME` with --data-dir, --database-url or --config works on the store directly, server running or not',
  );
  withStoreOptions(
    command
      .command('create')
      .description(
        "Create an API token and print it (shown once). Through the API: your own, or with --user another's " +
          '(needs users.manage on everything). With --data-dir, --database-url or --config it works on the store ' +
          'directly (--user needed), server running or not; a running server accepts the token at once.',
      )
      .option('--user <name>', 'the user the token acts as (default: you)')
      .option('--name <label>', 'a label for token lists', 'cli')
      .option(
        '--expires-in <seconds|never>',
        'seconds until it stops working, or "never" (the default)',
        expiresIn,
      )
      .option(
        '--permission <name>',
        "limit the token to this permission (repeat for more; default: all of the user's)",
        collect(String),
      ),
  ).action(async function (this: Command, opts: CreateOptions) {
    if (storeNamed(opts)) return createOffline(opts);
    let client: ReturnType<ApiGlobals['client']>;
    try {
      client = globals.client(this);
    } catch (error) {
      // Without a credential the recovery path is one option away; say so where it is looked for.
      throw new Error(
        `${(error as Error).message}; to make a token on the store directly, add the server's --data-dir or --database-url (with --user)`,
      );
    }
    const body: Record<string, unknown> = { name: opts.name, expiresInSeconds: opts.expiresIn ?? null };
    if (opts.user !== undefined) body.user = opts.user;
    if (opts.permission) body.permissions = opts.permission;
    const created = await client.request<{ token: string }>('POST', '/tokens', body);
    console.log(created.token);
  });
  command
    .command('list')
    .description("List API tokens: yours, or with --user another user's (needs users.manage on everything)")
    .option('--user <name>', 'whose tokens')
    .option('--json', 'print JSON')
    .action(async function (this: Command, opts: { user?: string; json?: boolean }) {
      const query = opts.user ? `?user=${encodeURIComponent(opts.user)}` : '';
      const result = await globals.client(this).request<{ items: TokenJson[] }>('GET', `/tokens${query}`);
      const now = Date.now();
      printRows(
        result.items.map((t) => ({
          id: t.id,
          name: t.name,
          prefix: t.prefix ?? '',
          state: stateOf(t, now),
          permissions: t.permissions ? t.permissions.join(',') : "(all of the user's)",
          created: t.createdAt ?? '',
          expires: t.expiresAt ?? 'never',
          lastUsed: t.lastUsedAt ?? 'never',
        })),
        ['id', 'name', 'prefix', 'state', 'permissions', 'created', 'expires', 'lastUsed'],
        opts.json === true,
        result,
      );
    });
  command
    .command('revoke <id>')
    .description(
      "Revoke an API token (yours; with users.manage on everything, anyone's); it stops working on every server node within a second",
    )
    .action(async function (this: Command, id: string) {
      const t = await globals.client(this).request<TokenJson>('DELETE', `/tokens/${encodeURIComponent(id)}`);
      console.log(`revoked token ${t.id} (${t.name})`);
    });
  return command;
}
