import { useEffect, useState } from 'react';
import { ErrorNote } from '../../components/ErrorNote';
import { Pager, SortHeader } from '../../components/paging';
import { Time } from '../../components/Time';
import { CommandDetail } from './CommandDetail';
import { CommandStatusBadge, STATUS_WORDS } from './CommandStatusBadge';
import { type CommandItem, type CommandListView, cancelCommand, commandSummary } from './machine-api';
import { HISTORY_PAGE_SIZE, type MachineCommands } from './use-machine-commands';

/** How long typing rests before the search is sent. */
const SEARCH_DELAY_MS = 300;

/**
 * The machine's pending procedures (what waits or runs, oldest first: the order it runs in)
 * and its command history (every command, newest first unless sorted otherwise, searched and
 * paged on the server), each with who queued it; the selected command's status changes,
 * output and error are shown below them.
 */
export function CommandHistory({
  commands,
  canCancel,
  canReadFiles,
}: {
  commands: MachineCommands;
  canCancel: boolean;
  canReadFiles: boolean;
}) {
  const [error, setError] = useState<unknown>(null);
  const [canceling, setCanceling] = useState<string | null>(null);
  const { view, setView, history, detail } = commands;
  const [search, setSearch] = useState(view.search);
  useEffect(() => {
    if (search === view.search) return;
    const timer = setTimeout(() => setView({ ...view, search }), SEARCH_DELAY_MS);
    return () => clearTimeout(timer);
  }, [search, view, setView]);

  const cancel = async (command: CommandItem) => {
    setError(null);
    setCanceling(command.id);
    try {
      commands.put(await cancelCommand(command.id));
    } catch (failure) {
      setError(failure);
      // Whatever it is now (it may have just been delivered), show that.
      void commands.refresh(command.id);
    } finally {
      setCanceling(null);
    }
  };
  const sort = { column: view.sort, descending: view.descending };
  const onSort = (next: { column: string; descending: boolean }) =>
    setView({ ...view, sort: next.column as CommandListView['sort'], descending: next.descending });

  // Cancel is offered in the pending list only: a pending command is on both lists.
  const rows = (items: CommandItem[], withCancel: boolean) =>
    items.map((c) => (
      <CommandRow
        key={c.id}
        command={c}
        selected={c.id === detail?.id}
        onSelect={() => commands.select(c.id)}
        onCancel={withCancel && canCancel && c.status === 'pending' ? () => void cancel(c) : null}
        canceling={canceling === c.id}
      />
    ));
  const pending = commands.pending;

  return (
    <section aria-labelledby="commands-heading">
      <h2 id="commands-heading">Procedures</h2>
      <ErrorNote error={error} />
      <h3>Pending procedures</h3>
      <ErrorNote error={commands.pendingError} />
      {pending === null ? (
        commands.pendingError ? null : (
          <p className="loading">Loading…</p>
        )
      ) : pending.length === 0 ? (
        <p className="muted">Nothing is waiting for this machine.</p>
      ) : (
        <>
          <div className="table-wrap">
            <table aria-label="Pending procedures">
              <Head />
              <tbody>{rows(pending, true)}</tbody>
            </table>
          </div>
          {commands.pendingTotal > pending.length ? (
            <p className="muted">
              The {pending.length} oldest of {commands.pendingTotal.toLocaleString()} are shown.
            </p>
          ) : null}
        </>
      )}

      <h3>Command history</h3>
      <div className="toolbar">
        <label>
          Type contains
          <input type="search" value={search} onChange={(e) => setSearch(e.target.value)} maxLength={100} />
        </label>
        <label>
          Status
          {/* Named by aria-label: the wrapping label would add every option's text to its name. */}
          <select
            aria-label="Status"
            value={view.status}
            onChange={(e) => setView({ ...view, status: e.target.value as CommandListView['status'] })}
          >
            <option value="">Any</option>
            {Object.entries(STATUS_WORDS).map(([status, words]) => (
              <option key={status} value={status}>
                {words}
              </option>
            ))}
          </select>
        </label>
      </div>
      <ErrorNote error={history.error} />
      {history.page === null ? (
        history.error ? null : (
          <p className="loading">Loading…</p>
        )
      ) : history.page.items.length === 0 ? (
        <p className="muted">No commands{view.search || view.status ? ' match' : ''}.</p>
      ) : (
        <div className="table-wrap">
          <table aria-label="Command history" aria-busy={history.loading}>
            <Head sort={sort} onSort={onSort} />
            <tbody>{rows(history.page.items, false)}</tbody>
          </table>
        </div>
      )}
      <Pager list={history} pageSize={HISTORY_PAGE_SIZE} label="Command history" />

      <ErrorNote error={commands.detailError} />
      {detail ? <CommandDetail command={detail} canReadFiles={canReadFiles} /> : null}
    </section>
  );
}

/** The columns; sortable (by the server) where a sort is given. */
function Head({
  sort,
  onSort,
}: {
  sort?: { column: string; descending: boolean };
  onSort?(sort: { column: string; descending: boolean }): void;
}) {
  const column = (label: string, key: string) =>
    sort && onSort ? (
      <SortHeader label={label} column={key} sort={sort} onSort={onSort} />
    ) : (
      <th scope="col">{label}</th>
    );
  return (
    <thead>
      <tr>
        {column('Queued', 'created')}
        {column('Type', 'type')}
        <th scope="col">What</th>
        {column('Status', 'status')}
        <th scope="col">Queued by</th>
        <th scope="col">Finished</th>
        <th scope="col">Actions</th>
      </tr>
    </thead>
  );
}

function CommandRow({
  command: c,
  selected,
  onSelect,
  onCancel,
  canceling,
}: {
  command: CommandItem;
  selected: boolean;
  onSelect(): void;
  onCancel: (() => void) | null;
  canceling: boolean;
}) {
  const summary = commandSummary(c);
  const name = summary ? `${c.type} ${summary}` : c.type;
  return (
    <tr aria-selected={selected} data-command-id={c.id}>
      <td>
        <Time iso={c.createdAt} />
      </td>
      <td>{c.type}</td>
      <td className="command-what">{summary}</td>
      <td>
        <CommandStatusBadge status={c.status} />
      </td>
      <td>{c.createdBy ?? <span className="muted">server</span>}</td>
      <td>
        <Time iso={c.finishedAt} />
      </td>
      <td className="actions">
        <button
          type="button"
          className="secondary"
          aria-label={`Show ${name}`}
          aria-pressed={selected}
          onClick={onSelect}
        >
          Show
        </button>
        {onCancel ? (
          <button
            type="button"
            className="danger"
            aria-label={`Cancel ${name}`}
            disabled={canceling}
            onClick={onCancel}
          >
            Cancel
          </button>
        ) : null}
      </td>
    </tr>
  );
}
