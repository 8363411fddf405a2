import type { Selectable } from 'kysely';
import type { MachineRecord } from '../machine-record';
import type { MachinesTable } from './schema';

/** Maps a machines row to the record the services use. */
export function machineFromRow(row: Selectable<MachinesTable>): MachineRecord {
  return {
    id: row.id,
    guid: row.guid,
    name: row.name,
    groupId: row.group_id,
    orgId: row.org_id,
    publicKey: row.public_key,
    keyFingerprint: row.key_fingerprint,
    hardwareId: row.hardware_id,
    hostName: row.host_name,
    temporary: row.temporary === 1,
    suspended: row.suspended === 1,
    remoteControlEnabled: row.remote_control_enabled === 1,
    checkinControl: JSON.parse(row.checkin_control),
    settingsRevision: row.settings_revision,
    appliedRevision: row.applied_revision,
    appliedCheckinControl:
      row.applied_checkin_control === null ? null : JSON.parse(row.applied_checkin_control),
    createdAt: row.created_at,
    firstCheckinAt: row.first_checkin_at,
    lastSeenAt: row.last_seen_at,
    connected: row.connected === 1,
    remoteAddress: row.remote_address,
    loggedOnUser: row.logged_on_user,
    userIdleSeconds: row.user_idle_seconds,
    localAddresses: JSON.parse(row.local_addresses),
    agentVersion: row.agent_version,
    audit: row.audit === null ? null : JSON.parse(row.audit),
    auditedAt: row.audited_at,
  };
}
