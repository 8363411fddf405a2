import { DEVICE_COMMAND_TYPES } from '@muster/protocol';
import { Command, Option } from 'commander';
import { type ApiGlobals, printRows } from './api-command';
import { idListOption, integerOption, jsonObjectOption } from './cli-options';

/** A device as the API shows it (the fields the CLI prints). */
interface DeviceJson {
  id: string;
  platform: string;
  model: string | null;
  osVersion: string | null;
  batteryPercent: number | null;
  lastCheckinAt: string | null;
  nextCheckinExpectedAt: string | null;
  overdue: boolean;
  checkinIntervalMinutes: number;
}

/** `muster devices`: mobile devices: list, show, queue a command, wake for a check-in. */
export function devicesCommand(globals: ApiGlobals): Command {
  const command = new Command('devices').description('Mobile devices enrolled through @muster/device');
  command
    .command('list')
    .description('List devices')
    .option('--filter <pattern>', 'Machine.Group ID filter on device ids, e.g. "*.phones.acme"')
    .option('--json', 'print JSON')
    .action(async function (this: Command, opts: { filter?: string; json?: boolean }) {
      const query = opts.filter ? `?filter=${encodeURIComponent(opts.filter)}` : '';
      const result = await globals.client(this).request<{ items: DeviceJson[] }>('GET', `/devices${query}`);
      const rows = result.items.map((d) => ({
        id: d.id,
        platform: d.platform,
        model: d.model ?? '',
        battery: d.batteryPercent === null ? '' : `${d.batteryPercent}%`,
        lastCheckin: d.lastCheckinAt ?? 'never',
        nextExpected: d.nextCheckinExpectedAt ?? '',
        overdue: d.overdue ? 'yes' : '',
      }));
      printRows(
        rows,
        ['id', 'platform', 'model', 'battery', 'lastCheckin', 'nextExpected', 'overdue'],
        opts.json === true,
        result,
      );
    });
  command
    .command('show <id>')
    .description('Show one device (JSON)')
    .action(async function (this: Command, id: string) {
      const device = await globals.client(this).request('GET', `/devices/${encodeURIComponent(id)}`);
      console.log(JSON.stringify(device, null, 2));
    });
  command
    .command('command <ids>')
    .description('Queue a command for devices (comma-separated ids); they get it at their next check-in')
    .addOption(
      new Option('--type <type>', 'device command type')
        .choices([...DEVICE_COMMAND_TYPES])
        .makeOptionMandatory(),
    )
    .option('--text <text>', 'for --type message: the text to show')
    .option('--params <json>', 'parameters as a JSON object', jsonObjectOption('--params'))
    .option(
      '--ttl <seconds>',
      'time to live: expires if not delivered by then',
      integerOption('--ttl', 1, 365 * 86400),
    )
    .option('--json', 'print JSON')
    .action(async function (
      this: Command,
      ids: string,
      opts: { type: string; text?: string; params?: Record<string, unknown>; ttl?: number; json?: boolean },
    ) {
      const devices = idListOption('device ids')(ids);
      const params = { ...(opts.params ?? {}) };
      if (opts.text !== undefined) {
        if (opts.type !== 'message') throw new Error('--text is for --type message');
        params.text = opts.text;
      }
      const body: Record<string, unknown> = { targets: { devices }, type: opts.type, params };
      if (opts.ttl !== undefined) body.ttlSeconds = opts.ttl;
      const result = await globals
        .client(this)
        .request<{ items: Array<{ id: string; target: string; status: string }> }>('POST', '/commands', body);
      if (opts.json) return console.log(JSON.stringify(result, null, 2));
      console.log(`queued ${result.items.length} command(s); devices get them at their next check-in`);
      printRows(result.items, ['id', 'target', 'status'], false, result);
    });
  command
    .command('request-checkin <id>')
    .description('Wake the device through its push channel so it checks in now')
    .option('--json', 'print JSON')
    .action(async function (this: Command, id: string, opts: { json?: boolean }) {
      const wake = await globals
        .client(this)
        .request<{ id: string; channel: string; status: string; reason: string | null }>(
          'POST',
          `/devices/${encodeURIComponent(id)}/request-checkin`,
        );
      if (opts.json) return console.log(JSON.stringify(wake, null, 2));
      console.log(
        `wake-up ${wake.id} via ${wake.channel}: ${wake.status}${wake.reason ? ` (${wake.reason})` : ''}`,
      );
    });
  return command;
}
