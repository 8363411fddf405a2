/** Kysely type of the connection history table (migration 017). Times are epoch milliseconds. */
export interface CheckinHistoryTables {
  checkin_history: CheckinHistoryTable;
}

/** One agent connection: open while `end_reason` is null. */
export interface CheckinHistoryTable {
  id: string;
  machine_id: string;
  connected_at: number;
  remote_address: string;
  node_id: string;
  disconnected_at: number | null;
  end_reason: string | null;
  checkins: number;
  last_checkin_at: number | null;
}
