import { Command } from 'commander';
import { ApiClient } from '../api-client';

/** How admin commands build their API client from the global options. */
export interface ApiGlobals {
  client(command: Command): ApiClient;
}

/** The global API options every admin command understands. */
export function apiGlobals(): ApiGlobals {
  return {
    client(command) {
      const opts = command.optsWithGlobals() as { api: string; apiToken?: string; tokenFile: string };
      return new ApiClient({ api: opts.api, token: opts.apiToken, tokenFile: opts.tokenFile });
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
