import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** Where the external tools are, their versions, and what this run had to install. */
export interface ExternalTools {
  rsync: string;
  ssh: string;
  sshd: string;
  sshKeygen: string;
  rsyncVersion: string;
  sshVersion: string;
  installed: string[];
}

const PACKAGES = ['rsync', 'openssh-server', 'openssh-client'];

function which(name: string): string | undefined {
  try {
    const found = execFileSync('which', [name], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
    if (found) return found;
  } catch {
    // not on PATH
  }
  // sshd lives in /usr/sbin, which a non-root PATH often lacks.
  for (const dir of ['/usr/sbin', '/usr/bin', '/sbin'])
    if (existsSync(`${dir}/${name}`)) return `${dir}/${name}`;
  return undefined;
}

function aptGet(args: string[]): boolean {
  const result = spawnSync('apt-get', args, {
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return result.status === 0;
}

/**
 * Finds rsync, ssh, sshd and ssh-keygen; installs Debian's packages when one is missing
 * (apt-get, as root). Only the packages are installed: the system's sshd is neither
 * configured nor started (the benchmark runs its own on a loopback port).
 */
export function ensureExternalTools(say: (message: string) => void): ExternalTools {
  const names = ['rsync', 'ssh', 'sshd', 'ssh-keygen'] as const;
  let missing = names.filter((name) => !which(name));
  const installed: string[] = [];
  if (missing.length > 0) {
    say(`missing ${missing.join(', ')}: apt-get install -y ${PACKAGES.join(' ')}`);
    if (!aptGet(['install', '-y', '--no-install-recommends', ...PACKAGES])) {
      say('apt-get install failed; running apt-get update and trying again');
      aptGet(['update']);
      if (!aptGet(['install', '-y', '--no-install-recommends', ...PACKAGES]))
        throw new Error(`cannot install ${PACKAGES.join(' ')}`);
    }
    installed.push(...PACKAGES);
    missing = names.filter((name) => !which(name));
    if (missing.length > 0) throw new Error(`still missing after install: ${missing.join(', ')}`);
  }
  const rsync = which('rsync')!;
  const ssh = which('ssh')!;
  const version = spawnSync(ssh, ['-V'], { encoding: 'utf8' });
  return {
    rsync,
    ssh,
    sshd: which('sshd')!,
    sshKeygen: which('ssh-keygen')!,
    rsyncVersion: execFileSync(rsync, ['--version'], { encoding: 'utf8' }).split('\n')[0]!.trim(),
    sshVersion: `${version.stderr}${version.stdout}`.trim(),
    installed,
  };
}
