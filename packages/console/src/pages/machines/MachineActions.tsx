import { useEffect, useRef, useState } from 'react';
import { api, ok } from '../../api/client';
import { ErrorNote } from '../../components/ErrorNote';
import { type MachineItem, machineCount } from '../../components/machine-rows';
import { type BulkOutcome, forEachMachine } from './bulk-actions';

type Action = 'suspend' | 'resume' | 'delete';

const DONE: Record<Action, string> = { suspend: 'Suspended', resume: 'Resumed', delete: 'Deleted' };

/**
 * Suspend, Resume and Delete for the checked machines. Delete asks first, naming how many
 * machines go and what happens to their agents; the question is part of the page (no browser
 * dialog), so it is read and answered by keyboard like everything else.
 */
export function MachineActions({
  selected,
  onChanged,
  onDeleted,
  onNotice,
}: {
  selected: readonly string[];
  /** Rows the server answered with after a suspend or resume. */
  onChanged: (updated: Map<string, MachineItem>) => void;
  onDeleted: () => void;
  onNotice: (notice: string | null) => void;
}) {
  const [busy, setBusy] = useState<Action | null>(null);
  const [confirming, setConfirming] = useState<string[] | null>(null);
  const [failures, setFailures] = useState<BulkOutcome['failed']>([]);
  const confirmButton = useRef<HTMLButtonElement>(null);
  // The question takes the focus, so a keyboard user answers it next.
  useEffect(() => {
    if (confirming) confirmButton.current?.focus();
  }, [confirming]);

  const run = async (action: Action, ids: readonly string[]) => {
    setBusy(action);
    setFailures([]);
    onNotice(null);
    const updated = new Map<string, MachineItem>();
    const outcome = await forEachMachine(ids, async (id) => {
      const path = { params: { path: { id } } };
      if (action === 'delete') await ok(api.DELETE('/api/v1/machines/{id}', path));
      else {
        const answer =
          action === 'suspend'
            ? await ok(api.POST('/api/v1/machines/{id}/suspend', path))
            : await ok(api.POST('/api/v1/machines/{id}/resume', path));
        updated.set(id, answer);
      }
    });
    setBusy(null);
    setFailures(outcome.failed);
    if (outcome.done.length > 0) onNotice(`${DONE[action]} ${machineCount(outcome.done.length)}.`);
    if (action === 'delete') onDeleted();
    else onChanged(updated);
  };

  const none = selected.length === 0 || busy !== null;
  return (
    <div className="machine-actions">
      <button type="button" className="secondary" disabled={none} onClick={() => run('suspend', selected)}>
        Suspend
      </button>
      <button type="button" className="secondary" disabled={none} onClick={() => run('resume', selected)}>
        Resume
      </button>
      <button type="button" className="danger" disabled={none} onClick={() => setConfirming([...selected])}>
        Delete…
      </button>
      {busy ? (
        <span className="muted" role="status">
          Working…
        </span>
      ) : null}
      {confirming ? (
        <div className="panel confirm" role="alertdialog" aria-labelledby="delete-question">
          <p id="delete-question">
            Delete {machineCount(confirming.length)}? Their accounts are removed, connected agents are
            disconnected, and commands not yet delivered are canceled. This cannot be undone.
          </p>
          <button
            ref={confirmButton}
            type="button"
            className="danger"
            onClick={() => {
              const ids = confirming;
              setConfirming(null);
              void run('delete', ids);
            }}
          >
            Delete {machineCount(confirming.length)}
          </button>{' '}
          <button type="button" className="secondary" onClick={() => setConfirming(null)}>
            Cancel
          </button>
        </div>
      ) : null}
      {failures.length > 0 ? (
        <div className="action-failures">
          {failures.map((f) => (
            <ErrorNote key={f.id} error={`${f.id}: ${f.message}`} />
          ))}
        </div>
      ) : null}
    </div>
  );
}
