import { useEffect, useState } from 'react';
import { Link } from '../../app/router';
import { useSession } from '../../app/session';
import { ErrorNote } from '../../components/ErrorNote';
import { MachineFilterBar } from '../../components/MachineFilterBar';
import { useMachineFilter } from '../../components/machine-filter';
import {
  fetchMachinePage,
  type MachineItem,
  type MachineSort,
  useLiveMachineRows,
} from '../../components/machine-rows';
import { Pager, SortHeader, usePagedList } from '../../components/paging';
import { SelectionButtons, useRowSelection } from '../../components/row-selection';
import { StatusIcon, StatusLegend } from '../../components/StatusIcon';
import { Time } from '../../components/Time';
import { MachineActions } from './MachineActions';
import './machines.css';

/** Rows per page of the machine list. */
export const MACHINES_PAGE_SIZE = 50;

/**
 * The Machines page: the machines of the user's scopes that the Machine ID / Group ID filter
 * matches, a page at a time from the server, each with its check-in status icon; rows kept live
 * by the server's events; suspend, resume and delete of the checked rows for users who may.
 */
export function MachinesPage(_props: { params: Record<string, string> }) {
  const session = useSession();
  const [filter] = useMachineFilter();
  const [sort, setSort] = useState<{ column: MachineSort; descending: boolean }>({
    column: 'id',
    descending: false,
  });
  const [searchText, setSearchText] = useState('');
  const search = useDebounced(searchText.trim(), SEARCH_DELAY_MS);
  const list = usePagedList(
    (after) => fetchMachinePage({ filter, search, sort, limit: MACHINES_PAGE_SIZE, after }),
    [filter, search, sort.column, sort.descending],
  );
  useLiveMachineRows(list);
  const items = list.page?.items ?? [];
  const selection = useRowSelection(
    items.map((m) => m.id),
    [filter, search, sort.column, sort.descending, list.index],
  );
  const header = (label: string, column: MachineSort) => (
    <SortHeader
      label={label}
      column={column}
      sort={sort}
      onSort={(s) => setSort({ column: s.column as MachineSort, descending: s.descending })}
    />
  );
  const [notice, setNotice] = useState<string | null>(null);
  const manage = session.can('machines.manage');

  return (
    <section aria-labelledby="machines-title">
      <h1 id="machines-title">Machines</h1>
      <MachineFilterBar />
      <div className="toolbar">
        <label>
          Search
          <input
            type="search"
            name="machine-search"
            value={searchText}
            onChange={(e) => setSearchText(e.target.value)}
            placeholder="machine id or logged-on user"
            maxLength={100}
            spellCheck={false}
            autoCapitalize="off"
          />
        </label>
      </div>
      <StatusLegend />
      <div className="toolbar">
        {manage ? <SelectionButtons selection={selection} shown={items.length} /> : null}
        {manage ? (
          <MachineActions
            selected={selection.ids}
            onChanged={(updated) => list.patch((rows) => rows.map((m) => updated.get(m.id) ?? m))}
            onDeleted={() => {
              selection.unselectAll();
              list.reload();
            }}
            onNotice={setNotice}
          />
        ) : null}
      </div>
      {notice ? (
        <p className="notice" role="status">
          {notice}
        </p>
      ) : null}
      <ErrorNote error={list.error} />
      <div className="table-wrap">
        <table className="machines-table" aria-label="Machines" aria-busy={list.loading}>
          <thead>
            <tr>
              {manage ? <th>Select</th> : null}
              {header('Status', 'status')}
              {header('Machine.Group ID', 'id')}
              {header('Logged-on user', 'loggedOnUser')}
              {header('Last check-in', 'lastCheckin')}
              {header('Operating system', 'os')}
              {header('Agent', 'agentVersion')}
            </tr>
          </thead>
          <tbody>
            {items.map((m) => (
              <MachineRow
                key={m.id}
                machine={m}
                selected={selection.has(m.id)}
                onSelect={manage ? (on) => selection.toggle(m.id, on) : null}
              />
            ))}
            {items.length === 0 && !list.loading && !list.error ? (
              <tr>
                <td colSpan={manage ? 7 : 6} className="muted">
                  {filter === '' && search === ''
                    ? 'No machines yet.'
                    : 'No machine matches the filter and search.'}
                </td>
              </tr>
            ) : null}
          </tbody>
        </table>
      </div>
      <Pager list={list} pageSize={MACHINES_PAGE_SIZE} label="Machines" />
    </section>
  );
}

/** One machine's row; everything the machine sent is put in as text. */
function MachineRow({
  machine: m,
  selected,
  onSelect,
}: {
  machine: MachineItem;
  selected: boolean;
  /** Null when the user may not act on the rows: no check box then. */
  onSelect: ((on: boolean) => void) | null;
}) {
  return (
    <tr aria-selected={selected} data-machine={m.id}>
      {onSelect ? (
        <td>
          <input
            type="checkbox"
            aria-label={`Select ${m.id}`}
            checked={selected}
            onChange={(e) => onSelect(e.target.checked)}
          />
        </td>
      ) : null}
      <td>
        <StatusIcon status={m.status} temporary={m.temporary} bound={m.bound} loggedOnUser={m.loggedOnUser} />
      </td>
      <td className="machine-id">
        <Link href={`/machines/${encodeURIComponent(m.id)}`}>{m.id}</Link>
      </td>
      <td>{m.loggedOnUser ?? <span className="muted">—</span>}</td>
      <td>
        <Time iso={m.lastCheckinAt} empty="never" />
      </td>
      <td>{m.audit?.os ?? <span className="muted">—</span>}</td>
      <td>{m.agentVersion ?? <span className="muted">—</span>}</td>
    </tr>
  );
}

/** How long typing in the search box rests before the list is asked for again. */
const SEARCH_DELAY_MS = 250;

/** A value that follows another once it has not changed for `ms`. */
function useDebounced<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}
