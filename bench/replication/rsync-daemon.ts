import { mkdirSync, openSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stopChild } from '../support/children';
import { freePort } from '../support/ports';
import { spawnTracked, waitForPort } from './tracked-process';

/** The rsync module every daemon transfer writes into. */
export const RSYNC_MODULE = 'bench';

/** A private rsync daemon (no encryption) serving one writable module. */
export interface RsyncDaemon {
  port: number;
  pid: number;
  stop(): Promise<void>;
}

/**
 * Starts `rsync --daemon --no-detach` on a free loopback port with its own config in `dir`;
 * the module `bench` is `moduleRoot`, writable, run as root so `-a` can keep owners as over ssh.
 */
export async function startRsyncDaemon(rsync: string, dir: string, moduleRoot: string): Promise<RsyncDaemon> {
  mkdirSync(dir, { recursive: true });
  mkdirSync(moduleRoot, { recursive: true });
  const config = join(dir, 'rsyncd.conf');
  writeFileSync(
    config,
    [
      'use chroot = no',
      'max connections = 4',
      `lock file = ${join(dir, 'rsyncd.lock')}`,
      `[${RSYNC_MODULE}]`,
      `  path = ${moduleRoot}`,
      '  read only = no',
      '  uid = root',
      '  gid = root',
      '',
    ].join('\n'),
  );
  const port = await freePort();
  const log = openSync(join(dir, 'rsyncd.stderr'), 'a');
  const child = spawnTracked(
    rsync,
    [
      '--daemon',
      '--no-detach',
      `--config=${config}`,
      `--port=${port}`,
      '--address=127.0.0.1',
      `--log-file=${join(dir, 'rsyncd.log')}`,
    ],
    { stdio: ['ignore', log, log] },
  );
  await waitForPort(port, 10_000, 'rsync daemon');
  return { port, pid: child.pid!, stop: async () => void (await stopChild(child, 5000)) };
}
