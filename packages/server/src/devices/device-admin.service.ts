import { filterContains, type ScopeFilter } from '../access/scope';
import { invalidInput, notFound } from '../domain/errors';
import { parseMachineFilter } from '../domain/machine-filter';
import { parseGroupId } from '../domain/machine-names';
import type { DeviceGroupSettings, DeviceRecord } from '../store/device-record';
import type { DeviceStore, GroupRegistry } from '../store/interfaces';
import { effectiveDeviceSettings } from './device-settings';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** What administrators see and change of devices. */
export class DeviceAdminService {
  constructor(
    private readonly store: DeviceStore,
    private readonly groups: GroupRegistry,
    private readonly overdueMarginMs: number,
    private readonly clock: () => number,
  ) {}

  /** Devices in scope (a device is scoped like a machine of its group), by filter. */
  async list(filter: string | undefined, scope: ScopeFilter) {
    const patterns = filter ? parseMachineFilter(filter).likePatterns : null;
    const devices = await this.store.listDevices(patterns, scope);
    return Promise.all(devices.map((d) => this.view(d)));
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

  /** The API view: facts, settings in force, last and next expected check-in, overdue. */
  async view(d: DeviceRecord) {
    const settings = await effectiveDeviceSettings(this.store, d);
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
