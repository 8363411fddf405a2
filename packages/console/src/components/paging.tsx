import { type DependencyList, useCallback, useEffect, useRef, useState } from 'react';

/** One page of a list as the API answers it: items, the cursor of the next page, the total. */
export interface Page<T> {
  items: T[];
  /** Pass as `after` for the following page; null after the last page. */
  next: string | null;
  /** How many match the filter and search, when the API counts them. */
  total?: number;
}

/** A list paged on the server, with the page's state and the buttons' actions. */
export interface PagedList<T> {
  page: Page<T> | null;
  loading: boolean;
  error: unknown;
  /** 0-based number of the page shown. */
  index: number;
  hasPrevious: boolean;
  hasNext: boolean;
  previous(): void;
  next(): void;
  /** Loads the shown page again (after a change, or a live event). */
  reload(): void;
  /** Replaces items in place (a live event updated a row) without a request. */
  patch(update: (items: T[]) => T[]): void;
}

/**
 * Follows a list the server pages (keyset cursors): `load(after)` fetches one page. Previous
 * pages are found again by the cursors that led to them. When `deps` change (filter, sort,
 * search) the list starts over at its first page. An answer that arrives after a newer request
 * was made is dropped, so fast typing in a search box never shows a stale page.
 */
export function usePagedList<T>(
  load: (after: string | null) => Promise<Page<T>>,
  deps: DependencyList,
): PagedList<T> {
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const [page, setPage] = useState<Page<T> | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(null);
  const [generation, setGeneration] = useState(0);
  const latest = useRef(0);
  const loadRef = useRef(load);
  loadRef.current = load;

  // When the deps change the list starts over at its first page, and loads it again even when
  // it was showing the first page already (the cursor alone would not change then). The first
  // run is the mount, which the load below covers.
  const mounted = useRef(false);
  const startOver = () => {
    if (!mounted.current) {
      mounted.current = true;
      return;
    }
    setCursors([null]);
    setGeneration((g) => g + 1);
  };
  // biome-ignore lint/correctness/useExhaustiveDependencies: the caller's deps say when the list starts over.
  useEffect(startOver, deps);

  const cursor = cursors[cursors.length - 1] ?? null;
  // The number of the page shown moves with its items, not with the click: until the next
  // page arrives the pager still says "1–50", which is what is on the screen.
  const [shownIndex, setShownIndex] = useState(0);
  const requestedIndex = useRef(0);
  requestedIndex.current = cursors.length - 1;
  // biome-ignore lint/correctness/useExhaustiveDependencies: generation forces a reload of the same cursor.
  useEffect(() => {
    const ticket = ++latest.current;
    const index = requestedIndex.current;
    setLoading(true);
    loadRef.current(cursor).then(
      (answer) => {
        if (ticket !== latest.current) return;
        setPage(answer);
        setShownIndex(index);
        setError(null);
        setLoading(false);
      },
      (failure: unknown) => {
        if (ticket !== latest.current) return;
        setError(failure);
        setLoading(false);
      },
    );
  }, [cursor, generation]);

  const next = useCallback(() => {
    if (page?.next) setCursors((c) => [...c, page.next]);
  }, [page]);
  const previous = useCallback(() => setCursors((c) => (c.length > 1 ? c.slice(0, -1) : c)), []);
  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  const patch = useCallback((update: (items: T[]) => T[]) => {
    setPage((p) => (p ? { ...p, items: update(p.items) } : p));
  }, []);

  return {
    page,
    loading,
    error,
    index: shownIndex,
    hasPrevious: cursors.length > 1,
    hasNext: Boolean(page?.next),
    previous,
    next,
    reload,
    patch,
  };
}

/** Previous / next buttons and "51–100 of 100,000". */
export function Pager<T>({ list, pageSize, label }: { list: PagedList<T>; pageSize: number; label: string }) {
  const shown = list.page?.items.length ?? 0;
  const first = list.index * pageSize + (shown > 0 ? 1 : 0);
  const last = list.index * pageSize + shown;
  const total = list.page?.total;
  return (
    <nav className="pager" aria-label={`${label} pages`}>
      <button
        type="button"
        className="secondary"
        onClick={list.previous}
        disabled={!list.hasPrevious || list.loading}
      >
        Previous
      </button>
      <span aria-live="polite">
        {first}–{last}
        {total === undefined ? '' : ` of ${total.toLocaleString('en-US')}`}
      </span>
      <button
        type="button"
        className="secondary"
        onClick={list.next}
        disabled={!list.hasNext || list.loading}
      >
        Next
      </button>
    </nav>
  );
}

/** A column header that sorts the list on the server; it tells screen readers the order. */
export function SortHeader({
  label,
  column,
  sort,
  onSort,
}: {
  label: string;
  column: string;
  sort: { column: string; descending: boolean };
  onSort(sort: { column: string; descending: boolean }): void;
}) {
  const active = sort.column === column;
  const order = active ? (sort.descending ? 'descending' : 'ascending') : 'none';
  return (
    <th aria-sort={order}>
      <button
        type="button"
        className="sort"
        onClick={() => onSort({ column, descending: active ? !sort.descending : false })}
      >
        {label}
        <span aria-hidden="true">{active ? (sort.descending ? ' ▼' : ' ▲') : ''}</span>
      </button>
    </th>
  );
}

/** Loads data once (and again when deps change), with loading and error states. */
export function useLoad<T>(
  load: () => Promise<T>,
  deps: DependencyList,
): { data: T | null; error: unknown; loading: boolean; reload(): void } {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);
  const [generation, setGeneration] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  // biome-ignore lint/correctness/useExhaustiveDependencies: the caller's deps say when to load again.
  useEffect(() => {
    let current = true;
    setLoading(true);
    loadRef.current().then(
      (value) => {
        if (!current) return;
        setData(value);
        setError(null);
        setLoading(false);
      },
      (failure: unknown) => {
        if (!current) return;
        setError(failure);
        setLoading(false);
      },
    );
    return () => {
      current = false;
    };
  }, [...deps, generation]);
  return { data, error, loading, reload: useCallback(() => setGeneration((g) => g + 1), []) };
}
