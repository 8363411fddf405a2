import { randomBytes } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import { PERMISSIONS } from '../../../access/permissions';
import type { Dialect } from '../dialect';

/** The id (and name) of the built-in master role and of the built-in master scope. */
const MASTER_ID = 'master';

/**
 * People: users, roles (what they may do), scopes (which data), the (role, scope) pairs each user
 * holds, their API tokens and console sessions. The built-in master role and scope are created
 * here, with a first master user `admin`. The admin tokens of earlier versions become API tokens
 * of that user (same hash, same name), so every token in use keeps working; their old table goes.
 */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const time = dialect === 'postgres' ? 'bigint' : 'integer';
  await db.schema
    .createTable('users')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('email', 'text')
    .addColumn('password_hash', 'text')
    // Never returned by a read that lists or shows users (see the store's UserRecord).
    .addColumn('totp_secret', 'text')
    // The last TOTP time step accepted: a code of that step or an earlier one is a replay.
    .addColumn('totp_last_step', time)
    .addColumn('disabled', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_login_at', time)
    .addColumn('created_at', time, (c) => c.notNull())
    .addColumn('updated_at', time, (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('roles')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('permissions', 'text', (c) => c.notNull()) // JSON array of permission names
    .addColumn('require_totp', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('built_in', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', time, (c) => c.notNull())
    .addColumn('updated_at', time, (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('scopes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('entries', 'text', (c) => c.notNull()) // JSON array of ScopeEntry
    .addColumn('built_in', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', time, (c) => c.notNull())
    .addColumn('updated_at', time, (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('user_grants')
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('role_id', 'text', (c) => c.notNull().references('roles.id').onDelete('cascade'))
    .addColumn('scope_id', 'text', (c) => c.notNull().references('scopes.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('user_grants_pk', ['user_id', 'role_id', 'scope_id'])
    .execute();
  await db.schema
    .createTable('api_tokens')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('token_prefix', 'text')
    .addColumn('permissions', 'text') // JSON array narrowing the user's permissions; null: all of them
    .addColumn('expires_at', time)
    .addColumn('created_at', time, (c) => c.notNull())
    .addColumn('last_used_at', time)
    .addColumn('revoked_at', time)
    .execute();
  await db.schema.createIndex('api_tokens_user_idx').on('api_tokens').column('user_id').execute();
  await db.schema
    .createTable('sessions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('secret_hash', 'text', (c) => c.notNull().unique())
    .addColumn('csrf_hash', 'text', (c) => c.notNull())
    .addColumn('address', 'text')
    .addColumn('created_at', time, (c) => c.notNull())
    .addColumn('last_seen_at', time, (c) => c.notNull())
    .addColumn('expires_at', time, (c) => c.notNull())
    .addColumn('revoked_at', time)
    .execute();
  await db.schema.createIndex('sessions_user_idx').on('sessions').column('user_id').execute();

  const now = Date.now();
  const adminId = randomBytes(16).toString('hex');
  await sql`insert into roles (id, name, permissions, require_totp, built_in, created_at, updated_at)
    values (${MASTER_ID}, ${MASTER_ID}, ${JSON.stringify(PERMISSIONS)}, 0, 1, ${now}, ${now})`.execute(db);
  await sql`insert into scopes (id, name, entries, built_in, created_at, updated_at)
    values (${MASTER_ID}, ${MASTER_ID}, '[]', 1, ${now}, ${now})`.execute(db);
  await sql`insert into users (id, name, display_name, disabled, created_at, updated_at)
    values (${adminId}, 'admin', 'Administrator', 0, ${now}, ${now})`.execute(db);
  await sql`insert into user_grants (user_id, role_id, scope_id)
    values (${adminId}, ${MASTER_ID}, ${MASTER_ID})`.execute(db);
  await sql`insert into api_tokens (id, user_id, name, token_hash, created_at)
    select id, ${adminId}, name, token_hash, created_at from admin_tokens`.execute(db);
  await db.schema.dropTable('admin_tokens').execute();
}
