import { type Command, InvalidArgumentError } from 'commander';
import { type ApiGlobals, printRows } from './api-command';

/** An install token as the API lists it (never the token itself). */
interface InstallTokenJson {
  id: string;
  prefix: string | null;
  group: string;
  machineName: string | null;
  state: string;
  uses: number;
  maxUses: number | null;
  temporary: boolean;
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
}

const TEN_YEARS = 10 * 365 * 86400;

/** Parses `--expires-in`: seconds, or "never" (sent as null: the token never expires). */
export function expiresIn(value: string): number | null {
  if (value.trim().toLowerCase() === 'never') return null;
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || n < 1 || n > TEN_YEARS)
    throw new InvalidArgumentError(`give a number of seconds from 1 to ${TEN_YEARS}, or "never"`);
  return n;
}

/**
 * The one command that installs the agent on a linux machine: it fetches the token's install
 * script from the server (GET /install/<token>) into a file, then runs it as root. Through a
 * file rather than `curl | sh`, so that a failed download fails the command instead of running
 * an empty script.
 */
export function installCommand(apiUrl: string, token: string): string {
  return `curl -fsSL -o muster-install.sh '${apiUrl.replace(/\/+$/, '')}/install/${token}' && sudo sh muster-install.sh`;
}

/** Adds `list` and `revoke` to `muster install-token`. */
export function installTokenAdmin(command: Command, globals: ApiGlobals): void {
  command
    .command('list')
    .description('List install tokens, newest first (the secret itself is never shown, only its start)')
    .option('--json', 'print JSON')
    .action(async function (this: Command, opts: { json?: boolean }) {
      const result = await globals
        .client(this)
        .request<{ items: InstallTokenJson[] }>('GET', '/install-tokens');
      const rows = result.items.map((t) => ({
        id: t.id,
        prefix: t.prefix ? `${t.prefix}…` : '',
        group: t.group,
        machineName: t.machineName ?? '',
        state: t.state,
        uses: t.maxUses === null ? `${t.uses}` : `${t.uses}/${t.maxUses}`,
        expires: t.expiresAt ?? 'never',
        temporary: t.temporary ? 'yes' : '',
      }));
      printRows(
        rows,
        ['id', 'prefix', 'group', 'machineName', 'state', 'uses', 'expires', 'temporary'],
        opts.json === true,
        result,
      );
    });
  command
    .command('revoke <id>')
    .description('Revoke an install token: no agent enrolls with it any more (enrolled agents stay)')
    .option('--json', 'print JSON')
    .action(async function (this: Command, id: string, opts: { json?: boolean }) {
      const t = await globals
        .client(this)
        .request<InstallTokenJson>('DELETE', `/install-tokens/${encodeURIComponent(id)}`);
      console.log(opts.json ? JSON.stringify(t, null, 2) : `${t.id}: revoked at ${t.revokedAt}`);
    });
}
