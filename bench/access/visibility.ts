import { apiCall, type BenchCallers } from './people';
import type { CallerPages, VisibilityCheck } from './results';
import type { SeededFleet } from './seed';

/** Rows of a timed page (the issue's "first page" and "a page deep in the list"). */
export const PAGE_LIMIT = 50;
/** How far through the caller's own list the deep page starts. */
export const DEEP_FRACTION = 0.9;
/** Page size of the untimed walk that finds each caller's ids. */
const WALK_LIMIT = 1000;

type Page = { items: Array<{ id: string }>; next: string | null };

/**
 * Walks the caller's whole list once, page by page through `next`, and picks the cursor
 * (`after`) of the deep page: the id just before the one DEEP_FRACTION of the way through.
 * Also checks that the deep page answers exactly the ids the walk found there, so the timed
 * request is the page it claims to be.
 */
async function walk(httpUrl: string, token: string): Promise<{ ids: string[]; pages: CallerPages }> {
  const started = performance.now();
  const ids: string[] = [];
  let after: string | null = null;
  let requests = 0;
  do {
    const query: string = `?limit=${WALK_LIMIT}${after === null ? '' : `&after=${encodeURIComponent(after)}`}`;
    const page = (await apiCall(httpUrl, token, 'GET', `/machines${query}`, undefined, 200)) as Page;
    requests++;
    for (const m of page.items) ids.push(m.id);
    if (page.next !== null && page.next !== page.items.at(-1)?.id)
      throw new Error(`next ${page.next} is not the last id of its page`);
    after = page.next;
  } while (after !== null);
  const walkMs = performance.now() - started;
  const deepIndex = Math.floor(ids.length * DEEP_FRACTION);
  const deepAfter = ids[deepIndex - 1];
  if (deepAfter === undefined) throw new Error(`a list of ${ids.length} machines has no deep page`);
  const deep = (await apiCall(
    httpUrl,
    token,
    'GET',
    `/machines?limit=${PAGE_LIMIT}&after=${encodeURIComponent(deepAfter)}`,
    undefined,
    200,
  )) as Page;
  const expected = ids.slice(deepIndex, deepIndex + PAGE_LIMIT);
  const deepPageMatches =
    deep.items.length === expected.length && deep.items.every((m, i) => m.id === expected[i]);
  return {
    ids,
    pages: {
      items: ids.length,
      walkRequests: requests,
      walkMs,
      deepIndex,
      deepAfter,
      deepPageItems: deep.items.length,
      deepPageMatches,
    },
  };
}

/**
 * Before timing anything: each caller's whole list walked through the pages (the scoped one
 * must hold exactly its organization's machines), another organization's machine answers 404
 * to the scoped caller, and the deep page of each caller is found.
 */
export async function checkVisibility(
  httpUrl: string,
  callers: BenchCallers,
  fleet: SeededFleet,
): Promise<VisibilityCheck> {
  const master = await walk(httpUrl, callers.master.token);
  const scoped = await walk(httpUrl, callers.scoped.token);
  const suffix = `.${fleet.scopedOrganization}`;
  const other = master.ids.find((id) => !id.endsWith(suffix));
  if (!other) throw new Error('the master sees no machine outside the scoped organization');
  const get = await fetch(`${httpUrl}/api/v1/machines/${other}`, {
    headers: { authorization: `Bearer ${callers.scoped.token}` },
  });
  await get.arrayBuffer();
  const first = (await apiCall(
    httpUrl,
    callers.scoped.token,
    'GET',
    `/machines?limit=${PAGE_LIMIT}`,
    undefined,
    200,
  )) as Page;
  return {
    masterItems: master.ids.length,
    scopedItems: scoped.ids.length,
    scopedItemsOutside: scoped.ids.filter((id) => !id.endsWith(suffix)).length,
    otherOrganizationStatus: get.status,
    listPaging: first.items.length === PAGE_LIMIT && first.next === first.items.at(-1)?.id,
    master: master.pages,
    scoped: scoped.pages,
  };
}
