/**
 * Kysely types of the replication tables (migration 006). `status` is the JSON the role's agent
 * last reported; times are epoch milliseconds; `synthetic_full` is 0/1.
 */
export interface ReplicationTables {
  offsite_servers: OffsiteServersTable;
  local_servers: LocalServersTable;
}

/** An agent in the offsite-server role. */
export interface OffsiteServersTable {
  id: string;
  machine_id: string;
  host: string;
  port: number;
  directory: string;
  synthetic_full: number;
  status: string | null;
  reported_at: number | null;
  created_at: number;
  updated_at: number;
}

/** An agent in the local-server role. */
export interface LocalServersTable {
  id: string;
  machine_id: string;
  directory: string;
  offsite_server_id: string;
  schedule: string;
  bandwidth_kbps: number;
  status: string | null;
  reported_at: number | null;
  /** When the notification clock for inactivity started (null while active). */
  inactive_since: number | null;
  created_at: number;
  updated_at: number;
}
