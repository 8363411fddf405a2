import type { Kysely } from 'kysely';
import { EVERYTHING } from '../../access/scope';
import type { DeviceGroupSettings, DeviceRecord, WakeRecord } from '../device-record';
import type { DeviceStore } from '../interfaces';
import { deviceIdChunks, idIn } from './device-ids.sql';
import { listDevicePage } from './device-listing.sql';
import { deviceFromRow } from './device-rows';
import type { Dialect } from './dialect';
import { idMatchesAny } from './id-pattern.sql';
import type { Database } from './schema';
import { inEveryScope, inScope } from './scope.sql';

const bool = (v: number | null) => (v === null ? null : v === 1);
const int = (v: boolean | null) => (v === null ? null : v ? 1 : 0);

/** Devices in SQL. */
export function sqlDeviceStore(db: Kysely<Database>, dialect: Dialect): DeviceStore {
  return {
    async createEnrollmentToken(t) {
      await db
        .insertInto('device_enrollment_tokens')
        .values({
          id: t.id,
          token_hash: t.tokenHash,
          group_id: t.groupId,
          platform: t.platform,
          expires_at: t.expiresAt,
          created_at: t.createdAt,
        })
        .execute();
    },

    async enrollDevice(e) {
      return db.transaction().execute(async (trx) => {
        const token = await trx
          .selectFrom('device_enrollment_tokens')
          .selectAll()
          .where('token_hash', '=', e.tokenHash)
          .executeTakeFirst();
        if (!token) return { kind: 'token-invalid', reason: 'unknown' } as const;
        if (token.expires_at !== null && token.expires_at <= e.now)
          return { kind: 'token-invalid', reason: 'expired' } as const;
        if (token.platform !== e.platform)
          return { kind: 'token-invalid', reason: 'wrong-platform' } as const;
        const group = token.group_id;
        // Two devices with one name are two devices: the second is numbered.
        for (let n = 1; n < 1000; n++) {
          const name = n === 1 ? e.name : `${e.name}-${n}`.slice(-63);
          const row = await trx
            .insertInto('devices')
            .values({
              id: `${name}.${group}`,
              guid: e.guid,
              name,
              group_id: group,
              org_id: group.slice(group.lastIndexOf('.') + 1),
              platform: e.platform,
              public_key: e.publicKey,
              model: e.model,
              os_version: e.osVersion,
              battery_percent: e.batteryPercent,
              push_channel: e.pushChannel === null ? null : JSON.stringify(e.pushChannel),
              checkin_interval_minutes: null,
              tracking: null,
              enrolled_at: e.now,
            })
            .onConflict((c) => c.column('id').doNothing())
            .returningAll()
            .executeTakeFirst();
          if (row) return { kind: 'enrolled', device: deviceFromRow(row) } as const;
        }
        throw new Error(`no free device name for ${e.name} in ${group}`);
      });
    },

    async findDevice(id, scope = EVERYTHING) {
      const row = await db
        .selectFrom('devices')
        .selectAll()
        .where('id', '=', id)
        .where(inScope(scope, 'group_id', 'id'))
        .executeTakeFirst();
      return row ? deviceFromRow(row) : null;
    },

    async listDevices(likePatterns, scope = EVERYTHING) {
      let q = db
        .selectFrom('devices')
        .selectAll()
        .where(inScope(scope, 'group_id', 'id'))
        .orderBy('id');
      if (likePatterns !== null) q = q.where(idMatchesAny('id', likePatterns));
      return (await q.execute()).map(deviceFromRow);
    },

    listDevicePage: (query, scope) => listDevicePage(db, query, scope),

    async pushableDevices(ids, platform) {
      const out: DeviceRecord[] = [];
      for (const chunk of deviceIdChunks(ids, dialect)) {
        const rows = await db
          .selectFrom('devices')
          .selectAll()
          .where(idIn('id', chunk, dialect))
          .where('platform', '=', platform)
          .where('push_channel', 'is not', null)
          .execute();
        for (const row of rows) out.push(deviceFromRow(row));
      }
      return out;
    },

    async deviceGroups(ids, scope = EVERYTHING) {
      const out = new Map<string, string>();
      for (const chunk of deviceIdChunks(ids, dialect)) {
        const rows = await db
          .selectFrom('devices')
          .select(['id', 'group_id'])
          .where(idIn('id', chunk, dialect))
          .where(inEveryScope(scope, 'group_id', 'id'))
          .execute();
        for (const r of rows) out.set(r.id, r.group_id);
      }
      return out;
    },

    async recordDeviceCheckin(id, now, info) {
      await db
        .updateTable('devices')
        .set({
          last_checkin_at: now,
          ...(info.model !== undefined ? { model: info.model } : {}),
          ...(info.osVersion !== undefined ? { os_version: info.osVersion } : {}),
          ...(info.batteryPercent !== undefined ? { battery_percent: info.batteryPercent } : {}),
          ...(info.pushChannel !== undefined ? { push_channel: JSON.stringify(info.pushChannel) } : {}),
        })
        .where('id', '=', id)
        .execute();
    },

    async setDeviceSettings(id, s) {
      const result = await db
        .updateTable('devices')
        .set({ checkin_interval_minutes: s.checkinIntervalMinutes, tracking: int(s.tracking) })
        .where('id', '=', id)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },

    async setDeviceGroupSettings(groupId, s) {
      const values = { checkin_interval_minutes: s.checkinIntervalMinutes, tracking: int(s.tracking) };
      await db
        .insertInto('device_group_settings')
        .values({ group_id: groupId, ...values })
        .onConflict((c) => c.column('group_id').doUpdateSet(values))
        .execute();
    },

    async deviceGroupSettings(groupIds) {
      const out = new Map<string, DeviceGroupSettings>();
      if (groupIds.length === 0) return out;
      const rows = await db
        .selectFrom('device_group_settings')
        .selectAll()
        .where('group_id', 'in', groupIds)
        .execute();
      for (const r of rows)
        out.set(r.group_id, {
          checkinIntervalMinutes: r.checkin_interval_minutes,
          tracking: bool(r.tracking),
        });
      return out;
    },

    async addLocations(deviceId, points, receivedAt) {
      for (let i = 0; i < points.length; i += 500) {
        const chunk = points.slice(i, i + 500).map((p) => ({
          device_id: deviceId,
          at: p.at,
          lat: p.lat,
          lon: p.lon,
          accuracy_meters: p.accuracyMeters,
          received_at: receivedAt,
        }));
        if (chunk.length > 0) await db.insertInto('device_locations').values(chunk).execute();
      }
    },

    async locations(deviceId, from, to, limit) {
      const rows = await db
        .selectFrom('device_locations')
        .select(['at', 'lat', 'lon', 'accuracy_meters'])
        .where('device_id', '=', deviceId)
        .where('at', '>=', from)
        .where('at', '<', to)
        .orderBy('at')
        .limit(limit)
        .execute();
      return rows.map((r) => ({ at: r.at, lat: r.lat, lon: r.lon, accuracyMeters: r.accuracy_meters }));
    },

    async deleteLocationsReceivedBefore(cutoff, limit) {
      const ids = (
        await db
          .selectFrom('device_locations')
          .select('id')
          .where('received_at', '<', cutoff)
          .limit(limit)
          .execute()
      ).map((r) => Number(r.id));
      if (ids.length === 0) return 0;
      await db.deleteFrom('device_locations').where('id', 'in', ids).execute();
      return ids.length;
    },

    async useNonce(deviceId, nonce, expiresAt) {
      const result = await db
        .insertInto('device_nonces')
        .values({ device_id: deviceId, nonce, expires_at: expiresAt })
        .onConflict((c) => c.columns(['device_id', 'nonce']).doNothing())
        .executeTakeFirst();
      return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
    },

    async deleteExpiredNonces(now) {
      await db.deleteFrom('device_nonces').where('expires_at', '<', now).execute();
    },

    async addWake(w) {
      await db
        .insertInto('device_wakes')
        .values({
          id: w.id,
          device_id: w.deviceId,
          channel: w.channel,
          status: w.status,
          reason: w.reason,
          attempts: w.attempts,
          requested_at: w.requestedAt,
          sent_at: w.sentAt,
          checkin_at: w.checkinAt,
        })
        .execute();
    },

    async updateWake(id, change) {
      await db
        .updateTable('device_wakes')
        .set({
          ...(change.status !== undefined ? { status: change.status } : {}),
          ...(change.reason !== undefined ? { reason: change.reason } : {}),
          ...(change.attempts !== undefined ? { attempts: change.attempts } : {}),
          ...(change.sentAt !== undefined ? { sent_at: change.sentAt } : {}),
        })
        .where('id', '=', id)
        .execute();
    },

    async markWakesAnswered(deviceId, at) {
      await db
        .updateTable('device_wakes')
        .set({ checkin_at: at })
        .where('device_id', '=', deviceId)
        .where('status', '=', 'sent')
        .where('checkin_at', 'is', null)
        .execute();
    },

    async wakes(deviceId, limit) {
      const rows = await db
        .selectFrom('device_wakes')
        .selectAll()
        .where('device_id', '=', deviceId)
        .orderBy('requested_at', 'desc')
        .limit(limit)
        .execute();
      return rows.map(
        (r): WakeRecord => ({
          id: r.id,
          deviceId: r.device_id,
          channel: r.channel,
          status: r.status as WakeRecord['status'],
          reason: r.reason,
          attempts: r.attempts,
          requestedAt: r.requested_at,
          sentAt: r.sent_at,
          checkinAt: r.checkin_at,
        }),
      );
    },
  };
}
