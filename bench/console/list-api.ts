import type { Caller } from './people';

/** What GET /machines accepts, read from the served OpenAPI document at run time. */
export interface ListApiShape {
  /** Query parameter names. */
  parameters: string[];
  /** Each parameter's allowed values where the document lists them (sort columns, orders). */
  enums: Record<string, string[]>;
  /** The largest `limit` (walking a list uses it). */
  maxLimit: number;
}

/** One page as GET /machines answers it. */
export interface ListPage {
  items: Array<{ id: string; organization: string; lastCheckinAt?: string | null }>;
  next: string | null;
  total?: number;
}

interface OpenApiParameter {
  name: string;
  in: string;
  schema?: { enum?: unknown[]; maximum?: number; anyOf?: Array<{ const?: unknown; enum?: unknown[] }> };
}

/** Reads the list's query parameters from /api/v1/openapi.json (public, no credentials). */
export async function listApiShape(httpUrl: string): Promise<ListApiShape> {
  const response = await fetch(`${httpUrl}/api/v1/openapi.json`);
  if (!response.ok) throw new Error(`openapi.json: HTTP ${response.status}`);
  const document = (await response.json()) as {
    paths: Record<string, { get?: { parameters?: OpenApiParameter[] } }>;
  };
  const parameters = (document.paths['/api/v1/machines']?.get?.parameters ?? []).filter(
    (p) => p.in === 'query',
  );
  const enums: Record<string, string[]> = {};
  let maxLimit = 1000;
  for (const p of parameters) {
    const values =
      p.schema?.enum ?? p.schema?.anyOf?.flatMap((a) => a.enum ?? (a.const === undefined ? [] : [a.const]));
    if (values && values.length > 0) enums[p.name] = values.map(String);
    if (p.name === 'limit' && typeof p.schema?.maximum === 'number') maxLimit = p.schema.maximum;
  }
  return { parameters: parameters.map((p) => p.name), enums, maxLimit };
}

/** GET /api/v1<path> as a caller; throws on anything but 200. */
export async function getJson<T>(httpUrl: string, caller: Caller, path: string): Promise<T> {
  const response = await fetch(`${httpUrl}/api/v1${path}`, { headers: { cookie: caller.cookie } });
  const text = await response.text();
  if (response.status !== 200)
    throw new Error(`${caller.name} GET ${path}: HTTP ${response.status} ${text.slice(0, 300)}`);
  return JSON.parse(text) as T;
}

/** A caller's whole list in one order, walked through its pages once before anything is timed. */
export interface WalkedList {
  /** Every id, in the order the list gives them. */
  ids: string[];
  /** Organizations seen, with their counts (the scoped caller must see one). */
  organizations: Record<string, number>;
  /** `next` after each page of the walk: cursors[k] continues after item (k+1)*pageSize. */
  cursors: string[];
  pageSize: number;
  requests: number;
  ms: number;
  /** What the first page said the total is, when the API counts. */
  total: number | null;
  /** Each item's last check-in (ms since 1970; 0 for never), in list order. */
  lastCheckins: number[];
}

/** Walks `GET /machines?<query>&limit=<pageSize>` to its end following `next`. */
export async function walkList(
  httpUrl: string,
  caller: Caller,
  query: string,
  pageSize: number,
): Promise<WalkedList> {
  const started = performance.now();
  const ids: string[] = [];
  const organizations: Record<string, number> = {};
  const cursors: string[] = [];
  const lastCheckins: number[] = [];
  let after: string | null = null;
  let requests = 0;
  let total: number | null = null;
  const prefix = query ? `${query}&` : '';
  do {
    const page: ListPage = await getJson<ListPage>(
      httpUrl,
      caller,
      `/machines?${prefix}limit=${pageSize}${after === null ? '' : `&after=${encodeURIComponent(after)}`}`,
    );
    if (requests === 0 && typeof page.total === 'number') total = page.total;
    requests++;
    for (const item of page.items) {
      ids.push(item.id);
      lastCheckins.push(item.lastCheckinAt ? Date.parse(item.lastCheckinAt) : 0);
      organizations[item.organization] = (organizations[item.organization] ?? 0) + 1;
    }
    after = page.next;
    if (after !== null) cursors.push(after);
    if (requests > 10_000) throw new Error(`walking ${query}: more than 10,000 pages`);
  } while (after !== null);
  return {
    ids,
    organizations,
    cursors,
    pageSize,
    requests,
    ms: performance.now() - started,
    total,
    lastCheckins,
  };
}
