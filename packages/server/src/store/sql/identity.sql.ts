import type { Kysely } from 'kysely';
import type { IdentityStore } from '../interfaces';
import type { Database } from './schema';

/** The server identity key in SQL (a single row). */
export function sqlIdentityStore(db: Kysely<Database>): IdentityStore {
  return {
    async loadIdentity() {
      const row = await db.selectFrom('server_identity').selectAll().where('id', '=', 1).executeTakeFirst();
      return row
        ? { privateKeyPem: row.private_key_pem, publicKeyDer: row.public_key_der, createdAt: row.created_at }
        : null;
    },
    async saveIdentity(i) {
      const values = {
        private_key_pem: i.privateKeyPem,
        public_key_der: i.publicKeyDer,
        created_at: i.createdAt,
      };
      await db
        .insertInto('server_identity')
        .values({ id: 1, ...values })
        .onConflict((c) => c.column('id').doUpdateSet(values))
        .execute();
    },
  };
}
