import { api, ok } from '../api/client';
import { useLiveEvents } from '../live/events';
import type { PagedList } from './paging';

/** A server address of check-in control. */
export interface ServerAddress {
  host: string;
  port: number;
}

/** The check-in control settings of a machine (the manual's Check-In Control columns). */
export interface CheckinControlSettings {
  /** Null while the account waits for its first agent (a fixed-name install token). */
  primary: ServerAddress | null;
  secondary: ServerAddress | null;
  periodSeconds: number;
  bindToServer: boolean;
  bandwidthKBps: number;
}

/**
 * A machine as GET /api/v1/machines lists it: the fields the machine pages show. Written out
 * here because the list's answer has no schema in the OpenAPI document yet; when it has one,
 * this becomes the generated type.
 */
export interface MachineItem {
  id: string;
  name: string;
  group: string;
  organization: string;
  status: string;
  online: boolean;
  temporary: boolean;
  bound: boolean;
  suspended: boolean;
  remoteControlEnabled: boolean;
  loggedOnUser: string | null;
  userIdleSeconds: number;
  lastCheckinAt: string | null;
  firstCheckinAt: string | null;
  checkinControl: CheckinControlSettings;
  /** Whether the agent has confirmed the stored check-in control settings. */
  settingsApplied: boolean;
  connectedFrom: string | null;
  agentVersion: string | null;
  audit: { os: string; hostName: string } | null;
}

/** A page of machines as the API answers it. */
export interface MachinePage {
  items: MachineItem[];
  next: string | null;
  total?: number;
}

/** The row fields a `machine` event carries (the same names as the list's items). */
type MachineRowFields = Partial<Omit<MachineItem, 'id' | 'checkinControl' | 'audit'>>;

/** A live event as it arrives: checked field by field before it touches a row. */
type MachineEventShape = Readonly<Record<string, unknown>>;

/**
 * Applies one live event to the rows shown: a `machine` event merges its row fields (status,
 * online, logged-on user, settings applied…) into the machine's row, a `checkin` event moves
 * its last check-in. Rows of other machines are left as they are; a deleted machine keeps its
 * row, shown as deleted, until the list is loaded again (a row vanishing under the cursor
 * would make the next click land on another machine).
 */
export function applyLiveEvent(items: MachineItem[], type: string, event: MachineEventShape): MachineItem[] {
  const id = typeof event.machineId === 'string' ? event.machineId : null;
  if (id === null || !items.some((m) => m.id === id)) return items;
  return items.map((m) => {
    if (m.id !== id) return m;
    if (type === 'checkin') {
      return typeof event.at === 'string' ? { ...m, lastCheckinAt: event.at } : m;
    }
    if (event.machine && typeof event.machine === 'object') {
      return { ...m, ...(event.machine as MachineRowFields) };
    }
    return typeof event.status === 'string' ? { ...m, status: event.status, online: false } : m;
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

/** What a machine list asks the server for: the filter in force and where the page starts. */
export interface MachineListQuery {
  /** The Machine ID / Group ID filter (normalized), '' for none. */
  filter: string;
  limit: number;
  after: string | null;
}

/** One page of machines, filtered and paged by the server. */
export async function fetchMachinePage(query: MachineListQuery): Promise<MachinePage> {
  const answer = await ok(
    api.GET('/api/v1/machines', {
      params: {
        query: {
          limit: query.limit,
          ...(query.filter === '' ? {} : { filter: query.filter }),
          ...(query.after === null ? {} : { after: query.after }),
        },
      },
    }),
  );
  return answer as unknown as MachinePage;
}
