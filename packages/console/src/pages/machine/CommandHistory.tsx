import { useState } from 'react';
import { ErrorNote } from '../../components/ErrorNote';
import { Time } from '../../components/Time';
import { CommandDetail } from './CommandDetail';
import { CommandStatusBadge } from './CommandStatusBadge';
import { type CommandItem, cancelCommand, commandSummary, FINISHED } from './machine-api';
import type { MachineCommands } from './use-machine-commands';

/**
 * The machine's pending procedures (pending and processing commands, oldest first: the order
 * they run in) and its command history (the rest, newest first), each with who queued it; the
 * selected command's status changes, output and error are shown below them.
 */
export function CommandHistory({
  commands,
  selected,
  onSelect,
  canCancel,
  canReadFiles,
}: {
  commands: MachineCommands;
  selected: string | null;
  onSelect(id: string): void;
  canCancel: boolean;
  canReadFiles: boolean;
}) {
  const [error, setError] = useState<unknown>(null);
  const [canceling, setCanceling] = useState<string | null>(null);
  const items = commands.items ?? [];
  const pending = items.filter((c) => !FINISHED.has(c.status)).reverse();
  const history = items.filter((c) => FINISHED.has(c.status));
  const chosen = items.find((c) => c.id === selected) ?? null;

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

  const table = (rows: CommandItem[], label: string, withCancel: boolean) => (
    <div className="table-wrap">
      <table aria-label={label}>
        <thead>
          <tr>
            <th scope="col">Queued</th>
            <th scope="col">Type</th>
            <th scope="col">What</th>
            <th scope="col">Status</th>
            <th scope="col">Queued by</th>
            <th scope="col">Finished</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((c) => {
            const summary = commandSummary(c);
            const name = summary ? `${c.type} ${summary}` : c.type;
            return (
              <tr key={c.id} aria-selected={c.id === selected} data-command-id={c.id}>
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
                    aria-pressed={c.id === selected}
                    onClick={() => onSelect(c.id)}
                  >
                    Show
                  </button>
                  {withCancel && canCancel && c.status === 'pending' ? (
                    <button
                      type="button"
                      className="danger"
                      aria-label={`Cancel ${name}`}
                      disabled={canceling === c.id}
                      onClick={() => void cancel(c)}
                    >
                      Cancel
                    </button>
                  ) : null}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );

  return (
    <section aria-labelledby="commands-heading">
      <h2 id="commands-heading">Procedures</h2>
      <ErrorNote error={commands.error} />
      <ErrorNote error={error} />
      {commands.items === null && commands.error === null ? <p className="loading">Loading…</p> : null}
      {commands.items !== null ? (
        <>
          <h3>Pending procedures</h3>
          {pending.length === 0 ? (
            <p className="muted">Nothing is waiting for this machine.</p>
          ) : (
            table(pending, 'Pending procedures', true)
          )}
          <h3>Command history</h3>
          {history.length === 0 ? (
            <p className="muted">No finished commands.</p>
          ) : (
            table(history, 'Command history', false)
          )}
        </>
      ) : null}
      {chosen ? <CommandDetail command={chosen} canReadFiles={canReadFiles} /> : null}
    </section>
  );
}
