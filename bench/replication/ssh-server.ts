import { type ChildProcess, execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stopChild, waitForExit } from '../support/children';
import { freePort } from '../support/ports';
import type { ExternalTools } from './tool-install';
import { spawnTracked, waitForPort } from './tracked-process';

/** The cipher every ssh transfer uses (AES-256-GCM, like Muster's TLS suite). */
export const SSH_CIPHER = 'aes256-gcm@openssh.com';

/** A private sshd on a loopback port, and how to reach it. */
export interface SshServer {
  port: number;
  pid: number;
  /** The `-e` command for rsync, connecting to `port` (the counting proxy's, normally). */
  sshCommand(port: number): string;
  stop(): Promise<void>;
}

/**
 * Starts the benchmark's own sshd: host and user keys made in `dir`, its own config
 * (AuthorizedKeysFile in `dir`, root by key only), a free loopback port. Nothing of the
 * system's sshd or ~/.ssh is read or changed.
 */
export async function startSshServer(dir: string, tools: ExternalTools): Promise<SshServer> {
  mkdirSync(dir, { recursive: true });
  const hostKey = join(dir, 'host_ed25519');
  const userKey = join(dir, 'user_ed25519');
  const authorized = join(dir, 'authorized_keys');
  const knownHosts = join(dir, 'known_hosts');
  for (const key of [hostKey, userKey])
    execFileSync(tools.sshKeygen, ['-q', '-t', 'ed25519', '-N', '', '-C', 'muster-bench', '-f', key]);
  writeFileSync(authorized, readFileSync(`${userKey}.pub`), { mode: 0o600 });
  writeFileSync(knownHosts, '');
  // sshd refuses to start without its privilege separation directory.
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const port = await freePort();
  const config = join(dir, 'sshd_config');
  writeFileSync(
    config,
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${hostKey}`,
      `PidFile ${join(dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${authorized}`,
      'PermitRootLogin prohibit-password',
      'PubkeyAuthentication yes',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'UsePAM no',
      // The work directory is under a world-writable /tmp, which strict modes would reject.
      'StrictModes no',
      'PrintMotd no',
      'X11Forwarding no',
      'LogLevel ERROR',
      `Ciphers ${SSH_CIPHER},aes128-gcm@openssh.com,chacha20-poly1305@openssh.com`,
      // Bash reads ~/.bashrc when started by sshd at shell level < 2; this machine's root
      // .bashrc runs pyenv init (hundreds of ms per session), which would be charged to rsync.
      'SetEnv SHLVL=5',
      '',
    ].join('\n'),
  );
  const log = openSync(join(dir, 'sshd.log'), 'a');
  const child: ChildProcess = spawnTracked(tools.sshd, ['-D', '-e', '-f', config], {
    stdio: ['ignore', log, log],
  });
  await waitForPort(port, 10_000, 'sshd');
  const sshCommand = (target: number): string =>
    [
      tools.ssh,
      '-F /dev/null',
      `-p ${target}`,
      `-i ${userKey}`,
      `-c ${SSH_CIPHER}`,
      `-o UserKnownHostsFile=${knownHosts}`,
      '-o GlobalKnownHostsFile=/dev/null',
      '-o StrictHostKeyChecking=no',
      '-o IdentitiesOnly=yes',
      '-o BatchMode=yes',
      '-o Compression=no',
      '-o LogLevel=ERROR',
    ].join(' ');
  const check = spawnSync('bash', ['-c', `${sshCommand(port)} root@127.0.0.1 true`], {
    encoding: 'utf8',
    timeout: 30_000,
  });
  if (check.status !== 0)
    throw new Error(`cannot log in to the benchmark sshd: ${check.stderr || check.error?.message}`);
  return {
    port,
    pid: child.pid!,
    sshCommand,
    stop: async () => {
      await stopChild(child, 5000);
      await waitForExit(child, 5000);
    },
  };
}
