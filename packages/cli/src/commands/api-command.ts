import { Command } from 'commander';
import { ApiClient } from '../api-client';
import { loginFile, readStoredLogin, sameApi } from '../login-file';

/** How admin commands build their API client from the global options. */
export interface ApiGlobals {
  client(command: Command): ApiClient;
}

/**
 * The global API options every admin command understands. The token comes from --api-token /
 * MUSTER_TOKEN, else a token file the user named (--token-file / MUSTER_TOKEN_FILE), else the
 * login `muster login` stored for this API, else the default `<data dir>/admin-token`: a named
 * credential always wins, and a personal login wins over the server host's admin token.
 */
export function apiGlobals(): ApiGlobals {
  return {
    client(command) {
      const opts = command.optsWithGlobals() as { api: string; apiToken?: string; tokenFile: string };
      const tokenFileNamed =
        command.getOptionValueSourceWithGlobals('tokenFile') === 'cli' || !!process.env.MUSTER_TOKEN_FILE;
      const file = loginFile();
      const stored = readStoredLogin(file);
      // A login belongs to the API it was made on; its token is never sent anywhere else.
      const login =
        stored && sameApi(stored.api, opts.api)
          ? { token: stored.token, user: stored.user, file }
          : undefined;
      return new ApiClient({
        api: opts.api,
        token: opts.apiToken,
        tokenFile: opts.tokenFile,
        tokenFileNamed,
        login,
      });
    },
  };
}

/** A subcommand that talks to the API (the global --api, --api-token and --token-file options apply). */
export function apiCommand(name: string, description: string, _globals: ApiGlobals): Command {
  return new Command(name).description(description);
}

/** Prints JSON or a table of rows. */
export function printRows(
  rows: Array<Record<string, unknown>>,
  columns: string[],
  json: boolean,
  raw: unknown,
): void {
  if (json) {
    console.log(JSON.stringify(raw, null, 2));
    return;
  }
  if (rows.length === 0) {
    console.log('(none)');
    return;
  }
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => String(r[c] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  console.log(line(columns.map((c) => c.toUpperCase())));
  for (const r of rows) console.log(line(columns.map((c) => String(r[c] ?? ''))));
}
