import type { Generated, GeneratedAlways } from 'kysely';
import type { AccessTables } from './access.schema';
import type { AlertTables } from './alert.schema';
import type { AuditTables } from './audit.schema';
import type { CheckinHistoryTables } from './checkin-history.schema';
import type { ReplicationTables } from './replication.schema';
import type { TerminalTables } from './terminal.schema';
import type { WebhookTables } from './webhook.schema';

/**
 * Table types as Kysely sees them. Times are epoch milliseconds (bigint in PostgreSQL, read
 * back as numbers), booleans are 0/1 integers and structured values are JSON text, so one set
 * of queries serves SQLite and PostgreSQL alike.
 */
export interface Database
  extends AuditTables,
    WebhookTables,
    ReplicationTables,
    AccessTables,
    AlertTables,
    TerminalTables,
    CheckinHistoryTables {
  files: FilesTable;
  file_chunks: { file_id: string; offset: number; data: Uint8Array };
  organizations: { id: string; created_at: number };
  machine_groups: { id: string; org_id: string; parent_id: string | null; created_at: number };
  install_tokens: {
    id: string;
    token_hash: string;
    group_id: string;
    machine_name: string | null;
    max_uses: number | null;
    uses: number;
    expires_at: number | null;
    temporary: number;
    created_at: number;
    token_prefix: string | null;
    revoked_at: number | null;
  };
  machines: MachinesTable;
  checkin_policies: { group_id: string; min_seconds: number; max_seconds: number };
  notifications: {
    id: Generated<number>;
    type: string;
    machine_id: string | null;
    message: string;
    dedupe_key: string;
    created_at: number;
  };
  notification_types: { type: string; enabled: number };
  server_identity: { id: number; private_key_pem: string; public_key_der: string; created_at: number };
  commands: CommandsTable;
  command_transitions: { command_id: string; status: string; at: number; detail: string | null };
  idempotency_keys: { key: string; created_at: number };
  device_enrollment_tokens: {
    id: string;
    token_hash: string;
    group_id: string;
    platform: string;
    expires_at: number | null;
    created_at: number;
  };
  devices: DevicesTable;
  device_group_settings: {
    group_id: string;
    checkin_interval_minutes: number | null;
    tracking: number | null;
  };
  device_locations: {
    id: Generated<number>;
    device_id: string;
    at: number;
    lat: number;
    lon: number;
    accuracy_meters: number | null;
    received_at: number;
  };
  device_nonces: { device_id: string; nonce: string; expires_at: number };
  device_wakes: {
    id: string;
    device_id: string;
    channel: string;
    status: string;
    reason: string | null;
    attempts: number;
    requested_at: number;
    sent_at: number | null;
    checkin_at: number | null;
  };
}

/** The devices table. */
export interface DevicesTable {
  id: string;
  guid: string;
  name: string;
  group_id: string;
  org_id: string;
  platform: string;
  public_key: string;
  model: string | null;
  os_version: string | null;
  battery_percent: number | null;
  push_channel: string | null;
  checkin_interval_minutes: number | null;
  tracking: number | null;
  enrolled_at: number;
  last_checkin_at: number | null;
}

/** The commands table (the durable queue). */
export interface CommandsTable {
  seq: Generated<number>;
  id: string;
  org_id: string;
  target_kind: string;
  target_id: string;
  group_id: string;
  type: string;
  params: string;
  status: string;
  priority: number;
  attempts: number;
  max_attempts: number;
  lease_expires_at: number | null;
  expires_at: number | null;
  idempotency_key: string | null;
  created_at: number;
  updated_at: number;
  finished_at: number | null;
  exit_code: number | null;
  output: string | null;
  error: string | null;
  /** The agent session the command was last delivered to (null for devices and after a return). */
  holder: Generated<string | null>;
  /** The name of the user who queued the command (migration 010; null for older rows and the server's own). */
  created_by: Generated<string | null>;
}

/** The machines table. */
export interface MachinesTable {
  id: string;
  guid: string;
  name: string;
  group_id: string;
  org_id: string;
  public_key: string | null;
  key_fingerprint: string | null;
  hardware_id: string | null;
  host_name: string | null;
  temporary: number;
  suspended: number;
  remote_control_enabled: number;
  checkin_control: string;
  settings_revision: number;
  applied_revision: number;
  created_at: number;
  first_checkin_at: number | null;
  last_seen_at: number | null;
  connected: number;
  /** The server node (one run of it) holding `connected` (migration 014): only its ends clear it. */
  connected_by: string | null;
  /** The agent's attempt of the session holding `connected` (migration 019, ConnectionUpdate.attemptAt). */
  connected_attempt_at: number | null;
  remote_address: string | null;
  logged_on_user: string | null;
  user_idle_seconds: number;
  local_addresses: string;
  agent_version: string | null;
  audit: string | null;
  audited_at: number | null;
  /** The check-in status as stored state gives it, MACHINE_STATUSES order (migration 012, generated). */
  status_key: GeneratedAlways<number>;
  /** The last check-in while not connected, the largest number while connected (migration 012, generated). */
  seen_key: GeneratedAlways<number>;
  /** The logged-on user in lower case while connected, else '' (migration 012, generated). */
  user_key: GeneratedAlways<string>;
  /** The agent version, '' before the first check-in (migration 012, generated). */
  version_key: GeneratedAlways<string>;
  /** "platform release" of the latest audit, '' before it (migration 012). */
  os: Generated<string>;
  /** The check-in control settings the agent last confirmed, JSON (migration 012). */
  applied_checkin_control: Generated<string | null>;
}

/** A stored file: an administrator's upload or a get-file result (migration 005). */
export interface FilesTable {
  id: string;
  name: string;
  status: string;
  received: number;
  size: number | null;
  sha256: string | null;
  machine_id: string | null;
  command_id: string | null;
  created_at: number;
  completed_at: number | null;
  /** The group the file belongs to, for scopes (migration 011; null for older uploads). */
  group_id: string | null;
}
