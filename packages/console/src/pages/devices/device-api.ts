import { api, ok } from '../../api/client';
import type { CommandView, DeviceView, LocationPoint, WakeView } from './device-types';

export type { CommandView, DeviceView, LocationPoint, WakeView };

/** The command types a device runs (packages/protocol DEVICE_COMMAND_TYPES). */
export const DEVICE_COMMAND_TYPES = ['locate', 'lock', 'ring', 'message', 'sync', 'wipe'] as const;

/** GET /devices/{id}. */
export function getDevice(id: string): Promise<DeviceView> {
  return ok(api.GET('/api/v1/devices/{id}', { params: { path: { id } } }));
}

/** The newest commands of one device, pending and past (newest first). */
export async function deviceCommands(id: string): Promise<CommandView[]> {
  return (await ok(api.GET('/api/v1/commands', { params: { query: { target: id, limit: 100 } } }))).items;
}

/** One command with every status change and its time. */
export function commandDetail(id: string): Promise<CommandView> {
  return ok(api.GET('/api/v1/commands/{id}', { params: { path: { id } } }));
}

/** GET /devices/{id}/wakes: every Request Checkin and what came of it, newest first. */
export async function deviceWakes(id: string): Promise<WakeView[]> {
  return (await ok(api.GET('/api/v1/devices/{id}/wakes', { params: { path: { id } } }))).items;
}

/** POST /devices/{id}/request-checkin: sends a wake-up through the device's push channel. */
export function requestCheckin(id: string): Promise<WakeView> {
  return ok(api.POST('/api/v1/devices/{id}/request-checkin', { params: { path: { id } } }));
}

/** Locations stored since `from` (ISO), newest last as the server keeps them. */
export async function deviceLocations(id: string, from: string): Promise<LocationPoint[]> {
  return (await ok(api.GET('/api/v1/devices/{id}/locations', { params: { path: { id }, query: { from } } })))
    .items;
}

/** PUT /devices/{id}/settings; null inherits the group's setting. */
export function saveDeviceSettings(
  id: string,
  settings: { checkinIntervalMinutes: number | null; tracking: boolean | null },
): Promise<DeviceView> {
  return ok(api.PUT('/api/v1/devices/{id}/settings', { params: { path: { id } }, body: settings }));
}

/** POST /commands for one device. */
export async function queueDeviceCommand(
  id: string,
  type: string,
  params: Record<string, unknown>,
): Promise<string | null> {
  const created = await ok(
    api.POST('/api/v1/commands', { body: { targets: { devices: [id] }, type, params } }),
  );
  return created.items[0]?.id ?? null;
}
