import { type Kysely, sql } from 'kysely';
import type { Dialect } from '../dialect';

/**
 * Terminal recording chunks compressed with LZ4 in PostgreSQL, where the server was built with
 * it (PostgreSQL 14 and later, as Debian's and most distributions' packages are). The default,
 * pglz, compressed a 1 MiB chunk of terminal text at 28–33 MiB/s here: slower than a `cat`
 * through the terminal, which the recording then held back. LZ4 took the same chunks at
 * 130–160 MiB/s and stored them smaller (bench/results/terminal.md). Only chunks written from
 * now on change: PostgreSQL reads either kind. SQLite stores chunks as they are.
 */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  if (dialect !== 'postgres') return;
  const lz4 = await sql<{ supported: boolean }>`
    select coalesce(bool_or('lz4' = any(enumvals)), false) as supported
    from pg_settings where name = 'default_toast_compression'`.execute(db);
  if (!lz4.rows[0]?.supported) return;
  await sql`alter table terminal_recording_chunks alter column data set compression lz4`.execute(db);
}
