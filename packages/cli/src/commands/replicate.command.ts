import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { BandwidthThrottle } from '@muster/agent';
import { parseServerAddress } from '@muster/protocol';
import {
  createReplicationIdentity,
  type ReplicationIdentity,
  type ReplicationProgress,
  replicate,
  startOffsiteServer,
} from '@muster/replication';
import { Command } from 'commander';

const DEFAULT_KEY = join(homedir(), '.muster', 'replicate-key.pem');

/** Loads the replication key, making an Ed25519 one (mode 0600) the first time. */
async function loadIdentity(file: string): Promise<ReplicationIdentity> {
  if (!existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    const { privateKey } = generateKeyPairSync('ed25519');
    writeFileSync(file, privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(), { mode: 0o600 });
  }
  return createReplicationIdentity(readFileSync(file, 'utf8'));
}

/** A whole number option, or a clear error naming it. */
function wholeNumber(option: string, text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${option}: "${text}" is not a whole number`);
  return value;
}

const mib = (n: number) => `${(n / 2 ** 20).toFixed(1)} MiB`;
const clock = (seconds: number) =>
  `${Math.floor(seconds / 60)}:${String(Math.floor(seconds % 60)).padStart(2, '0')}`;

/**
 * A one-line progress bar on stderr: share done, rate and time left. Redrawn at most five times
 * a second; only on a terminal, so logs and pipes stay clean.
 */
export function progressBar(stream: NodeJS.WriteStream = process.stderr): {
  update(p: ReplicationProgress): void;
  done(): void;
} {
  const started = performance.now();
  let drawn = 0;
  return {
    update(p) {
      const now = performance.now();
      if (!stream.isTTY || now - drawn < 200 || p.phase === 'connecting') return;
      drawn = now;
      const total = p.bytesSent + p.bytesRemaining;
      const share = total > 0 ? p.bytesSent / total : 1;
      const rate = p.bytesSent / Math.max(0.001, (now - started) / 1000);
      const left = rate > 0 ? p.bytesRemaining / rate : 0;
      const width = 30;
      const filled = Math.round(share * width);
      stream.write(
        `\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(share * 100).toFixed(0).padStart(3)}%  ${mib(rate)}/s  ${clock(left)} left  ${p.filesRemaining} file(s) `,
      );
    },
    done() {
      if (stream.isTTY && drawn > 0) stream.write('\n');
    },
  };
}

/** `muster replicate`: offsite replication from the command line (seeding, testing). */
export function replicateCommand(): Command {
  const command = new Command('replicate').description(
    'Offsite replication without the server: seed an offsite copy, or test a link',
  );
  command
    .command('key')
    .description('Print the fingerprint of the replication key (made at first use) for the other end to pin')
    .option('--key <file>', 'private key file', DEFAULT_KEY)
    .action(async (o: { key: string }) => {
      const identity = await loadIdentity(o.key);
      console.log(identity.fingerprint);
    });
  command
    .command('serve')
    .description('Run an offsite server in the foreground')
    .requiredOption('--root <dir>', 'directory that receives the data (local or UNC path)')
    .option('--port <n>', 'TCP port, 1024-49151', '5722')
    .option(
      '--allow <guid=fingerprint...>',
      'a local server allowed to send: its GUID and key fingerprint (repeatable)',
    )
    .option('--key <file>', 'private key file', DEFAULT_KEY)
    .option('--synthetic-full', 'keep synthetic full snapshots after each pass')
    .action(
      async (o: { root: string; port: string; allow?: string[]; key: string; syntheticFull?: boolean }) => {
        const allow = (o.allow ?? []).map((entry) => {
          const [guid, keyFingerprint] = entry.split('=');
          if (!guid || !keyFingerprint || !/^[0-9a-f]{64}$/.test(keyFingerprint))
            throw new Error(`--allow "${entry}": expected GUID=FINGERPRINT (64 hex digits)`);
          return { guid, keyFingerprint };
        });
        const identity = await loadIdentity(o.key);
        const server = await startOffsiteServer({
          root: o.root,
          port: Number(o.port),
          identity,
          allow,
          ...(o.syntheticFull
            ? { syntheticFull: { retention: { keepLast: 7, keepDaily: 14, keepWeekly: 8 } } }
            : {}),
          onEvent: (event) => console.log(JSON.stringify(event)),
        });
        console.log(`offsite server on port ${server.port}, key fingerprint ${identity.fingerprint}`);
        const stop = () => void server.close().then(() => process.exit(0));
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      },
    );
  command
    .command('push')
    .description(
      'Send the changes of a Local Server directory to an offsite server, once, with a progress bar',
    )
    .requiredOption('--dir <dir>', 'the Local Server directory (one subfolder per machine GUID)')
    .requiredOption('--to <host:port>', 'the offsite server')
    .requiredOption('--pin <fingerprint>', "the offsite server's key fingerprint")
    .requiredOption('--guid <guid>', "this local server's GUID (as the offsite server allows it)")
    .option('--key <file>', 'private key file', DEFAULT_KEY)
    .option('--state <dir>', 'where the index of what the offsite holds is kept', './muster-replicate-state')
    .option('--bandwidth <KBps>', 'bandwidth limit in KB/s, 0 for none', '0')
    .option('--delete-delay-seconds <n>', 'mirror deletions only after this long', '604800')
    .action(async (o: Record<string, string>) => {
      const bandwidth = wholeNumber('--bandwidth', o.bandwidth as string);
      const deleteDelaySeconds = wholeNumber('--delete-delay-seconds', o.deleteDelaySeconds as string);
      if (!/^[0-9a-f]{64}$/.test(o.pin as string))
        throw new Error(
          '--pin: the offsite key fingerprint is 64 hex digits (muster replicate key prints it)',
        );
      const identity = await loadIdentity(o.key as string);
      const address = parseServerAddress(o.to as string, 5722);
      const bar = progressBar();
      const summary = await replicate({
        localDir: o.dir as string,
        localServerGuid: o.guid as string,
        stateDir: o.state as string,
        offsite: { host: address.host, port: address.port, keyFingerprint: o.pin as string },
        identity,
        throttle: new BandwidthThrottle(bandwidth),
        deleteDelaySeconds,
        onProgress: (p) => bar.update(p),
      }).finally(() => bar.done());
      console.log(
        `${summary.filesSent} file(s) sent of ${summary.filesChanged} changed (${summary.filesScanned} scanned); ` +
          `${mib(summary.bytesSent)} on the wire, ${mib(summary.matchedBytes)} matched, ${mib(summary.resumedBytes)} resumed, ` +
          `${summary.deleted} deleted (${summary.deletePending} waiting); ${(summary.durationMs / 1000).toFixed(1)} s`,
      );
      for (const e of summary.errors) console.error(`${e.path}: ${e.code}: ${e.message}`);
      if (!summary.complete) process.exitCode = 1;
    });
  return command;
}
