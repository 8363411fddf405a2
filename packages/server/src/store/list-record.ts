import type { DeviceRecord } from './device-record';
import type { MachineRecord } from './machine-record';

/** The direction of a sorted list. */
export type SortOrder = 'asc' | 'desc';

/**
 * A sort key as the store compares it: text or a number, never null ("none" is stored as ''
 * or 0, so it sorts first in ascending order on every backend).
 */
export type SortKey = string | number;

/**
 * Where a page starts in a sorted list: just past the row with this sort key and this id
 * (the tiebreak that makes the order total). Keyset paging: a page deep in the list is one
 * index range, as cheap as the first.
 */
export interface KeysetPosition<Id extends string | number = string> {
  key: SortKey;
  id: Id;
}

/** What a sort key is: text, or a number (times, ranks). */
export type SortKeyKind = 'text' | 'number';

/**
 * The orders of the machine list, each with the kind of its key. Every order ends with the id,
 * so it is total and stable.
 * - status: the check-in status in MACHINE_STATUSES order, as the stored state gives it
 *   (see migration 012: an agent whose server node died still sorts as connected until its
 *   stale flag is cleared, though it is shown offline).
 * - lastCheckin: machines not connected by their last check-in, those never checked in first;
 *   connected machines, which check in every period, count as checking in now (after all the
 *   others ascending, first descending), among themselves by id.
 * - loggedOnUser: the user while connected, case-insensitively; machines without one first.
 * - agentVersion, os: machines without one first.
 */
export const MACHINE_SORT_KEYS = {
  id: 'text',
  group: 'text',
  status: 'number',
  lastCheckin: 'number',
  loggedOnUser: 'text',
  agentVersion: 'text',
  os: 'text',
} as const satisfies Record<string, SortKeyKind>;

/** One order of the machine list. */
export type MachineSort = keyof typeof MACHINE_SORT_KEYS;

/** A query of the machine list: which machines (within the caller's scope), in which order, from where, how many. */
export interface MachineListQuery {
  /** LIKE patterns of a Machine.Group ID filter (an id matching any is in), or null for all. */
  likePatterns: readonly string[] | null;
  /** Text found in the id or in the logged-on user (while connected), case-insensitively and literally. */
  search?: string;
  /** Only machines with one of these stored statuses (indexes into MACHINE_STATUSES). */
  statusKeys?: readonly number[];
  sort: MachineSort;
  order: SortOrder;
  /** Start after this position (exclusive); omitted: from the start. */
  after?: KeysetPosition;
  /** At most this many rows; omitted: all. */
  limit?: number;
}

/** One page of machines, each with its sort key, and how many machines the query holds in all. */
export interface MachineList {
  rows: Array<{ machine: MachineRecord; key: SortKey }>;
  /** Every machine the query matches (scope, filter, search, status), not only this page. */
  total: number;
}

/** The orders of the device list, each with the kind of its key (ending with the id). */
export const DEVICE_SORT_KEYS = {
  id: 'text',
  group: 'text',
  platform: 'text',
  lastCheckin: 'number',
  enrolled: 'number',
} as const satisfies Record<string, SortKeyKind>;

/** One order of the device list. */
export type DeviceSort = keyof typeof DEVICE_SORT_KEYS;

/** A query of the device list. */
export interface DeviceListQuery {
  likePatterns: readonly string[] | null;
  /** Text found in the id, name or model, case-insensitively and literally. */
  search?: string;
  sort: DeviceSort;
  order: SortOrder;
  after?: KeysetPosition;
  limit?: number;
}

/** One page of devices with their sort keys, and the total the query matches. */
export interface DeviceList {
  rows: Array<{ device: DeviceRecord; key: SortKey }>;
  total: number;
}

/**
 * The orders of the command list, each with the kind of its key; every order ends with the
 * queue's sequence number. created is the sequence itself (commands are numbered as they are
 * queued); status sorts by the status name.
 */
export const COMMAND_SORT_KEYS = {
  created: 'number',
  status: 'text',
  type: 'text',
  target: 'text',
} as const satisfies Record<string, SortKeyKind>;

/** One order of the command list. */
export type CommandSort = keyof typeof COMMAND_SORT_KEYS;
