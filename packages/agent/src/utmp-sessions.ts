import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** Where Linux keeps the login records that `who` reads. */
export const UTMP_FILE = '/var/run/utmp';

/**
 * The size of one record of glibc's `struct utmp` on Linux, the same on x86-64, x86, arm64 and
 * arm (glibc keeps the 32-bit layout for compatibility). A file whose size is not a multiple of
 * it is not in this layout, and the caller asks `who` instead.
 */
export const UTMP_RECORD_BYTES = 384;

/** `ut_type` of a logged-on user's record. */
const USER_PROCESS = 7;
/** Offsets within a record: ut_type (int16), ut_pid (int32), ut_line (char[32]), ut_user (char[32]). */
const TYPE_AT = 0;
const PID_AT = 4;
const LINE_AT = 8;
const LINE_BYTES = 32;
const USER_AT = 44;
const USER_BYTES = 32;

/** One logged-on user's record: the name, the terminal (relative to /dev) and the login process. */
export interface UtmpLogin {
  user: string;
  line: string;
  pid: number;
}

/** A NUL-padded C string field, as text. */
function field(record: Buffer, at: number, bytes: number): string {
  const end = record.indexOf(0, at);
  return record.toString('utf8', at, end === -1 || end > at + bytes ? at + bytes : end);
}

/**
 * The USER_PROCESS records of a utmp file, in file order; null when the bytes are not whole
 * records of the Linux layout.
 */
export function parseUtmp(bytes: Buffer): UtmpLogin[] | null {
  if (bytes.length % UTMP_RECORD_BYTES !== 0) return null;
  const logins: UtmpLogin[] = [];
  for (let at = 0; at < bytes.length; at += UTMP_RECORD_BYTES) {
    const record = bytes.subarray(at, at + UTMP_RECORD_BYTES);
    if (record.readInt16LE(TYPE_AT) !== USER_PROCESS) continue;
    const user = field(record, USER_AT, USER_BYTES);
    if (user)
      logins.push({ user, line: field(record, LINE_AT, LINE_BYTES), pid: record.readInt32LE(PID_AT) });
  }
  return logins;
}

/** Whether a process exists (a record left behind by a crashed login names one that does not). */
function processExists(pid: number): boolean {
  if (pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The user session a utmp file shows: who is logged on and how long their terminal has been idle. */
export interface UtmpSession {
  loggedOnUser: string;
  userIdleSeconds: number;
}

/**
 * Reads the logged-on users from a utmp file as `who -u` does, without starting a process: each
 * live USER_PROCESS record, idle since its terminal (`/dev/<line>`) was last read from (a
 * terminal without a device, such as an X display, counts as active); the least idle user wins,
 * the first of equals. Resolves to null when nobody is logged on (or the file does not exist),
 * and to `undefined` when the file is not in the Linux layout.
 */
export async function readUtmpSession(
  file = UTMP_FILE,
  devDir = '/dev',
  now = Date.now(),
): Promise<UtmpSession | null | undefined> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  const logins = parseUtmp(bytes);
  if (logins === null) return undefined;
  let best: UtmpSession | null = null;
  for (const login of logins) {
    if (!processExists(login.pid)) continue;
    const idle = await idleSeconds(join(devDir, login.line), now);
    if (best === null || idle < best.userIdleSeconds)
      best = { loggedOnUser: login.user, userIdleSeconds: idle };
  }
  return best;
}

/** Seconds since a terminal was last read from (its access time); 0 when it has no device. */
async function idleSeconds(device: string, now: number): Promise<number> {
  try {
    const { atimeMs } = await stat(device);
    return Math.max(0, Math.floor((now - atimeMs) / 1000));
  } catch {
    return 0;
  }
}
