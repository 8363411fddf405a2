import { statfsSync } from 'node:fs';
import { arch, cpus, hostname, networkInterfaces, platform, release, totalmem, version } from 'node:os';
import type { Inventory } from '@muster/protocol';

/** The non-loopback addresses of this machine, as reported at every check-in. */
export function localAddresses(): string[] {
  return Object.values(networkInterfaces())
    .flatMap((list) => list ?? [])
    .filter((a) => !a.internal && !a.address.startsWith('fe80:'))
    .map((a) => a.address)
    .slice(0, 64);
}

function disks(): Inventory['disks'] {
  const mounts = platform() === 'win32' ? ['C:\\'] : ['/'];
  const out: Inventory['disks'] = [];
  for (const mount of mounts) {
    try {
      const s = statfsSync(mount);
      out.push({ mount, totalBytes: s.blocks * s.bsize, freeBytes: s.bavail * s.bsize });
    } catch {
      // unreadable mount: left out of the audit
    }
  }
  return out;
}

/** Collects the machine inventory for an audit. */
export function collectInventory(hardwareId: string): Inventory {
  const cpuList = cpus();
  const interfaces = Object.entries(networkInterfaces())
    .filter(([, list]) => (list ?? []).some((a) => !a.internal))
    .map(([name, list]) => ({
      name: name.slice(0, 64),
      mac: list?.[0]?.mac ?? '',
      addresses: (list ?? []).map((a) => a.address).slice(0, 64),
    }));
  return {
    hostName: hostname().slice(0, 253),
    os: {
      platform: platform(),
      release: release().slice(0, 256),
      version: version().slice(0, 256),
      arch: arch(),
    },
    cpu: { model: (cpuList[0]?.model ?? 'unknown').slice(0, 256), cores: cpuList.length },
    memoryBytes: totalmem(),
    disks: disks(),
    networkInterfaces: interfaces.slice(0, 256),
    hardwareId,
  };
}
