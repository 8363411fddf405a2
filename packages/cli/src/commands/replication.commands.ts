import { Command } from 'commander';
import { type ApiGlobals, printRows } from './api-command';

interface OffsiteItem {
  id: string;
  machineId: string;
  host: string;
  port: number;
  directory: string;
  status: string;
  freeBytes: number | null;
  error: string | null;
}
interface LocalItem {
  id: string;
  machineId: string;
  directory: string;
  offsiteServerId: string;
  schedule: string;
  status: string;
  lastTransferAt: string | null;
  bytesRemaining: number | null;
  etaSeconds: number | null;
  error: string | null;
}
interface Change {
  id?: string;
  procedures: string[];
  warnings?: string[];
}

const gib = (n: number | null) => (n === null ? '' : `${(n / 2 ** 30).toFixed(1)} GiB`);

function reportChange(change: Change): void {
  if (change.id) console.log(`id: ${change.id}`);
  for (const p of change.procedures) console.log(`queued procedure ${p}`);
  for (const w of change.warnings ?? []) console.warn(`warning: ${w}`);
}

/** `muster offsite-server`: agents that receive backup images. */
export function offsiteServerCommand(globals: ApiGlobals): Command {
  const command = new Command('offsite-server').description(
    'Offsite servers: agents that receive backup images',
  );
  command
    .command('create')
    .description('Make an agent an offsite server (queues its start procedure)')
    .requiredOption('--machine <id>', 'the agent that receives')
    .requiredOption('--host <name>', 'IP address or fully qualified name local servers reach it at')
    .option('--port <n>', 'TCP port, 1024-49151', '5722')
    .requiredOption('--directory <path>', 'where data is stored (local or UNC path; not a mapped drive)')
    .option('--synthetic-full', 'keep synthetic full snapshots')
    .action(async function (this: Command, o: Record<string, string | boolean>) {
      reportChange(
        await globals.client(this).request<Change>('POST', '/offsite-servers', {
          machineId: o.machine,
          host: o.host,
          port: Number(o.port),
          directory: o.directory,
          syntheticFull: o.syntheticFull === true,
        }),
      );
    });
  command
    .command('list')
    .description('List offsite servers with their status')
    .option('--json', 'print JSON')
    .action(async function (this: Command, o: { json?: boolean }) {
      const result = await globals.client(this).request<{ items: OffsiteItem[] }>('GET', '/offsite-servers');
      const rows = result.items.map((i) => ({
        id: i.id,
        machine: i.machineId,
        address: `${i.host}:${i.port}`,
        status: i.status,
        free: gib(i.freeBytes),
        error: i.error ?? '',
      }));
      printRows(rows, ['id', 'machine', 'address', 'status', 'free', 'error'], o.json === true, result);
    });
  for (const [verb, method, suffix] of [
    ['restart', 'POST', '/restart'],
    ['delete', 'DELETE', ''],
  ] as const) {
    command
      .command(`${verb} <id>`)
      .description(
        verb === 'restart' ? 'Restart the offsite server on its agent' : 'Delete an offsite server',
      )
      .action(async function (this: Command, id: string) {
        reportChange(
          await globals
            .client(this)
            .request<Change>(method, `/offsite-servers/${encodeURIComponent(id)}${suffix}`),
        );
      });
  }
  return command;
}

/** `muster local-server`: agents that send their Local Server directory offsite. */
export function localServerCommand(globals: ApiGlobals): Command {
  const command = new Command('local-server').description(
    'Local servers: agents that send backup images offsite',
  );
  command
    .command('create')
    .description('Make an agent a local server of an offsite server (queues its start procedure)')
    .requiredOption('--machine <id>', 'the agent that sends')
    .requiredOption('--directory <path>', 'the Local Server directory (one subfolder per machine GUID)')
    .requiredOption('--offsite <id>', 'the offsite server id')
    .option('--schedule <cron>', 'cron expression (five fields, or six with seconds)', '0 1 * * *')
    .option('--bandwidth <KBps>', 'bandwidth limit in KB/s, 0 for none', '0')
    .action(async function (this: Command, o: Record<string, string>) {
      reportChange(
        await globals.client(this).request<Change>('POST', '/local-servers', {
          machineId: o.machine,
          directory: o.directory,
          offsiteServerId: o.offsite,
          schedule: o.schedule,
          bandwidthKBps: Number(o.bandwidth),
        }),
      );
    });
  command
    .command('list')
    .description('List local servers: active or inactive, last transfer, what is left')
    .option('--json', 'print JSON')
    .action(async function (this: Command, o: { json?: boolean }) {
      const result = await globals.client(this).request<{ items: LocalItem[] }>('GET', '/local-servers');
      const rows = result.items.map((i) => ({
        id: i.id,
        machine: i.machineId,
        offsite: i.offsiteServerId,
        status: i.status,
        lastTransfer: i.lastTransferAt ?? 'never',
        left: i.bytesRemaining ? `${(i.bytesRemaining / 2 ** 20).toFixed(1)} MiB` : '',
        eta: i.etaSeconds ? `${Math.ceil(i.etaSeconds)}s` : '',
        error: i.error ?? '',
      }));
      printRows(
        rows,
        ['id', 'machine', 'offsite', 'status', 'lastTransfer', 'left', 'eta', 'error'],
        o.json === true,
        result,
      );
    });
  for (const [verb, method, suffix, text] of [
    ['restart', 'POST', '/restart', 'Restart the local server on its agent'],
    ['replicate-now', 'POST', '/replicate-now', 'Start a transfer now'],
    ['delete', 'DELETE', '', 'Delete a local server'],
  ] as const) {
    command
      .command(`${verb} <id>`)
      .description(text)
      .action(async function (this: Command, id: string) {
        reportChange(
          await globals
            .client(this)
            .request<Change>(method, `/local-servers/${encodeURIComponent(id)}${suffix}`),
        );
      });
  }
  return command;
}
