import { newId } from './secrets';

/**
 * A new command's id: 32 hex digits like every record's, the first 12 its creation time in
 * milliseconds and the other 20 random (80 bits, so commands of one millisecond on several
 * nodes do not meet). Commands queued later sort later, so a fan-out's ids are appended to the
 * end of the commands id index instead of landing on random pages of it. With random ids,
 * 100,000 new commands cost SQLite 2.0-2.2 s of CPU with 200,000-300,000 commands stored (1.3-1.5
 * s so), and PostgreSQL's insert 3.0-3.3 s with 100,000 stored (2.3-2.5 s so: 26 full-page WAL
 * images instead of 1,000) on this 2-core machine (issue 12).
 */
export function newCommandId(now: number): string {
  return `${now.toString(16).padStart(12, '0')}${newId().slice(0, 20)}`;
}
