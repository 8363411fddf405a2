import { type DependencyList, useCallback, useEffect, useMemo, useState } from 'react';
import './machine-lists.css';

/** The rows checked in a table, and the manual's Select All / Unselect All. */
export interface RowSelection {
  /** The checked ids, in the order of the rows shown. */
  ids: string[];
  has(id: string): boolean;
  toggle(id: string, checked: boolean): void;
  /** Checks every row on the page. */
  selectAll(): void;
  /** Unchecks every row on the page. */
  unselectAll(): void;
}

/**
 * Which of the shown rows are checked. The selection is of the rows on the page, as in the
 * manual: it starts empty whenever `deps` change (another page, filter, sort or search), so an
 * action never reaches a machine the user no longer sees. A live update of the same rows keeps it.
 */
export function useRowSelection(shownIds: readonly string[], deps: DependencyList): RowSelection {
  const [checked, setChecked] = useState<ReadonlySet<string>>(new Set());
  // biome-ignore lint/correctness/useExhaustiveDependencies: the caller's deps say when the rows are others.
  useEffect(() => setChecked(new Set()), deps);
  const ids = useMemo(() => shownIds.filter((id) => checked.has(id)), [shownIds, checked]);
  const toggle = useCallback((id: string, on: boolean) => {
    setChecked((old) => {
      const next = new Set(old);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });
  }, []);
  const selectAll = useCallback(() => setChecked(new Set(shownIds)), [shownIds]);
  const unselectAll = useCallback(() => setChecked(new Set()), []);
  return { ids, has: (id) => checked.has(id), toggle, selectAll, unselectAll };
}

/** Select All / Unselect All, and how many rows are checked (announced to screen readers). */
export function SelectionButtons({ selection, shown }: { selection: RowSelection; shown: number }) {
  return (
    <div className="selection-buttons">
      <button type="button" className="secondary" onClick={selection.selectAll} disabled={shown === 0}>
        Select All
      </button>
      <button
        type="button"
        className="secondary"
        onClick={selection.unselectAll}
        disabled={selection.ids.length === 0}
      >
        Unselect All
      </button>
      <span className="muted" aria-live="polite">
        {selection.ids.length} of {shown} selected
      </span>
    </div>
  );
}
