import { readFileSync } from 'node:fs';

/**
 * This process's peak resident set since it started its program, bytes: VmHWM, which belongs
 * to the memory map exec made. Not getrusage's ru_maxrss (process.resourceUsage().maxRSS): on
 * Linux that survives fork and exec, so a child started by a large parent reports the parent's
 * peak (a sender started by the benchmark's own process showed 86 MiB with a VmHWM of 63).
 * Falls back to maxRSS where /proc is missing.
 */
export function ownPeakRssBytes(): number {
  try {
    const match = /^VmHWM:\s+(\d+)\s+kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (match?.[1]) return Number(match[1]) * 1024;
  } catch {
    // Not Linux: fall through.
  }
  return process.resourceUsage().maxRSS * 1024;
}
