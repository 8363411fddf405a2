import { Command, Option } from 'commander';
import { type ApiGlobals, printRows } from './api-command';
import {
  idListOption,
  integerOption,
  jsonObjectOption,
  queryString,
  secondsOrNever,
  timeOption,
} from './cli-options';

/** A command as the API shows it (the fields the CLI prints). */
interface CommandJson {
  id: string;
  target: string;
  targetKind: string;
  type: string;
  status: string;
  priority: number;
  attempts: number;
  maxAttempts: number;
  createdAt: string;
  expiresAt: string | null;
  finishedAt: string | null;
  result: { exitCode: number | null; output: string | null; error: string | null } | null;
  transitions?: Array<{ status: string; at: string; detail: string | null }>;
}

/** The statuses the API filters by (GET /commands ?status), checked here for a clear message. */
const STATUSES = ['pending', 'processing', 'complete', 'failed', 'expired', 'canceled', 'unknown'];

interface QueueOptions {
  type: string;
  machines?: string[];
  devices?: string[];
  filter?: string;
  params?: Record<string, unknown>;
  script?: string;
  ttl?: number | null;
  priority?: number;
  idempotencyKey?: string;
  json?: boolean;
}

/** `muster commands`: queue, list, show and cancel commands for machines and devices. */
export function commandsCommand(globals: ApiGlobals): Command {
  const command = new Command('commands').description('The command queue: procedures for agents and devices');
  command
    .command('queue')
    .description('Queue a command, one per target (machines, devices or a machine filter)')
    .requiredOption(
      '--type <type>',
      'command type, e.g. shell, audit, get-file, put-file, restart-agent, lock',
    )
    .option('--machines <ids>', 'comma-separated machine ids', idListOption('--machines'))
    .option('--devices <ids>', 'comma-separated device ids', idListOption('--devices'))
    .option('--filter <pattern>', 'Machine.Group ID filter, e.g. "*.web.acme"')
    .option(
      '--params <json>',
      'parameters as a JSON object, e.g. \'{"script": "uptime"}\'',
      jsonObjectOption('--params'),
    )
    .option('--script <text>', 'for --type shell: the script (the same as params.script)')
    .option(
      '--ttl <seconds|never>',
      "time to live: expires if not delivered by then (default: the server's commandDefaultTtlSeconds, 7 days)",
      secondsOrNever('--ttl', 365 * 86400),
    )
    .option('--priority <n>', 'from -100 to 100; higher goes first', integerOption('--priority', -100, 100))
    .option('--idempotency-key <key>', "the same key again returns the first request's commands")
    .option('--json', 'print JSON')
    .action(async function (this: Command, opts: QueueOptions) {
      const given = [opts.machines, opts.devices, opts.filter].filter((t) => t !== undefined);
      if (given.length !== 1) throw new Error('give exactly one of --machines, --devices or --filter');
      const params = { ...(opts.params ?? {}) };
      if (opts.script !== undefined) {
        if (opts.type !== 'shell')
          throw new Error('--script is for --type shell; use --params for other types');
        if ('script' in params) throw new Error('give the script once: --script or params.script');
        params.script = opts.script;
      }
      const targets = opts.machines
        ? { machines: opts.machines }
        : opts.devices
          ? { devices: opts.devices }
          : { filter: opts.filter };
      const body: Record<string, unknown> = { targets, type: opts.type, params };
      if (opts.ttl !== undefined) body.ttlSeconds = opts.ttl;
      if (opts.priority !== undefined) body.priority = opts.priority;
      if (opts.idempotencyKey !== undefined) body.idempotencyKey = opts.idempotencyKey;
      const result = await globals.client(this).request<{
        created: boolean;
        items: Array<{ id: string; target: string; status: string }>;
      }>('POST', '/commands', body);
      if (opts.json) return console.log(JSON.stringify(result, null, 2));
      console.log(
        result.created
          ? `queued ${result.items.length} command(s)`
          : `idempotency key already used: these are the first request's ${result.items.length} command(s), nothing new was queued`,
      );
      printRows(result.items, ['id', 'target', 'status'], false, result);
    });
  command
    .command('list')
    .description('List commands, newest first')
    .option('--target <id>', 'one machine or device id')
    .option('--filter <pattern>', 'Machine.Group ID filter on the target')
    .addOption(new Option('--status <status>', 'only commands with this status').choices(STATUSES))
    .option('--type <type>', 'command type')
    .option('--from <time>', 'created at or after (ISO 8601)', timeOption('--from'))
    .option('--to <time>', 'created before (ISO 8601)', timeOption('--to'))
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
        .request<{ items: CommandJson[]; next: number | null }>(
          'GET',
          `/commands${queryString(filters as Record<string, string | number | undefined>)}`,
        );
      if (json) return console.log(JSON.stringify(result, null, 2));
      printRows(
        result.items.map((c) => ({
          ...c,
          attempts: `${c.attempts}/${c.maxAttempts}`,
          finishedAt: c.finishedAt ?? '',
        })),
        ['id', 'target', 'type', 'status', 'attempts', 'createdAt', 'finishedAt'],
        false,
        result,
      );
      if (result.next !== null) console.log(`more: add --before ${result.next}`);
    });
  command
    .command('show <id>')
    .description('One command: status, every transition and the result')
    .option('--json', 'print JSON')
    .action(async function (this: Command, id: string, opts: { json?: boolean }) {
      const c = await globals.client(this).request<CommandJson>('GET', `/commands/${encodeURIComponent(id)}`);
      if (opts.json) return console.log(JSON.stringify(c, null, 2));
      console.log(`${c.id}: ${c.type} for ${c.targetKind} ${c.target}`);
      console.log(
        `status:   ${c.status} (attempt ${c.attempts} of ${c.maxAttempts}, priority ${c.priority})`,
      );
      console.log(`created:  ${c.createdAt}${c.expiresAt ? `, expires ${c.expiresAt}` : ''}`);
      for (const t of c.transitions ?? [])
        console.log(`  ${t.at}  ${t.status}${t.detail ? `  (${t.detail})` : ''}`);
      if (c.result) {
        if (c.result.exitCode !== null) console.log(`exit code: ${c.result.exitCode}`);
        if (c.result.error) console.log(`error:    ${c.result.error}`);
        if (c.result.output) console.log(`output:\n${c.result.output}`);
      }
    });
  command
    .command('cancel <id>')
    .description('Cancel a pending command (one already delivered cannot be canceled)')
    .option('--json', 'print JSON')
    .action(async function (this: Command, id: string, opts: { json?: boolean }) {
      const c = await globals
        .client(this)
        .request<CommandJson>('POST', `/commands/${encodeURIComponent(id)}/cancel`);
      console.log(opts.json ? JSON.stringify(c, null, 2) : `${c.id}: ${c.status}`);
    });
  return command;
}
