import { readFileSync } from 'node:fs';
import {
  DeviceSimulator,
  type SimulatorEvent,
  type SimulatorOptions,
  type SimulatorPlatform,
} from '@muster/device';
import { Command, InvalidArgumentError, Option } from 'commander';
import pino, { type Logger } from 'pino';

/** Options of `muster device simulate` as commander parses them. */
interface SimulateFlags {
  server: string;
  token?: string;
  count: number;
  platform: SimulatorPlatform;
  namePrefix: string;
  state: string;
  ca?: string;
  pinSha256?: string;
  serverName?: string;
  tracking?: boolean;
  locationEvery: number;
  timeScale: number;
  wakePort?: number;
  webhookSecret?: string;
  phoneNumber?: string;
  apnsTokenPrefix?: string;
  once?: boolean;
  logLevel: string;
}

function positiveInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a positive integer');
  return n;
}

function positiveNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('must be a positive number');
  return n;
}

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('must be a port, 0-65535');
  return n;
}

/** Turns simulator events into the JSON log lines scripts and people read. */
function logEvent(log: Logger, event: SimulatorEvent): void {
  switch (event.type) {
    case 'enrolled':
      log.info(
        { deviceId: event.deviceId, name: event.name, platform: event.platform, group: event.group },
        'enrolled',
      );
      break;
    case 'checked-in':
      log.info(
        {
          deviceId: event.deviceId,
          name: event.name,
          commands: event.commands,
          locationsSent: event.locationsSent,
          tracking: event.tracking,
          checkinIntervalMinutes: event.checkinIntervalMinutes,
          nextCheckinBy: event.nextCheckinBy,
        },
        'checked in',
      );
      break;
    case 'command-done':
      log.info(
        {
          deviceId: event.deviceId,
          name: event.name,
          commandId: event.commandId,
          commandType: event.commandType,
          status: event.status,
          output: event.output,
          error: event.error,
        },
        'command done',
      );
      break;
    case 'results-reported':
      log.debug(
        { deviceId: event.deviceId, name: event.name, count: event.count, accepted: event.accepted },
        'results reported',
      );
      break;
    case 'results-failed':
      log.warn(
        { deviceId: event.deviceId, name: event.name, error: event.error },
        'results not reported; kept for the next check-in',
      );
      break;
    case 'result-dropped':
      log.warn(
        { deviceId: event.deviceId, name: event.name, commandId: event.commandId, error: event.error },
        'result refused by the server for good; dropped',
      );
      break;
    case 'checkin-failed':
      log.warn(
        { deviceId: event.deviceId, name: event.name, error: event.error, retryInMs: event.retryInMs },
        'check-in failed',
      );
      break;
    case 'wake':
      log.info({ deviceId: event.deviceId, name: event.name, source: event.source }, 'wake');
      break;
    case 'wake-refused':
      log.warn({ status: event.status, reason: event.reason }, 'wake refused');
      break;
    case 'wake-listening':
      log.info({ url: event.url }, 'wake listener ready');
      break;
  }
}

/** The simulator's options from the flags; reads the CA file. */
function simulatorOptions(flags: SimulateFlags, onEvent: (event: SimulatorEvent) => void): SimulatorOptions {
  return {
    server: flags.server,
    count: flags.count,
    platform: flags.platform,
    namePrefix: flags.namePrefix,
    stateDir: flags.state,
    tracking: flags.tracking === true,
    locationEveryMinutes: flags.locationEvery,
    timeScale: flags.timeScale,
    onEvent,
    ...(flags.token === undefined ? {} : { token: flags.token }),
    ...(flags.ca === undefined ? {} : { ca: readFileSync(flags.ca, 'utf8') }),
    ...(flags.pinSha256 === undefined ? {} : { pinSha256: flags.pinSha256 }),
    ...(flags.serverName === undefined ? {} : { serverName: flags.serverName }),
    ...(flags.wakePort === undefined ? {} : { wakePort: flags.wakePort }),
    ...(flags.webhookSecret === undefined ? {} : { webhookSecret: flags.webhookSecret }),
    ...(flags.phoneNumber === undefined ? {} : { phoneNumberPattern: flags.phoneNumber }),
    ...(flags.apnsTokenPrefix === undefined ? {} : { apnsTokenPrefix: flags.apnsTokenPrefix }),
  };
}

