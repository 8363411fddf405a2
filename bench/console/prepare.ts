import type { FleetSummary } from './fleet';
import { getJson, type ListApiShape, type ListPage, listApiShape, walkList } from './list-api';
import { type DeepCursor, deepCursor, machinesPageCalls, PAGE_SIZE, type PageCall } from './page-calls';
import type { Callers } from './people';

/** What is checked before anything is timed: each caller's list, walked once per order. */
export interface ListCheck {
  shape: ListApiShape;
  /** The default order (by id). */
  master: CallerListCheck;
  scoped: CallerListCheck;
  /** Newest check-in first, when the API sorts by it: a sort with many ties (never checked in). */
  sorted: { query: string; master: CallerListCheck; scoped: CallerListCheck } | null;
  /** Status of another organization's machine asked by the scoped caller (must be 404). */
  otherOrganizationStatus: number;
}

/** One caller's walk of its whole list in one order. */
export interface CallerListCheck {
  items: number;
  /** Distinct ids (equals items when no page repeated or skipped one). */
  distinct: number;
  organizations: Record<string, number>;
  total: number | null;
  /** Whether the items came in the order asked for (checked for the last check-in order). */
  inOrder: boolean;
  walkRequests: number;
  walkMs: number;
  deep: DeepCursor & { matches: boolean };
}

/** The sorted order walked and timed besides the default one. */
export const SORTED_QUERY = 'sort=lastCheckin&order=desc';

/**
 * Reads the list API's shape, walks both callers' lists (limit = the API's largest), by id and
 * newest check-in first, to check that paging neither repeats nor skips a machine, that the
 * order holds across pages and that the scoped caller sees only its organization; finds the
 * deep-page cursors and checks they answer the walked ids; and builds the calls to time.
 * Throws when a list is wrong: timing a wrong list would be moot.
 */
export async function prepareCalls(
  httpUrl: string,
  callers: Callers,
  fleet: FleetSummary,
): Promise<{ check: ListCheck; calls: PageCall[] }> {
  const shape = await listApiShape(httpUrl);
  const walkOf = async (who: 'master' | 'scoped', query: string): Promise<CallerListCheck> => {
    let walk = await walkList(httpUrl, callers[who], query, shape.maxLimit);
    // A short list (a small run) has too few large pages to find a deep one: walk it by 50s.
    if (walk.cursors.length < 10) walk = await walkList(httpUrl, callers[who], query, PAGE_SIZE);
    const deep = deepCursor(walk);
    const page = await getJson<ListPage>(
      httpUrl,
      callers[who],
      `/machines?${query ? `${query}&` : ''}limit=${PAGE_SIZE}&after=${encodeURIComponent(deep.after)}`,
    );
    const got = page.items.map((i) => i.id);
    const inOrder =
      query === SORTED_QUERY
        ? walk.lastCheckins.every((t, i) => i === 0 || t <= (walk.lastCheckins[i - 1] as number))
        : true;
    const check: CallerListCheck = {
      items: walk.ids.length,
      distinct: new Set(walk.ids).size,
      organizations: walk.organizations,
      total: walk.total,
      inOrder,
      walkRequests: walk.requests,
      walkMs: walk.ms,
      deep: { ...deep, matches: JSON.stringify(got) === JSON.stringify(deep.expected) },
    };
    const expected = who === 'master' ? fleet.machines : fleet.scopedMachines;
    const leaked = Object.keys(check.organizations).filter(
      (o) => who === 'scoped' && o !== fleet.scopedOrganization,
    );
    if (leaked.length > 0) throw new Error(`the scoped list holds machines of ${leaked.join(', ')}`);
    if (check.items !== expected || check.distinct !== expected || !check.inOrder || !check.deep.matches)
      throw new Error(
        `${who} list ${query || 'by id'}: ${check.items} items (${check.distinct} distinct) of ${expected}, ` +
          `in order ${check.inOrder}, deep page answers the walked ids ${check.deep.matches}`,
      );
    return check;
  };
  const master = await walkOf('master', '');
  const scoped = await walkOf('scoped', '');
  const sorted = shape.enums.sort?.includes('lastCheckin')
    ? {
        query: SORTED_QUERY,
        master: await walkOf('master', SORTED_QUERY),
        scoped: await walkOf('scoped', SORTED_QUERY),
      }
    : null;
  const other = await getJson<ListPage>(
    httpUrl,
    callers.master,
    `/machines?limit=1&filter=${encodeURIComponent('*.acme')}`,
  );
  const otherId = other.items[0]?.id;
  const otherStatus = otherId
    ? (
        await fetch(`${httpUrl}/api/v1/machines/${encodeURIComponent(otherId)}`, {
          headers: { cookie: callers.scoped.cookie },
        })
      ).status
    : 0;
  const calls = await machinesPageCalls(httpUrl, callers, shape, fleet, {
    master: master.deep,
    scoped: scoped.deep,
    ...(sorted
      ? { sorted: { query: sorted.query, master: sorted.master.deep, scoped: sorted.scoped.deep } }
      : {}),
  });
  return { check: { shape, master, scoped, sorted, otherOrganizationStatus: otherStatus }, calls };
}
