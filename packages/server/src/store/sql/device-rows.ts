import type { DevicePlatform } from '@muster/protocol';
import type { Selectable } from 'kysely';
import type { DeviceRecord } from '../device-record';
import type { DevicesTable } from './schema';

const bool = (v: number | null) => (v === null ? null : v === 1);

/** Maps a devices row to the record the services use. */
export function deviceFromRow(r: Selectable<DevicesTable>): DeviceRecord {
  return {
    id: r.id,
    guid: r.guid,
    name: r.name,
    groupId: r.group_id,
    orgId: r.org_id,
    platform: r.platform as DevicePlatform,
    publicKey: r.public_key,
    model: r.model,
    osVersion: r.os_version,
    batteryPercent: r.battery_percent,
    pushChannel: r.push_channel === null ? null : JSON.parse(r.push_channel),
    checkinIntervalMinutes: r.checkin_interval_minutes,
    tracking: bool(r.tracking),
    enrolledAt: r.enrolled_at,
    lastCheckinAt: r.last_checkin_at,
  };
}
