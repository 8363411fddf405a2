import type { FleetSummary } from './fleet';
import { getJson, type ListApiShape, type ListPage, type WalkedList } from './list-api';
import type { Callers } from './people';

/** The page size the console's lists ask for. */
export const PAGE_SIZE = 50;

/** How deep the "deep page" is: this share of the caller's own list comes before it. */
export const DEEP_SHARE = 0.9;

/** One GET the Machines page makes, with the path each caller asks (cursors are the caller's own). */
export interface PageCall {
  key: string;
  label: string;
  master: string;
  scoped: string;
}

/** A deep page's cursor and the ids it must answer, checked before timing. */
export interface DeepCursor {
  /** Position of the first item of the page in the caller's list (0-based). */
  index: number;
  after: string;
  expected: string[];
}

/** Where a caller's page 90% through its walked list starts. */
export function deepCursor(walk: WalkedList): DeepCursor {
  // The cursor after the last page that ends at or before DEEP_SHARE of the list and leaves a
  // whole page after it.
  const k =
    Math.floor(Math.min(walk.ids.length * DEEP_SHARE, walk.ids.length - PAGE_SIZE) / walk.pageSize) - 1;
  const index = (k + 1) * walk.pageSize;
  if (k < 0 || k >= walk.cursors.length || index + PAGE_SIZE > walk.ids.length)
    throw new Error(`a list of ${walk.ids.length} in pages of ${walk.pageSize} has no deep page to ask for`);
  return { index, after: walk.cursors[k] as string, expected: walk.ids.slice(index, index + PAGE_SIZE) };
}

const q = (query: Record<string, string | number>) =>
  `/machines?${Object.entries(query)
    .map(([k, v]) => `${k}=${encodeURIComponent(String(v))}`)
    .join('&')}`;

/**
 * The list requests of the Machines page: the first page, the next page (the cursor page 1
 * answered, as the pager sends it), a page 90% through the caller's own list, a group filter,
 * two wildcard filters (one matching thousands of machines, one a handful), and, when the API
 * offers them, every sort column in both directions and a search. Both callers ask the same
 * filters, so the scoped/master ratio reads the cost of the scope.
 */
export async function machinesPageCalls(
  httpUrl: string,
  callers: Callers,
  shape: ListApiShape,
  fleet: FleetSummary,
  deep: {
    master: DeepCursor;
    scoped: DeepCursor;
    /** A deep page of a sorted order (query string without limit and after), when there is one. */
    sorted?: { query: string; master: DeepCursor; scoped: DeepCursor };
  },
): Promise<PageCall[]> {
  const org = fleet.scopedOrganization;
  const both = (key: string, label: string, path: string): PageCall => ({
    key,
    label,
    master: path,
    scoped: path,
  });
  const first = q({ limit: PAGE_SIZE });
  const nextOf = async (who: 'master' | 'scoped') => {
    const page = await getJson<ListPage>(httpUrl, callers[who], first);
    if (page.next === null) throw new Error(`${who}: the first page has no next`);
    return q({ limit: PAGE_SIZE, after: page.next });
  };
  const calls: PageCall[] = [
    // Every page asks who is signed in before it asks for its list.
    { key: 'me', label: 'GET /me (before every page)', master: '/me', scoped: '/me' },
    both('first', 'first page', first),
    {
      key: 'next',
      label: 'next page (page 2, cursor of page 1)',
      master: await nextOf('master'),
      scoped: await nextOf('scoped'),
    },
    {
      key: 'deep',
      label: `deep page (${Math.round(DEEP_SHARE * 100)}% through the caller's own list)`,
      master: q({ limit: PAGE_SIZE, after: deep.master.after }),
      scoped: q({ limit: PAGE_SIZE, after: deep.scoped.after }),
    },
    both(
      'group',
      `group filter (eng.${org}: a group and its subgroup)`,
      q({ filter: `eng.${org}`, limit: PAGE_SIZE }),
    ),
    both(
      'wildcard',
      `wildcard filter *.retail.${org} (thousands match)`,
      q({ filter: `*.retail.${org}`, limit: PAGE_SIZE }),
    ),
    both(
      'wildcard-rare',
      'wildcard filter kiosk-0001* (a handful match)',
      q({ filter: 'kiosk-0001*', limit: PAGE_SIZE }),
    ),
  ];
  const sorts = shape.enums.sort ?? [];
  const orderParam = ['order', 'direction', 'dir'].find((p) => shape.parameters.includes(p));
  for (const column of sorts) {
    if (column.startsWith('-')) continue; // a "-column" value is the descending twin below
    if (orderParam) {
      for (const order of shape.enums[orderParam] ?? ['asc', 'desc'])
        calls.push(
          both(
            `sort-${column}-${order}`,
            `sort by ${column}, ${order}`,
            q({ sort: column, [orderParam]: order, limit: PAGE_SIZE }),
          ),
        );
    } else {
      calls.push(both(`sort-${column}`, `sort by ${column}`, q({ sort: column, limit: PAGE_SIZE })));
      if (sorts.includes(`-${column}`))
        calls.push(
          both(
            `sort-${column}-desc`,
            `sort by ${column}, descending`,
            q({ sort: `-${column}`, limit: PAGE_SIZE }),
          ),
        );
    }
  }
  if (deep.sorted) {
    const { query, master, scoped } = deep.sorted;
    calls.push({
      key: 'deep-sorted',
      label: `deep page (90%), ${query.replace('&', ' ')}`,
      master: `/machines?${query}&limit=${PAGE_SIZE}&after=${encodeURIComponent(master.after)}`,
      scoped: `/machines?${query}&limit=${PAGE_SIZE}&after=${encodeURIComponent(scoped.after)}`,
    });
  }
  if (shape.parameters.includes('status'))
    calls.push(
      both(
        'status',
        'status filter: suspended (2% of machines)',
        q({ status: 'suspended', limit: PAGE_SIZE }),
      ),
    );
  const searchParam = ['search', 'q', 'query'].find((p) => shape.parameters.includes(p));
  if (searchParam)
    calls.push(both('search', `search "0042"`, q({ [searchParam]: '0042', limit: PAGE_SIZE })));
  return calls;
}
