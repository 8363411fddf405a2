import type { Selectable } from 'kysely';
import type { CommandRecord, CommandStatus, TargetKind } from '../command-record';
import type { CommandsTable } from './schema';

/** Maps a commands row to the record the services use. */
export function commandFromRow(row: Selectable<CommandsTable>): CommandRecord {
  return {
    seq: Number(row.seq),
    id: row.id,
    orgId: row.org_id,
    targetKind: row.target_kind as TargetKind,
    targetId: row.target_id,
    groupId: row.group_id,
    type: row.type,
    params: JSON.parse(row.params),
    status: row.status as CommandStatus,
    priority: row.priority,
    attempts: row.attempts,
    maxAttempts: row.max_attempts,
    leaseExpiresAt: row.lease_expires_at,
    expiresAt: row.expires_at,
    idempotencyKey: row.idempotency_key,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    finishedAt: row.finished_at,
    exitCode: row.exit_code,
    output: row.output,
    error: row.error,
    createdBy: row.created_by ?? null,
  };
}
