import { api, ok } from '../../api/client';
import type { Page } from '../../components/paging';
import { cutDevicePage, type DevicePageQuery } from './device-list';
import type { CommandView, DeviceView, LocationPoint, WakeView } from './device-types';

export type { CommandView, DeviceView, LocationPoint, WakeView };

/** The command types a device runs (packages/protocol DEVICE_COMMAND_TYPES). */
export const DEVICE_COMMAND_TYPES = ['locate', 'lock', 'ring', 'message', 'sync', 'wipe'] as const;

/** An answer whose route has no response schema yet, read as the shape the route builds. */
async function answer<T>(pending: Promise<{ data?: unknown; error?: unknown; response: Response }>) {
  return (await ok(pending)) as unknown as T;
}

/** One list page of devices, as the server answers it (paging fields when it pages). */
export interface DeviceListAnswer {
  items: DeviceView[];
  next?: string | null;
  total?: number;
}

/** GET /devices with a Machine.Group ID filter. */
export function listDevices(filter: string): Promise<DeviceListAnswer> {
  return answer(api.GET('/api/v1/devices', { params: { query: filter ? { filter } : {} } }));
}

/** GET /devices/{id}. */
export function getDevice(id: string): Promise<DeviceView> {
  return answer(api.GET('/api/v1/devices/{id}', { params: { path: { id } } }));
}

/** The newest commands of one device, pending and past (newest first). */
export async function deviceCommands(id: string): Promise<CommandView[]> {
  const page = await answer<{ items: CommandView[] }>(
    api.GET('/api/v1/commands', { params: { query: { target: id, limit: 100 } } }),
  );
  return page.items;
}

/** One command with every status change and its time. */
export function commandDetail(id: string): Promise<CommandView> {
  return answer(api.GET('/api/v1/commands/{id}', { params: { path: { id } } }));
}

/** GET /devices/{id}/wakes: every Request Checkin and what came of it, newest first. */
export async function deviceWakes(id: string): Promise<WakeView[]> {
  return (
    await answer<{ items: WakeView[] }>(api.GET('/api/v1/devices/{id}/wakes', { params: { path: { id } } }))
  ).items;
}

/** POST /devices/{id}/request-checkin: sends a wake-up through the device's push channel. */
export function requestCheckin(id: string): Promise<WakeView> {
  return answer(api.POST('/api/v1/devices/{id}/request-checkin', { params: { path: { id } } }));
}

/** Locations stored since `from` (ISO), newest last as the server keeps them. */
export async function deviceLocations(id: string, from: string): Promise<LocationPoint[]> {
  return (
    await answer<{ items: LocationPoint[] }>(
      api.GET('/api/v1/devices/{id}/locations', { params: { path: { id }, query: { from } } }),
    )
  ).items;
}

/** PUT /devices/{id}/settings; null inherits the group's setting. */
export function saveDeviceSettings(
  id: string,
  settings: { checkinIntervalMinutes: number | null; tracking: boolean | null },
): Promise<DeviceView> {
  return answer(api.PUT('/api/v1/devices/{id}/settings', { params: { path: { id } }, body: settings }));
}

/** POST /commands for one device. */
export async function queueDeviceCommand(
  id: string,
  type: string,
  params: Record<string, unknown>,
): Promise<string | null> {
  const created = await answer<{ items: Array<{ id: string }> }>(
    api.POST('/api/v1/commands', { body: { targets: { devices: [id] }, type, params } }),
  );
  return created.items[0]?.id ?? null;
}

/**
 * One page of devices. GET /devices answers every device of the filter at once today; a page
 * is then cut here (see cutDevicePage). When the server answers with its own `next` (server
 * paging), that page is used as it is.
 */
export async function loadDevicePage(query: DevicePageQuery): Promise<Page<DeviceView>> {
  const answer = await listDevices(query.filter);
  if (answer.next !== undefined) {
    return {
      items: answer.items,
      next: answer.next,
      ...(answer.total === undefined ? {} : { total: answer.total }),
    };
  }
  return cutDevicePage(answer.items, query.sort, query.after);
}
