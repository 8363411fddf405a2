import { api, ok } from '../../api/client';
import type { Page } from '../../components/paging';
import type { DeviceView } from './device-types';

/** Rows per page of the device list. */
export const DEVICES_PAGE_SIZE = 50;

/** The columns the server sorts the device list by. */
export type DeviceSortColumn = 'id' | 'group' | 'platform' | 'lastCheckin' | 'enrolled';

/** A sort of the device list. */
export interface DeviceSort {
  column: DeviceSortColumn;
  descending: boolean;
}

/** What one page of the device list is asked for with. */
export interface DevicePageQuery {
  /** The Machine ID / Group ID filter ('' for none). */
  filter: string;
  /** Text the id, name or model contains ('' for none). */
  search: string;
  sort: DeviceSort;
  after: string | null;
}

/** One page of devices, filtered, searched, sorted and paged by the server, with the total. */
export async function loadDevicePage(query: DevicePageQuery): Promise<Page<DeviceView>> {
  return ok(
    api.GET('/api/v1/devices', {
      params: {
        query: {
          limit: DEVICES_PAGE_SIZE,
          sort: query.sort.column,
          order: query.sort.descending ? 'desc' : 'asc',
          ...(query.filter ? { filter: query.filter } : {}),
          ...(query.search ? { search: query.search } : {}),
          ...(query.after ? { after: query.after } : {}),
        },
      },
    }),
  );
}
