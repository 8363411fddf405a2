import { filterContains, type ScopeFilter } from '../access/scope';
import { invalidInput, notFound } from '../domain/errors';
import { parseMachineFilter } from '../domain/machine-filter';
import { groupAncestry, parseGroupId } from '../domain/machine-names';
import { decodeCursor, encodeCursor } from '../services/list-cursor';
import type { DeviceGroupSettings, DeviceRecord } from '../store/device-record';
import type { DeviceStore, GroupRegistry } from '../store/interfaces';
import { DEVICE_SORT_KEYS, type DeviceSort, type KeysetPosition, type SortOrder } from '../store/list-record';
import { effectiveDeviceSettings } from './device-settings';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** What a caller asks of the device list (see http/list-query.ts). */
export interface DeviceListRequest {
  filter?: string | undefined;
  search?: string | undefined;
  sort?: DeviceSort | undefined;
  order?: SortOrder | undefined;
  after?: string | undefined;
  limit?: number | undefined;
}

/** A device list's cursor: the last id for the list by id ascending (ids hold a dot), else encoded. */
function deviceCursor(after: string, sort: DeviceSort, order: SortOrder): KeysetPosition {
  if (after.includes('.')) {
    if (sort === 'id' && order === 'asc') return { key: after.toLowerCase(), id: after.toLowerCase() };
    throw invalidInput(
      `"after" is a device id, which continues only the list by id ascending; with sort=${sort}&order=${order} pass the "next" of the page before`,
    );
  }
  return decodeCursor<string>(after, sort, order, DEVICE_SORT_KEYS[sort], 'string');
}

/** What administrators see and change of devices. */
export class DeviceAdminService {
  constructor(
    private readonly store: DeviceStore,
    private readonly groups: GroupRegistry,
    private readonly overdueMarginMs: number,
    private readonly clock: () => number,
  ) {}

  /**
   * One page of the devices in scope (a device is scoped like a machine of its group):
   * filtered, searched, sorted, from the cursor `after`, at most `limit` (all without), with
   * the cursor of the next page (null after the last) and the count of the whole list.
   */
  async listPage(request: DeviceListRequest, scope: ScopeFilter) {
    const sort = request.sort ?? 'id';
    const order = request.order ?? 'asc';
    const after = request.after === undefined ? undefined : deviceCursor(request.after, sort, order);
    const { rows, total } = await this.store.listDevicePage(
      {
        likePatterns: request.filter ? parseMachineFilter(request.filter).likePatterns : null,
        ...(request.search === undefined ? {} : { search: request.search }),
        sort,
        order,
        ...(after === undefined ? {} : { after }),
        ...(request.limit === undefined ? {} : { limit: request.limit }),
      },
      scope,
    );
    // The group settings of the whole page in one query, not one per device.
    const groups = await this.store.deviceGroupSettings([
      ...new Set(rows.flatMap((r) => groupAncestry(r.device.groupId))),
    ]);
    const settings = { deviceGroupSettings: async () => groups };
    const last = rows.at(-1);
    const full = request.limit !== undefined && rows.length === request.limit && last !== undefined;
    return {
      items: await Promise.all(rows.map((r) => this.view(r.device, settings))),
      next: !full
        ? null
        : sort === 'id' && order === 'asc'
          ? last.device.id
          : encodeCursor(sort, order, { key: last.key, id: last.device.id }),
      total,
    };
  }

  /** A device in scope; out of scope it is unknown (404). */
  async show(id: string, scope: ScopeFilter) {
    return this.view(await this.get(id, scope));
  }

  private async get(id: string, scope: ScopeFilter): Promise<DeviceRecord> {
    const device = await this.store.findDevice(id.toLowerCase(), scope);
    if (!device) throw notFound(`no device "${id}"`);
    return device;
  }

  /**
   * The API view: facts, settings in force, last and next expected check-in, overdue. The
   * group settings are read from `groups` (the store, or what a list read for its page).
   */
  async view(d: DeviceRecord, groups: Pick<DeviceStore, 'deviceGroupSettings'> = this.store) {
    const settings = await effectiveDeviceSettings(groups, d);
    const expected = (d.lastCheckinAt ?? d.enrolledAt) + settings.checkinIntervalMinutes * 60_000;
    return {
      id: d.id,
      guid: d.guid,
      name: d.name,
      group: d.groupId,
      platform: d.platform,
      model: d.model,
      osVersion: d.osVersion,
      batteryPercent: d.batteryPercent,
      enrolledAt: iso(d.enrolledAt),
      lastCheckinAt: iso(d.lastCheckinAt),
      nextCheckinExpectedAt: iso(expected),
      overdue: this.clock() > expected + this.overdueMarginMs,
      tracking: settings.tracking,
      checkinIntervalMinutes: settings.checkinIntervalMinutes,
      ownSettings: { checkinIntervalMinutes: d.checkinIntervalMinutes, tracking: d.tracking },
      pushChannel: d.pushChannel ? { kind: d.pushChannel.kind } : null,
    };
  }

  async setSettings(id: string, change: Partial<DeviceGroupSettings>, scope: ScopeFilter) {
    const device = await this.get(id, scope);
    const next = {
      checkinIntervalMinutes:
        change.checkinIntervalMinutes === undefined
          ? device.checkinIntervalMinutes
          : change.checkinIntervalMinutes,
      tracking: change.tracking === undefined ? device.tracking : change.tracking,
    };
    await this.store.setDeviceSettings(device.id, next);
    return this.show(device.id, scope);
  }

  async setGroupSettings(groupText: string, settings: DeviceGroupSettings, scope: ScopeFilter) {
    const group = parseGroupId(groupText);
    if (!filterContains(scope, group, null) || !(await this.groups.groupExists(group)))
      throw notFound(`no machine group "${group}"`);
    await this.store.setDeviceGroupSettings(group, settings);
    return { group, ...settings };
  }

  async locations(id: string, from: string | undefined, to: string | undefined, scope: ScopeFilter) {
    const device = await this.get(id, scope);
    const start = from ? Date.parse(from) : 0;
    const end = to ? Date.parse(to) : this.clock() + 86400_000;
    if (start > end) throw invalidInput('"from" is after "to"');
    const points = await this.store.locations(device.id, start, end, 10_000);
    return {
      items: points.map((p) => ({ lat: p.lat, lon: p.lon, accuracyMeters: p.accuracyMeters, at: iso(p.at) })),
    };
  }
}
