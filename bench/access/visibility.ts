import { apiCall, type BenchCallers } from './people';
import type { VisibilityCheck } from './results';
import type { SeededFleet } from './seed';

/**
 * Before timing anything: the scoped caller lists exactly its organization's machines, gets
 * 404 for another organization's machine, and whether the list takes paging parameters at all.
 */
export async function checkVisibility(
  httpUrl: string,
  callers: BenchCallers,
  fleet: SeededFleet,
): Promise<VisibilityCheck> {
  type List = { items: Array<{ id: string }> };
  const master = (await apiCall(httpUrl, callers.master.token, 'GET', '/machines', undefined, 200)) as List;
  const scoped = (await apiCall(httpUrl, callers.scoped.token, 'GET', '/machines', undefined, 200)) as List;
  const suffix = `.${fleet.scopedOrganization}`;
  const other = master.items.find((m) => !m.id.endsWith(suffix));
  if (!other) throw new Error('the master sees no machine outside the scoped organization');
  const get = await fetch(`${httpUrl}/api/v1/machines/${other.id}`, {
    headers: { authorization: `Bearer ${callers.scoped.token}` },
  });
  await get.arrayBuffer();
  const paged = await fetch(`${httpUrl}/api/v1/machines?limit=50`, {
    headers: { authorization: `Bearer ${callers.scoped.token}` },
  });
  let pagedBody: List | null = null;
  if (paged.ok) pagedBody = (await paged.json()) as List;
  else await paged.arrayBuffer();
  return {
    masterItems: master.items.length,
    scopedItems: scoped.items.length,
    scopedItemsOutside: scoped.items.filter((m) => !m.id.endsWith(suffix)).length,
    otherOrganizationStatus: get.status,
    listPaging: pagedBody !== null && pagedBody.items.length === 50,
    limitParameterStatus: paged.status,
  };
}
