import { readdirSync, readFileSync } from 'node:fs';

/**
 * The processes whose session is `sessionId` (a terminal's shell leads a session of its own):
 * the shell, its jobs in their own process groups, and what they started. Read from /proc; on a
 * system without it, only the leader's process group is known.
 */
export function sessionMembers(sessionId: number): number[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  const members: number[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Fields after the command name (which may hold spaces and parentheses): state ppid pgrp session.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[3]) === sessionId) members.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return members;
}

/** Sends `signal` to the process group led by `leader` and to every other process of its session. */
export function signalSession(leader: number, signal: NodeJS.Signals): void {
  const targets = new Set([-leader, ...sessionMembers(leader)]);
  for (const target of targets) {
    try {
      process.kill(target, signal);
    } catch {
      // already gone
    }
  }
}

/** Sends `signal` to the process group led by `leader`. */
export function signalGroup(leader: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-leader, signal);
  } catch {
    // already gone
  }
}
