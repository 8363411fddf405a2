import { readFileSync } from 'node:fs';
import { arch, cpus, loadavg, platform, release, totalmem } from 'node:os';

/** The machine a benchmark ran on. */
export interface MachineInfo {
  cpuModel: string;
  cores: number;
  totalMemoryBytes: number;
  nodeVersion: string;
  os: string;
  /** Filesystem type holding the server's data directory (SQLite fsync cost depends on it). */
  dataDirFilesystem: string;
  /** 1, 5 and 15 minute load averages when the run started (other work on the machine). */
  loadAverageAtStart: number[];
  date: string;
}

/** The filesystem type of the longest mount point containing a path, from /proc/mounts. */
export function filesystemOf(path: string): string {
  try {
    let best = { mount: '', type: 'unknown' };
    for (const line of readFileSync('/proc/mounts', 'utf8').split('\n')) {
      const [, mount, type] = line.split(' ');
      if (!mount || !type) continue;
      const inside = path === mount || path.startsWith(mount.endsWith('/') ? mount : `${mount}/`);
      if (inside && mount.length > best.mount.length) best = { mount, type };
    }
    return best.type;
  } catch {
    return 'unknown';
  }
}

/** Describes this machine for the results file. */
export function machineInfo(dataDir: string): MachineInfo {
  const list = cpus();
  return {
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    cores: list.length,
    totalMemoryBytes: totalmem(),
    nodeVersion: process.version,
    os: `${platform()} ${release()} ${arch()}`,
    dataDirFilesystem: filesystemOf(dataDir),
    loadAverageAtStart: loadavg().map((l) => Math.round(l * 100) / 100),
    date: new Date().toISOString(),
  };
}