function simulateCommand(): Command {
  return new Command('simulate')
    .description('Run simulated phones against a server: enroll, check in on the interval, run commands')
    .requiredOption('--server <url>', 'device API base URL, e.g. https://127.0.0.1:5723')
    .option(
      '--token <token>',
      'enrollment token (only needed for devices not enrolled yet)',
      process.env.MUSTER_DEVICE_TOKEN,
    )
    .option('--count <n>', 'number of simulated devices', positiveInteger, 1)
    .addOption(
      // Enrollment tokens are per platform, so one run simulates one platform.
      new Option('--platform <platform>', 'device platform (the token must be for it)')
        .choices(['ios', 'android'])
        .default('ios'),
    )
    .option('--name-prefix <prefix>', 'devices are named <prefix>-1, <prefix>-2, ...', 'sim')
    .option(
      '--state <dir>',
      'parent directory of the per-device state (key, settings, pending results)',
      './muster-devices',
    )
    .option('--ca <file>', "trust this CA certificate (PEM), e.g. the server's self-signed tls-cert.pem")
    .option('--pin-sha256 <hex>', 'accept exactly the server certificate with this SHA-256 fingerprint')
    .option(
      '--server-name <name>',
      'name the server certificate must carry, when not the URL host (e.g. muster-server)',
    )
    .option('--tracking', 'let the phones take position fixes (kept only while the server has tracking on)')
    .option('--location-every <minutes>', 'simulated minutes between position fixes', positiveNumber, 15)
    .option(
      '--time-scale <x>',
      'compress time: 720 turns a 12-hour check-in interval into one minute',
      positiveNumber,
      1,
    )
    .option(
      '--wake-port <port>',
      'listen on 127.0.0.1:<port> for POST /wake/<deviceId> (0 picks a port)',
      port,
    )
    .option(
      '--webhook-secret <secret>',
      "require wakes signed as the server's webhook channel does (or MUSTER_WEBHOOK_SECRET)",
      process.env.MUSTER_WEBHOOK_SECRET,
    )
    .option(
      '--phone-number <pattern>',
      'register SMS wake numbers; the run of N becomes the device number, e.g. +1555000000N',
    )
    .option(
      '--apns-token-prefix <hex>',
      'register made-up APNs tokens for iOS devices, starting with this hex',
    )
    .option('--once', 'enroll, check every device in once, then exit (status 1 if any check-in failed)')
    .option('--log-level <level>', 'log level', process.env.MUSTER_LOG_LEVEL ?? 'info')
    .addHelpText(
      'after',
      '\nEach device keeps its own state in <state>/<name-prefix>-<n>; a later run with the same --state\n' +
        'resumes those devices without a token. Log lines are JSON on stdout: "enrolled", "checked in"\n' +
        '(deviceId, commands), "command done" (commandId, status), "wake".\n\n' +
        'The server certificate is verified normally unless --ca or --pin-sha256 is given. The wake\n' +
        'listener stands in for the push notification: curl -X POST http://127.0.0.1:<port>/wake/<deviceId>\n' +
        "is the user tapping it; the server's webhook wake channel can be pointed at the same URL.",
    )
    .action(async (flags: SimulateFlags) => {
      const log = pino({ level: flags.logLevel, base: { component: 'device-sim' } });
      let failedCheckins = 0;
      const simulator = new DeviceSimulator(
        simulatorOptions(flags, (event) => {
          if (event.type === 'checkin-failed') failedCheckins += 1;
          logEvent(log, event);
        }),
      );
      if (flags.once) {
        try {
          await simulator.open();
          await simulator.checkInAll();
        } finally {
          await simulator.stop();
        }
        log.info({ devices: simulator.devices.length, failedCheckins }, 'simulation done');
        process.exitCode = failedCheckins > 0 ? 1 : 0;
        return;
      }
      await simulator.start();
      log.info(
        {
          devices: simulator.devices.map((d) => ({ name: d.name, deviceId: d.client.deviceId })),
          wakeUrl: simulator.wakeUrl,
        },
        'simulation running',
      );
      const stop = async () => {
        await simulator.stop();
        process.exit(0);
      };
      process.once('SIGINT', () => void stop());
      process.once('SIGTERM', () => void stop());
    });
}

/** `muster device`: tools for the phone side of the device API. */
export function deviceCommand(): Command {
  return new Command('device')
    .description('Phone-side tools for the device API (simulated devices)')
    .addCommand(simulateCommand());
}
