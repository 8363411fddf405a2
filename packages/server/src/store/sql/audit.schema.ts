/** The audit log's tables as Kysely sees them (migration 010). */
export interface AuditTables {
  audit_log: AuditLogTable;
  /** The targets of each entry, one row per machine or group, for scoping and the machine filter. */
  audit_targets: { seq: number; group_id: string; machine_id: string | null };
  /** One row (id 1): the seq and hash of the newest entry. */
  audit_head: { id: number; seq: number; hash: string };
}

/** One audit entry. Targets and details are JSON text, hashed exactly as stored. */
export interface AuditLogTable {
  seq: number;
  at: number;
  user_id: string | null;
  user_name: string | null;
  credential_kind: string | null;
  credential_id: string | null;
  address: string | null;
  action: string;
  targets: string;
  details: string | null;
  status: number | null;
  result: string;
  prev_hash: string;
  hash: string;
}
