import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';

/**
 * A stable id of this machine's hardware/OS install: the machine-id on Linux, else the sorted
 * MAC addresses. Hashed so the raw id is not exposed. Cloned VMs and containers can share a
 * machine-id; `--hardware-id` overrides it there.
 */
export function detectHardwareId(): string {
  for (const file of ['/etc/machine-id', '/var/lib/dbus/machine-id']) {
    try {
      const id = readFileSync(file, 'utf8').trim();
      if (id) return hash(id);
    } catch {
      // not on this system
    }
  }
  const macs = Object.values(networkInterfaces())
    .flatMap((list) => list ?? [])
    .filter((a) => !a.internal && a.mac !== '00:00:00:00:00:00')
    .map((a) => a.mac);
  return hash([...new Set(macs)].sort().join(',') || 'unknown');
}

function hash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 32);
}
