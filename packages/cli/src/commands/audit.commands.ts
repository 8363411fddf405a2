import { loadServerConfig, openSqlStore, sqliteFileOf, verifyAuditChain } from '@muster/server';
import { Command } from 'commander';
import { type ApiGlobals, printRows } from './api-command';
import { integerOption, queryString, timeOption } from './cli-options';

/** An entry as GET /audit shows it (the fields the CLI prints). */
interface AuditEntryJson {
  seq: number;
  at: string;
  user: { id: string | null; name: string } | null;
  address: string | null;
  action: string;
  targets: {
    machines?: string[];
    devices?: string[];
    groups?: string[];
    filter?: string;
    ids?: Record<string, string>;
  };
  status: number | null;
  result: string;
}

/** What GET /audit/verify and the offline walk answer. */
interface VerificationJson {
  ok: boolean;
  checked: number;
  headSeq: number;
  headHash: string;
  broken?: { seq: number; kind: string; message: string };
}

/** A short line for what an entry acted on. */
function targetSummary(t: AuditEntryJson['targets']): string {
  const parts: string[] = [];
  const list = (name: string, ids: string[] | undefined) => {
    if (!ids || ids.length === 0) return;
    parts.push(ids.length <= 3 ? ids.join(',') : `${ids.slice(0, 2).join(',')} +${ids.length - 2} ${name}`);
  };
  list('machines', t.machines);
  list('devices', t.devices);
  list('groups', t.groups);
  if (t.filter !== undefined) parts.push(`filter ${t.filter}`);
  for (const [name, id] of Object.entries(t.ids ?? {})) parts.push(`${name} ${id}`);
  return parts.join(' ');
}

/** Prints a verification; a broken chain sets a non-zero exit code and says where. */
function report(result: VerificationJson, json: boolean): void {
  if (json) console.log(JSON.stringify(result, null, 2));
  else if (result.ok)
    console.log(`audit log intact: ${result.checked} entries, head ${result.headSeq} ${result.headHash}`);
  else if (result.broken)
    console.error(
      `audit log BROKEN at entry ${result.broken.seq} (${result.broken.kind}): ${result.broken.message}; ${result.checked} entries before it are intact`,
    );
  if (!result.ok) process.exitCode = 1;
}

/** `muster audit`: read the audit log and verify its hash chain. */
export function auditCommand(globals: ApiGlobals): Command {
  const command = new Command('audit').description('The audit log: who changed what, hash-chained');
  command
    .command('list')
    .description('List audit entries, newest first (through the API; needs audit.view)')
    .option('--user <name>', 'only entries of this user')
    .option('--action <action>', 'only this action, e.g. "POST /commands" or session.sign-in')
    .option('--machine <id>', 'only entries naming this machine')
    .option('--from <time>', 'at or after (ISO 8601)', timeOption('--from'))
    .option('--to <time>', 'before (ISO 8601)', timeOption('--to'))
    .option('--limit <n>', 'page size (default 100)', integerOption('--limit', 1, 1000))
    .option(
      '--before <cursor>',
      'the "next" cursor of the previous page',
      integerOption('--before', 1, Number.MAX_SAFE_INTEGER),
    )
    .option('--json', 'print JSON')
    .action(async function (this: Command, opts: Record<string, string | number | boolean | undefined>) {
      const { json, ...filters } = opts;
      const result = await globals
        .client(this)
        .request<{ items: AuditEntryJson[]; next: number | null }>(
          'GET',
          `/audit${queryString(filters as Record<string, string | number | undefined>)}`,
        );
      if (json) return console.log(JSON.stringify(result, null, 2));
      printRows(
        result.items.map((e) => ({
          seq: e.seq,
          at: e.at,
          user: e.user?.name ?? '',
          address: e.address ?? '',
          action: e.action,
          targets: targetSummary(e.targets),
          result: e.status === null ? e.result : `${e.result} (${e.status})`,
        })),
        ['seq', 'at', 'user', 'address', 'action', 'targets', 'result'],
        false,
        result,
      );
      if (result.next !== null) console.log(`more: add --before ${result.next}`);
    });
  command
    .command('verify')
    .description(
      'Walk the hash chain and name the first edited, deleted or inserted entry; exits 1 when broken. ' +
        'With --data-dir, --database-url or --config it reads the store directly (server running or not), ' +
        'otherwise it asks the API (needs audit.view)',
    )
    .option('--data-dir <dir>', "the server's data directory (SQLite store), as for muster server")
    .option('--database-url <url>', "the server's PostgreSQL URL, as for muster server")
    .option('--config <file>', "the server's JSON configuration file")
    .option('--json', 'print JSON')
    .action(async function (
      this: Command,
      opts: { dataDir?: string; databaseUrl?: string; config?: string; json?: boolean },
    ) {
      const offline =
        opts.dataDir !== undefined || opts.databaseUrl !== undefined || opts.config !== undefined;
      if (!offline) {
        const result = await globals.client(this).request<VerificationJson>('GET', '/audit/verify');
        return report(result, opts.json === true);
      }
      const flags: Record<string, unknown> = {};
      if (opts.dataDir !== undefined) flags.dataDir = opts.dataDir;
      if (opts.databaseUrl !== undefined) flags.databaseUrl = opts.databaseUrl;
      const config = loadServerConfig(flags, process.env, opts.config);
      const store = await openSqlStore(
        config.databaseUrl ? { postgresUrl: config.databaseUrl } : { sqliteFile: sqliteFileOf(config) },
      );
      try {
        report(await verifyAuditChain(store.audit), opts.json === true);
      } finally {
        await store.close();
      }
    });
  return command;
}
