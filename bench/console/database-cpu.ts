import { readdirSync, readFileSync } from 'node:fs';
import { readCpuSeconds } from '../support/proc-stats';

/** CPU seconds so far of each process serving one PostgreSQL database, by pid. */
export type DatabaseCpu = Map<number, number>;

/**
 * Reads the CPU time of this machine's PostgreSQL backends connected to `database` (their
 * command line is "postgres: <cluster>: <user> <database> <address> <state>"). Empty when the
 * database runs elsewhere or nothing is connected.
 */
export function readDatabaseCpu(database: string): DatabaseCpu {
  const out: DatabaseCpu = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const command = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' ');
      if (!command.startsWith('postgres:') || !command.split(' ').includes(database)) continue;
      out.set(Number(entry), readCpuSeconds(Number(entry)));
    } catch {
      // The process ended while it was read.
    }
  }
  return out;
}

/**
 * CPU seconds the database's backends used between two readings: a backend that appeared
 * counts from zero; one that ended in between is lost (the server's pool keeps its connections
 * while requests keep coming, so this undercounts at most by a closed connection's share).
 */
export function databaseCpuBetween(before: DatabaseCpu, after: DatabaseCpu): number {
  let sum = 0;
  for (const [pid, seconds] of after) sum += seconds - (before.get(pid) ?? 0);
  return sum;
}
