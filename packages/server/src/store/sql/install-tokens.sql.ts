import type { Kysely, Selectable, Transaction } from 'kysely';
import { EVERYTHING } from '../../access/scope';
import type { InstallTokenRecord, InstallTokenStore } from '../interfaces';
import type { EnrollmentRequest, EnrollmentResult } from '../machine-record';
import { machineFromRow } from './machine-rows';
import type { Database } from './schema';
import { inScope } from './scope.sql';

/** Install tokens and token enrollment in SQL. */
export function sqlInstallTokenStore(db: Kysely<Database>): InstallTokenStore {
  return {
    async createInstallToken(t) {
      await db
        .insertInto('install_tokens')
        .values({
          id: t.id,
          token_hash: t.tokenHash,
          group_id: t.groupId,
          machine_name: t.machineName,
          max_uses: t.maxUses,
          uses: 0,
          expires_at: t.expiresAt,
          temporary: t.temporary ? 1 : 0,
          created_at: t.createdAt,
          token_prefix: t.tokenPrefix,
          revoked_at: null,
        })
        .execute();
    },
    async listInstallTokens(scope = EVERYTHING) {
      // A token belongs to its group, not to a machine: scopes naming single machines skip it.
      const rows = await db
        .selectFrom('install_tokens')
        .selectAll()
        .where(inScope(scope, 'group_id', null))
        .orderBy('created_at', 'desc')
        .orderBy('id')
        .execute();
      return rows.map(tokenFromRow);
    },
    async getInstallToken(id, scope = EVERYTHING) {
      const row = await db
        .selectFrom('install_tokens')
        .selectAll()
        .where('id', '=', id)
        .where(inScope(scope, 'group_id', null))
        .executeTakeFirst();
      return row ? tokenFromRow(row) : null;
    },
    async revokeInstallToken(id, now) {
      // Only a token not yet revoked takes the time, so a second revoke keeps the first.
      await db
        .updateTable('install_tokens')
        .set({ revoked_at: now })
        .where('id', '=', id)
        .where('revoked_at', 'is', null)
        .execute();
      const row = await db.selectFrom('install_tokens').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? tokenFromRow(row) : null;
    },
    async enroll(request) {
      // A refusal is thrown out of the transaction so that it rolls back the token use.
      try {
        return await db.transaction().execute((trx) => enrollSteps(trx, request));
      } catch (error) {
        if (error instanceof Rollback) return error.result;
        throw error;
      }
    },
  };
}

function tokenFromRow(r: Selectable<Database['install_tokens']>): InstallTokenRecord {
  return {
    id: r.id,
    tokenPrefix: r.token_prefix,
    groupId: r.group_id,
    machineName: r.machine_name,
    maxUses: r.max_uses,
    uses: r.uses,
    expiresAt: r.expires_at,
    temporary: r.temporary === 1,
    createdAt: r.created_at,
    revokedAt: r.revoked_at,
  };
}

class Rollback extends Error {
  constructor(readonly result: EnrollmentResult) {
    super('rollback');
  }
}

async function enrollSteps(trx: Transaction<Database>, r: EnrollmentRequest): Promise<EnrollmentResult> {
  // The conditional update is the use count's only guard: two agents racing for the last
  // use cannot both pass it.
  const token = await trx
    .updateTable('install_tokens')
    .set((eb) => ({ uses: eb('uses', '+', 1) }))
    .where('token_hash', '=', r.tokenHash)
    .where('revoked_at', 'is', null)
    .where((eb) => eb.or([eb('max_uses', 'is', null), eb('uses', '<', eb.ref('max_uses'))]))
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', r.now)]))
    .returningAll()
    .executeTakeFirst();
  if (!token) {
    const known = await trx
      .selectFrom('install_tokens')
      .selectAll()
      .where('token_hash', '=', r.tokenHash)
      .executeTakeFirst();
    if (!known) return { kind: 'token-invalid', reason: 'unknown' };
    if (known.revoked_at !== null) return { kind: 'token-invalid', reason: 'revoked' };
    if (known.expires_at !== null && known.expires_at <= r.now)
      return { kind: 'token-invalid', reason: 'expired' };
    return { kind: 'token-invalid', reason: 'used-up' };
  }
  const group = token.group_id;
  const fields = {
    public_key: r.publicKey,
    key_fingerprint: r.keyFingerprint,
    hardware_id: r.hardwareId,
    host_name: r.hostName,
  };
  if (token.machine_name !== null) {
    const id = `${token.machine_name}.${group}`;
    const existing = await trx.selectFrom('machines').selectAll().where('id', '=', id).executeTakeFirst();
    if (existing && existing.key_fingerprint !== null && existing.key_fingerprint !== r.keyFingerprint) {
      throw new Rollback({ kind: 'account-taken', machine: machineFromRow(existing) });
    }
    if (existing) {
      // A pre-created account takes the addresses its first agent was installed with.
      // Guarded by the key column so two agents racing for one account cannot both win it.
      const row = await trx
        .updateTable('machines')
        .set({ ...fields, checkin_control: JSON.stringify(r.defaultCheckinControl) })
        .where('id', '=', id)
        .where((eb) =>
          eb.or([eb('key_fingerprint', 'is', null), eb('key_fingerprint', '=', r.keyFingerprint)]),
        )
        .returningAll()
        .executeTakeFirst();
      if (row) return { kind: 'enrolled', machine: machineFromRow(row) };
      const holder = await trx
        .selectFrom('machines')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      throw new Rollback({ kind: 'account-taken', machine: machineFromRow(holder) });
    }
    const inserted = await insertMachine(trx, r, id, token.machine_name, group, token.temporary, fields);
    if (inserted) return inserted;
    const holder = await trx
      .selectFrom('machines')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    throw new Rollback({ kind: 'account-taken', machine: machineFromRow(holder) });
  }
  // Without a fixed name, two hosts with the same name are two machines: number the second.
  for (let n = 1; n < 1000; n++) {
    const name = n === 1 ? r.hostDerivedName : `${r.hostDerivedName}-${n}`.slice(-63);
    const id = `${name}.${group}`;
    const inserted = await insertMachine(trx, r, id, name, group, token.temporary, fields);
    if (inserted) return inserted;
  }
  throw new Error(`no free machine name for host ${r.hostName} in ${group}`);
}

async function insertMachine(
  trx: Transaction<Database>,
  r: EnrollmentRequest,
  id: string,
  name: string,
  group: string,
  temporary: number,
  fields: { public_key: string; key_fingerprint: string; hardware_id: string; host_name: string },
): Promise<EnrollmentResult | null> {
  // ON CONFLICT DO NOTHING: a concurrent enrollment that took the name makes this return
  // nothing (PostgreSQL waits for it to commit first), and the caller tries the next name.
  const row = await trx
    .insertInto('machines')
    .values({
      id,
      guid: r.guid,
      name,
      group_id: group,
      org_id: group.slice(group.lastIndexOf('.') + 1),
      ...fields,
      temporary,
      suspended: 0,
      remote_control_enabled: 1,
      checkin_control: JSON.stringify(r.defaultCheckinControl),
      settings_revision: 1,
      applied_revision: 0,
      created_at: r.now,
      connected: 0,
      user_idle_seconds: 0,
      local_addresses: '[]',
    })
    .onConflict((c) => c.column('id').doNothing())
    .returningAll()
    .executeTakeFirst();
  return row ? { kind: 'enrolled', machine: machineFromRow(row) } : null;
}
