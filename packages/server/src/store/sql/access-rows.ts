import type { Kysely, Selectable, Transaction } from 'kysely';
import type { ScopeEntry } from '../../access/scope';
import type {
  ApiTokenRecord,
  CredentialOwner,
  RoleRecord,
  ScopeRecord,
  SessionRecord,
  UserRecord,
} from '../access-record';
import type { Dialect } from './dialect';
import type { Database } from './schema';

/** The id of the built-in master role and of the built-in master scope (see migration 009). */
export const MASTER_ID = 'master';

type Row<T extends keyof Database> = Selectable<Database[T]>;

/** A users row as a UserRecord (no secrets). */
export function userFromRow(r: Row<'users'>): UserRecord {
  return {
    id: r.id,
    name: r.name,
    displayName: r.display_name,
    email: r.email,
    disabled: r.disabled === 1,
    hasPassword: r.password_hash !== null,
    totpEnrolled: r.totp_secret !== null,
    lastLoginAt: r.last_login_at,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** A users row as the owner of a token or session. */
export function ownerFromRow(
  r: Pick<Row<'users'>, 'id' | 'name' | 'disabled' | 'totp_secret'>,
): CredentialOwner {
  return { id: r.id, name: r.name, disabled: r.disabled === 1, totpEnrolled: r.totp_secret !== null };
}

/** A roles row as a RoleRecord. */
export function roleFromRow(r: Row<'roles'>): RoleRecord {
  return {
    id: r.id,
    name: r.name,
    permissions: JSON.parse(r.permissions) as string[],
    requireTotp: r.require_totp === 1,
    builtIn: r.built_in === 1,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** A scopes row as a ScopeRecord. */
export function scopeFromRow(r: Row<'scopes'>): ScopeRecord {
  return {
    id: r.id,
    name: r.name,
    entries: JSON.parse(r.entries) as ScopeEntry[],
    builtIn: r.built_in === 1,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** An api_tokens row as an ApiTokenRecord (no hash). */
export function apiTokenFromRow(r: Row<'api_tokens'>): ApiTokenRecord {
  return {
    id: r.id,
    userId: r.user_id,
    name: r.name,
    tokenPrefix: r.token_prefix,
    permissions: r.permissions === null ? null : (JSON.parse(r.permissions) as string[]),
    expiresAt: r.expires_at,
    createdAt: r.created_at,
    lastUsedAt: r.last_used_at,
    revokedAt: r.revoked_at,
  };
}

/** A sessions row as a SessionRecord (no secret hash). */
export function sessionFromRow(r: Row<'sessions'>): SessionRecord {
  return {
    id: r.id,
    userId: r.user_id,
    csrfHash: r.csrf_hash,
    address: r.address,
    createdAt: r.created_at,
    lastSeenAt: r.last_seen_at,
    expiresAt: r.expires_at,
    revokedAt: r.revoked_at,
  };
}

/** How many active users hold the master role with the master scope. */
export async function activeMasterCount(db: Kysely<Database> | Transaction<Database>): Promise<number> {
  const row = await db
    .selectFrom('user_grants')
    .innerJoin('users', 'users.id', 'user_grants.user_id')
    .select((eb) => eb.fn.count<number>('users.id').distinct().as('n'))
    .where('user_grants.role_id', '=', MASTER_ID)
    .where('user_grants.scope_id', '=', MASTER_ID)
    .where('users.disabled', '=', 0)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * Serializes changes that could remove the last master: on PostgreSQL two transactions could
 * each see another master left and both remove theirs, so they queue on the master role's row.
 * SQLite runs one write transaction at a time already.
 */
export async function lockMasters(trx: Transaction<Database>, dialect: Dialect): Promise<void> {
  if (dialect !== 'postgres') return;
  await trx.selectFrom('roles').select('id').where('id', '=', MASTER_ID).forUpdate().execute();
}

/** Thrown inside a transaction to roll it back with a result. */
export class Rollback<T> extends Error {
  constructor(readonly result: T) {
    super('rolled back');
  }
}

/** Runs a transaction; a thrown Rollback undoes it and gives its result. */
export async function inTransaction<T>(
  db: Kysely<Database>,
  work: (trx: Transaction<Database>) => Promise<T>,
): Promise<T> {
  try {
    return await db.transaction().execute(work);
  } catch (error) {
    if (error instanceof Rollback) return error.result as T;
    throw error;
  }
}

/** Whether a database error is a unique-constraint violation (either dialect). */
export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}
