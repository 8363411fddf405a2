import { useState } from 'react';
import { ErrorNote } from '../../components/ErrorNote';
import { Time } from '../../components/Time';
import { type CommandView, commandDetail } from './device-api';

/** The manual's words for each command status, and what the queue adds. */
export const COMMAND_STATUS_WORDS: Record<string, string> = {
  pending: 'Pending: the device has not checked in to retrieve it',
  processing: 'Processing: the device is processing the command',
  complete: 'Complete: the operation is complete',
  failed: 'Failed: the device ran it and it failed, or refused it',
  expired: 'Expired: its time to live passed before the device checked in',
  canceled: 'Canceled before the device retrieved it',
  unknown: 'Unknown: delivered, but no result came back; it may have run',
};

const OPEN = new Set(['pending', 'processing']);

/**
 * Command Status: every command sent to the device, pending first, then past ones, each with
 * its status and times; "Times" shows every status change of one command.
 */
export function CommandStatus({ commands }: { commands: CommandView[] }) {
  const pending = commands.filter((c) => OPEN.has(c.status));
  const past = commands.filter((c) => !OPEN.has(c.status));
  return (
    <section aria-labelledby="command-status-title" className="dev-commands">
      <h3 id="command-status-title">Command Status</h3>
      <CommandTable
        caption="Pending commands"
        commands={pending}
        empty="No command is waiting for this device."
      />
      <CommandTable caption="Past commands" commands={past} empty="No command has finished yet." />
    </section>
  );
}

function CommandTable({
  caption,
  commands,
  empty,
}: {
  caption: string;
  commands: CommandView[];
  empty: string;
}) {
  return (
    <div className="table-wrap">
      <table aria-label={caption}>
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th>Command</th>
            <th>Status</th>
            <th>Queued</th>
            <th>Last change</th>
            <th>Finished</th>
            <th>Queued by</th>
            <th>Result</th>
            <th>Times</th>
          </tr>
        </thead>
        <tbody>
          {commands.map((c) => (
            <CommandRow key={c.id} command={c} />
          ))}
          {commands.length === 0 ? (
            <tr>
              <td colSpan={8} className="muted">
                {empty}
              </td>
            </tr>
          ) : null}
        </tbody>
      </table>
    </div>
  );
}

/** "message: Hello" for a message, the bare type for the others. */
export function describeCommand(c: Pick<CommandView, 'type' | 'params'>): string {
  const text = c.params.text;
  return c.type === 'message' && typeof text === 'string' ? `message: ${text}` : c.type;
}

function CommandRow({ command: c }: { command: CommandView }) {
  const [times, setTimes] = useState<CommandView['transitions'] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [open, setOpen] = useState(false);
  const toggle = async () => {
    if (open) {
      setOpen(false);
      return;
    }
    setOpen(true);
    try {
      setTimes((await commandDetail(c.id)).transitions ?? []);
      setError(null);
    } catch (failure) {
      setError(failure);
    }
  };
  const result = c.result?.error ?? c.result?.output ?? null;
  return (
    <>
      <tr data-command={c.id} data-status={c.status}>
        <td>{describeCommand(c)}</td>
        <td>
          <span className={`dev-command-word dev-cmd-${c.status}`} title={COMMAND_STATUS_WORDS[c.status]}>
            {c.status}
          </span>
        </td>
        <td>
          <Time iso={c.createdAt} />
        </td>
        <td>
          <Time iso={c.updatedAt} />
        </td>
        <td>
          <Time iso={c.finishedAt} />
        </td>
        <td>{c.createdBy ?? <span className="muted">the server</span>}</td>
        <td className="dev-command-result">{result ?? <span className="muted">—</span>}</td>
        <td>
          <button
            type="button"
            className="secondary"
            aria-expanded={open}
            aria-label={`Times of ${describeCommand(c)} (${c.id})`}
            onClick={() => void toggle()}
          >
            Times
          </button>
        </td>
      </tr>
      {open ? (
        <tr className="dev-command-times">
          <td colSpan={8}>
            <ErrorNote error={error} />
            {times ? (
              <ol aria-label={`Status changes of ${c.id}`}>
                {times.map((t) => (
                  <li key={`${t.status}-${t.at}`}>
                    <Time iso={t.at} /> — {t.status}
                    {t.detail ? `: ${t.detail}` : ''}
                  </li>
                ))}
              </ol>
            ) : error ? null : (
              <p className="muted">Loading…</p>
            )}
          </td>
        </tr>
      ) : null}
    </>
  );
}
