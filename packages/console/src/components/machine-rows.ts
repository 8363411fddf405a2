import { api, ok } from '../api/client';
import type { components, operations } from '../api/schema';
import { useLiveEvents } from '../live/events';
import type { PagedList } from './paging';

/** A machine as GET /api/v1/machines lists it. */
export type MachineItem = components['schemas']['Machine'];

/** A page of machines as the API answers it: items, the next page's cursor, the total. */
export type MachinePage = components['schemas']['MachinePage'];

/** The orders the machine list can be sorted in, on the server. */
export type MachineSort = NonNullable<NonNullable<operations['listMachines']['parameters']['query']>['sort']>;

/** The row fields a `machine` event carries (the same names as the list's items). */
type MachineRowFields = Partial<
  Omit<MachineItem, 'id' | 'checkinControl' | 'appliedCheckinControl' | 'pendingSettings' | 'audit'>
>;

/** A live event as it arrives: checked field by field before it touches a row. */
type MachineEventShape = Readonly<Record<string, unknown>>;

/**
 * Applies one live event to the rows shown: a `machine` event merges its row fields (status,
 * online, logged-on user, settings confirmed…) into the machine's row, and takes the row away
 * once the machine is deleted; a `checkin` event moves its last check-in. Rows of other machines
 * are left as they are.
 */
export function applyLiveEvent(items: MachineItem[], type: string, event: MachineEventShape): MachineItem[] {
  const id = typeof event.machineId === 'string' ? event.machineId : null;
  if (id === null || !items.some((m) => m.id === id)) return items;
  if (type === 'machine' && event.machine === null) return items.filter((m) => m.id !== id);
  return items.map((m) => {
    if (m.id !== id) return m;
    if (type === 'checkin') {
      return typeof event.at === 'string' ? { ...m, lastCheckinAt: event.at } : m;
    }
    if (!event.machine || typeof event.machine !== 'object') return m;
    const row = event.machine as MachineRowFields;
    // The event says only whether the settings are confirmed; confirmed means all of them.
    const confirmed =
      row.settingsApplied === true ? { pendingSettings: [], appliedCheckinControl: m.checkinControl } : {};
    return { ...m, ...row, ...confirmed };
  });
}

/**
 * Keeps a shown page of machines live: `machine` events (status changes, settings confirmed by
 * the agent, suspensions) and `checkin` events patch the rows in place, without a request.
 */
export function useLiveMachineRows(list: PagedList<MachineItem>): void {
  useLiveEvents('machine', (event) => list.patch((items) => applyLiveEvent(items, 'machine', event)));
  useLiveEvents('checkin', (event) => list.patch((items) => applyLiveEvent(items, 'checkin', event)));
}

/** "1 machine", "3 machines". */
export function machineCount(n: number): string {
  return `${n.toLocaleString('en-US')} machine${n === 1 ? '' : 's'}`;
}

/** What a machine list asks the server for: the filter in force, search, order, where the page starts. */
export interface MachineListQuery {
  /** The Machine ID / Group ID filter (normalized), '' for none. */
  filter: string;
  /** Text in the machine id or the logged-on user, '' for none. */
  search?: string;
  sort?: { column: MachineSort; descending: boolean };
  limit: number;
  after: string | null;
}

/** One page of machines, filtered, searched, sorted and paged by the server. */
export function fetchMachinePage(query: MachineListQuery): Promise<MachinePage> {
  const search = query.search?.trim() ?? '';
  return ok(
    api.GET('/api/v1/machines', {
      params: {
        query: {
          limit: query.limit,
          ...(query.filter === '' ? {} : { filter: query.filter }),
          ...(search === '' ? {} : { search }),
          ...(query.sort
            ? { sort: query.sort.column, order: query.sort.descending ? ('desc' as const) : ('asc' as const) }
            : {}),
          ...(query.after === null ? {} : { after: query.after }),
        },
      },
    }),
  );
}
