import { type Selectable, sql } from 'kysely';
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

/**
 * Every column of a command row, for RETURNING in an UPDATE ... FROM: SQLite takes no
 * `commands.*` there, and the joined table's columns are named apart so these plain names are
 * the table's.
 */
export const COMMAND_ROW_COLUMNS = sql.raw(
  [
    'seq',
    'id',
    'org_id',
    'target_kind',
    'target_id',
    'group_id',
    'type',
    'params',
    'status',
    'priority',
    'attempts',
    'max_attempts',
    'lease_expires_at',
    'expires_at',
    'idempotency_key',
    'created_at',
    'updated_at',
    'finished_at',
    'exit_code',
    'output',
    'error',
    'holder',
    'created_by',
  ].join(', '),
);
