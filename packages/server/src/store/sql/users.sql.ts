import type { Kysely } from 'kysely';
import type { MasterGuardedResult, UserCredentials } from '../access-record';
import type { UserStore } from '../interfaces';
import { activeMasterCount, inTransaction, lockMasters, Rollback, userFromRow } from './access-rows';
import type { Dialect } from './dialect';
import type { Database } from './schema';

/** Users in SQL. */
export function sqlUserStore(db: Kysely<Database>, dialect: Dialect): UserStore {
  const credentials = async (column: 'id' | 'name', value: string): Promise<UserCredentials | null> => {
    const r = await db
      .selectFrom('users')
      .select(['id', 'name', 'disabled', 'password_hash', 'totp_secret', 'totp_last_step'])
      .where(column, '=', value)
      .executeTakeFirst();
    if (!r) return null;
    return {
      id: r.id,
      name: r.name,
      disabled: r.disabled === 1,
      passwordHash: r.password_hash,
      totpSecret: r.totp_secret,
      totpLastStep: r.totp_last_step,
    };
  };
  const updated = (n: bigint | undefined) => (n ?? 0n) > 0n;

  return {
    async createUser(u) {
      const result = await db
        .insertInto('users')
        .values({
          id: u.id,
          name: u.name,
          display_name: u.displayName,
          email: u.email,
          password_hash: u.passwordHash,
          totp_secret: null,
          totp_last_step: null,
          disabled: 0,
          last_login_at: null,
          created_at: u.createdAt,
          updated_at: u.createdAt,
        })
        .onConflict((c) => c.column('name').doNothing())
        .executeTakeFirst();
      return updated(result.numInsertedOrUpdatedRows);
    },
    async findUser(id) {
      const r = await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
      return r ? userFromRow(r) : null;
    },
    async findUserByName(name) {
      const r = await db.selectFrom('users').selectAll().where('name', '=', name).executeTakeFirst();
      return r ? userFromRow(r) : null;
    },
    async listUsers() {
      const rows = await db.selectFrom('users').selectAll().orderBy('name').execute();
      return rows.map(userFromRow);
    },
    updateUser(id, patch, now) {
      return guarded(db, dialect, async (trx) => {
        const result = await trx
          .updateTable('users')
          .set({
            ...(patch.displayName !== undefined ? { display_name: patch.displayName } : {}),
            ...(patch.email !== undefined ? { email: patch.email } : {}),
            ...(patch.disabled !== undefined ? { disabled: patch.disabled ? 1 : 0 } : {}),
            updated_at: now,
          })
          .where('id', '=', id)
          .executeTakeFirst();
        return updated(result.numUpdatedRows);
      });
    },
    deleteUser(id) {
      return guarded(db, dialect, async (trx) => {
        // Children first: SQLite enforces the foreign keys, and cascades are not relied upon.
        await trx.deleteFrom('user_grants').where('user_id', '=', id).execute();
        await trx.deleteFrom('api_tokens').where('user_id', '=', id).execute();
        await trx.deleteFrom('sessions').where('user_id', '=', id).execute();
        const result = await trx.deleteFrom('users').where('id', '=', id).executeTakeFirst();
        return updated(result.numDeletedRows);
      });
    },
    credentialsByName: (name) => credentials('name', name),
    credentialsById: (id) => credentials('id', id),
    async setPasswordHash(id, hash, now) {
      const r = await db
        .updateTable('users')
        .set({ password_hash: hash, updated_at: now })
        .where('id', '=', id)
        .executeTakeFirst();
      return updated(r.numUpdatedRows);
    },
    async setTotpSecret(id, secret, now) {
      const r = await db
        .updateTable('users')
        .set({ totp_secret: secret, totp_last_step: null, updated_at: now })
        .where('id', '=', id)
        .executeTakeFirst();
      return updated(r.numUpdatedRows);
    },
    async useTotpStep(id, step) {
      // One conditional UPDATE: of two nodes presenting the same code, only one changes the row.
      const r = await db
        .updateTable('users')
        .set({ totp_last_step: step })
        .where('id', '=', id)
        .where((eb) => eb.or([eb('totp_last_step', 'is', null), eb('totp_last_step', '<', step)]))
        .executeTakeFirst();
      return updated(r.numUpdatedRows);
    },
    async recordLogin(id, now) {
      await db.updateTable('users').set({ last_login_at: now }).where('id', '=', id).execute();
    },
    countActiveMasters: () => activeMasterCount(db),
  };
}

/**
 * Runs a change that must leave an active master if there was one: the count is taken before
 * and after inside the transaction, and a change that takes it to zero is rolled back.
 */
export function guarded(
  db: Kysely<Database>,
  dialect: Dialect,
  change: (trx: Parameters<Parameters<typeof inTransaction>[1]>[0]) => Promise<boolean>,
): Promise<MasterGuardedResult> {
  return inTransaction<MasterGuardedResult>(db, async (trx) => {
    await lockMasters(trx, dialect);
    const before = await activeMasterCount(trx);
    if (!(await change(trx))) throw new Rollback<MasterGuardedResult>('not-found');
    if (before > 0 && (await activeMasterCount(trx)) === 0) {
      throw new Rollback<MasterGuardedResult>('last-master');
    }
    return 'done';
  });
}
