import type { DeviceView } from './device-types';

/** Rows per page of the device list. */
export const DEVICES_PAGE_SIZE = 50;

/** The columns the device list sorts by. */
export const DEVICE_SORT_COLUMNS = ['id', 'platform', 'lastCheckinAt', 'batteryPercent'] as const;

/** A sort of the device list. */
export interface DeviceSort {
  column: (typeof DEVICE_SORT_COLUMNS)[number];
  descending: boolean;
}

/** What one page of the device list is asked for with. */
export interface DevicePageQuery {
  filter: string;
  sort: DeviceSort;
  after: string | null;
}

const compareBy = (column: DeviceSort['column']) => (a: DeviceView, b: DeviceView) => {
  const x = a[column];
  const y = b[column];
  // Nothing known (never checked in, no battery figure) sorts first, as the smallest.
  if (x === y) return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  if (x === null) return -1;
  if (y === null) return 1;
  return x < y ? -1 : 1;
};

/** One page cut from the whole list, with the offset as its cursor: what the pager needs. */
export interface CutPage {
  items: DeviceView[];
  next: string | null;
  total: number;
}

/**
 * A page of the whole device list, sorted: `after` is the offset where it starts (the `next`
 * of the page before). Until GET /devices pages on the server, the page is cut here.
 */
export function cutDevicePage(all: readonly DeviceView[], sort: DeviceSort, after: string | null): CutPage {
  const sorted = [...all].sort(compareBy(sort.column));
  if (sort.descending) sorted.reverse();
  const offset = after === null ? 0 : Number(after);
  const end = offset + DEVICES_PAGE_SIZE;
  return {
    items: sorted.slice(offset, end),
    next: end < sorted.length ? String(end) : null,
    total: sorted.length,
  };
}
