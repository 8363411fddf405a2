/**
 * Kysely types of the remote-terminal tables (migration 016). Times are epoch milliseconds,
 * booleans 0/1, recording chunks raw bytes.
 */
export interface TerminalTables {
  terminal_sessions: TerminalSessionsTable;
  terminal_recording_chunks: TerminalRecordingChunksTable;
  server_nodes: ServerNodesTable;
}

/** One terminal session, live (ended_at null) or ended. */
export interface TerminalSessionsTable {
  id: string;
  machine_id: string;
  group_id: string;
  user_id: string;
  username: string;
  node_id: string;
  agent_node_id: string | null;
  started_at: number;
  width: number;
  height: number;
  record_input: number;
  ended_at: number | null;
  end_reason: string | null;
  ended_by: string | null;
  bytes_in: number;
  bytes_out: number;
  /** How many chunks the recording holds: the number of the next one. */
  recording_chunks: number;
  recording_bytes: number;
}

/** A piece of a session's asciicast recording; pieces are numbered from 0 without gaps. */
export interface TerminalRecordingChunksTable {
  session_id: string;
  seq: number;
  data: Uint8Array;
}

/** A server node as it announced itself: where other nodes reach it to relay a terminal. */
export interface ServerNodesTable {
  node_id: string;
  relay_host: string;
  relay_port: number;
  announced_at: number;
  last_seen_at: number;
}
