import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { readUtmpSession, UTMP_FILE } from './utmp-sessions';

const run = promisify(execFile);

/** Who is logged on at the console and for how long they have been inactive. */
export interface UserSession {
  loggedOnUser: string | null;
  userIdleSeconds: number;
}

/** Reads the logged-on user and idle time. */
export type UserSessionProbe = () => Promise<UserSession>;

/** The largest idle time a check-in carries (ten years, the schema's limit), so a wild value cannot break check-ins. */
export const MAX_IDLE_SECONDS = 10 * 365 * 86400;

const NOBODY: UserSession = { loggedOnUser: null, userIdleSeconds: 0 };

/** Parses `who -u` idle column: "." active, "old" over a day, "HH:MM" otherwise. */
export function parseWhoIdle(field: string): number {
  if (field === '.') return 0;
  if (field === 'old') return 86400;
  const m = /^(\d+):(\d\d)$/.exec(field);
  return m ? Number(m[1]) * 3600 + Number(m[2]) * 60 : 0;
}

/** Picks the most active session from `who -u` output. */
export function parseWhoOutput(text: string): UserSession {
  let best: UserSession = NOBODY;
  for (const line of text.split('\n')) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 6 || !fields[0]) continue;
    // user tty date... time idle pid [(comment)]: the idle field stands just before the pid,
    // which is the last all-digit field (the date may take one or two fields).
    let pidIndex = fields.length - 1;
    while (pidIndex > 0 && !/^\d+$/.test(fields[pidIndex] ?? '')) pidIndex--;
    const idle = parseWhoIdle(fields[pidIndex - 1] ?? '.');
    if (best.loggedOnUser === null || idle < best.userIdleSeconds)
      best = { loggedOnUser: fields[0], userIdleSeconds: idle };
  }
  return best;
}

/**
 * The default probe: on Linux the login records (`/var/run/utmp`) read directly, as `who -u`
 * reads them, which spares a process and most of the memory each check-in used to allocate
 * (bench/results/footprint.md); `who -u` on other Unix-like systems and wherever the records
 * are not in the Linux layout. A custom command (`--user-probe`) may be given instead; it must
 * print JSON `{"user": "name" | null, "idleSeconds": N}`. `utmp` names other files, for tests.
 */
export function userSessionProbe(
  command?: string,
  utmp: { file: string; devDir: string } = { file: UTMP_FILE, devDir: '/dev' },
): UserSessionProbe {
  if (command) {
    return async () => {
      const { stdout } = await run('/bin/sh', ['-c', command], { timeout: 5000 });
      const parsed = JSON.parse(stdout) as { user?: unknown; idleSeconds?: unknown };
      const user =
        typeof parsed.user === 'string' && parsed.user.length > 0 ? parsed.user.slice(0, 128) : null;
      const idle =
        typeof parsed.idleSeconds === 'number' && parsed.idleSeconds >= 0
          ? Math.min(MAX_IDLE_SECONDS, Math.floor(parsed.idleSeconds))
          : 0;
      return { loggedOnUser: user, userIdleSeconds: idle };
    };
  }
  return async () => {
    try {
      if (process.platform === 'linux') {
        const session = await readUtmpSession(utmp.file, utmp.devDir);
        if (session === null) return NOBODY;
        if (session !== undefined)
          return { ...session, userIdleSeconds: Math.min(MAX_IDLE_SECONDS, session.userIdleSeconds) };
      }
      const { stdout } = await run('who', ['-u'], { timeout: 5000 });
      return parseWhoOutput(stdout);
    } catch {
      return NOBODY;
    }
  };
}
