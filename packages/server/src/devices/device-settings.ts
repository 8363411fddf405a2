import { DEFAULT_DEVICE_CHECKIN_MINUTES } from '@muster/protocol';
import { groupAncestry } from '../domain/machine-names';
import type { DeviceGroupSettings, DeviceRecord } from '../store/device-record';
import type { DeviceStore } from '../store/interfaces';

/** The settings a device actually uses. */
export interface EffectiveDeviceSettings {
  checkinIntervalMinutes: number;
  tracking: boolean;
}

/**
 * Resolves a device's settings: its own value, else the nearest group that sets one, else the
 * default (720 minutes, tracking on), each setting on its own.
 */
export async function effectiveDeviceSettings(
  store: Pick<DeviceStore, 'deviceGroupSettings'>,
  device: DeviceRecord,
): Promise<EffectiveDeviceSettings> {
  const chain = groupAncestry(device.groupId);
  const groups = await store.deviceGroupSettings(chain);
  const pick = <K extends keyof DeviceGroupSettings>(key: K) => {
    for (const g of chain) {
      const value = groups.get(g)?.[key];
      if (value !== null && value !== undefined) return value;
    }
    return null;
  };
  return {
    checkinIntervalMinutes:
      device.checkinIntervalMinutes ?? pick('checkinIntervalMinutes') ?? DEFAULT_DEVICE_CHECKIN_MINUTES,
    tracking: device.tracking ?? pick('tracking') ?? true,
  };
}
