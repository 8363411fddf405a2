import { type Kysely, sql } from 'kysely';
import type { Dialect } from '../dialect';

/**
 * Files belong to a machine group, so scopes can reach them: a get-file result to the group
 * of the machine it came from, an upload to the group its uploader named (or their only
 * organization). Files kept from before have the group of their machine when they have one;
 * uploads made before stay without a group and only a caller who sees everything sees them.
 */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  await db.schema.alterTable('files').addColumn('group_id', 'text').execute();
  // A machine id is `name.group`: the group is everything after the first dot.
  const firstDot = dialect === 'postgres' ? sql`strpos(machine_id, '.')` : sql`instr(machine_id, '.')`;
  await sql`update files set group_id = substr(machine_id, ${firstDot} + 1) where machine_id is not null`.execute(
    db,
  );
  await db.schema.createIndex('files_group_id').on('files').column('group_id').execute();
}
