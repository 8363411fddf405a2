import { type FormEvent, useState } from 'react';
import { Link } from '../../app/router';
import { useSession } from '../../app/session';
import { ErrorNote } from '../../components/ErrorNote';
import { useLoad } from '../../components/paging';
import { Time } from '../../components/Time';
import { emptyWindow, type WindowDraft, windowBody } from './alert-forms';
import {
  createMaintenanceWindow,
  deleteMaintenanceWindow,
  listMaintenanceWindows,
  type MaintenanceWindow,
} from './alerts-api';

/**
 * Maintenance windows that have not ended: while one is in force no alert of its machine or
 * group fires (a planned reboot floods nobody), and a condition that still holds after it fires
 * then. Created for one machine or a group; deleting one ends it.
 */
export function MaintenanceWindows() {
  const session = useSession();
  const manage = session.can('alerts.manage');
  const seesMachines = session.can('machines.view');
  const windows = useLoad(listMaintenanceWindows, []);
  const [draft, setDraft] = useState<WindowDraft>(() => emptyWindow(Date.now()));
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const set = (change: Partial<WindowDraft>) => setDraft((d) => ({ ...d, ...change }));
  const what = (w: MaintenanceWindow) => w.machineId ?? w.group;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    try {
      const created = await createMaintenanceWindow(windowBody(draft));
      setDone(`Created a maintenance window for ${what(created)}.`);
      setError(null);
      setDraft(emptyWindow(Date.now()));
      windows.reload();
    } catch (failure) {
      setError(failure);
      setDone(null);
    } finally {
      setBusy(false);
    }
  };
  const remove = async (w: MaintenanceWindow) => {
    if (!window.confirm(`Delete the maintenance window of ${what(w)}? Its alerts fire again from now.`))
      return;
    try {
      await deleteMaintenanceWindow(w.id);
      setDone(`Deleted the maintenance window of ${what(w)}.`);
      setError(null);
      windows.reload();
    } catch (failure) {
      setError(failure);
    }
  };

  const now = Date.now();
  const items = windows.data ?? [];
  return (
    <section aria-labelledby="windows-title">
      <h2 id="windows-title">Maintenance windows</h2>
      {manage ? (
        <form className="panel alr-form" onSubmit={submit} aria-label="Maintenance window" noValidate>
          <div className="toolbar">
            <label>
              Applies to
              <select
                aria-label="Applies to"
                value={draft.target}
                onChange={(e) => set({ target: e.target.value as WindowDraft['target'] })}
              >
                <option value="group">A machine group or organization</option>
                <option value="machine">One machine</option>
              </select>
            </label>
            <label>
              {draft.target === 'machine' ? 'Machine ID' : 'Group or organization'}
              <input
                value={draft.id}
                onChange={(e) => set({ id: e.target.value })}
                placeholder={draft.target === 'machine' ? 'pc1.web.acme' : 'web.acme'}
                spellCheck={false}
                autoCapitalize="off"
              />
            </label>
            <label>
              Starts
              <input
                type="datetime-local"
                value={draft.startsAt}
                onChange={(e) => set({ startsAt: e.target.value })}
              />
            </label>
            <label>
              Ends
              <input
                type="datetime-local"
                value={draft.endsAt}
                onChange={(e) => set({ endsAt: e.target.value })}
              />
            </label>
            <label className="alr-wide">
              Reason (optional)
              <input
                value={draft.reason}
                onChange={(e) => set({ reason: e.target.value })}
                maxLength={500}
                placeholder="monthly patching"
              />
            </label>
          </div>
          <ErrorNote error={error} />
          <div className="toolbar">
            <button type="submit" disabled={busy}>
              Create maintenance window
            </button>
            <span role="status" className="muted">
              {done ?? ''}
            </span>
          </div>
        </form>
      ) : null}
      <ErrorNote error={windows.error} />
      <div className="table-wrap">
        <table aria-label="Maintenance windows">
          <thead>
            <tr>
              <th>Machine or group</th>
              <th>Starts</th>
              <th>Ends</th>
              <th>In force</th>
              <th>Reason</th>
              {manage ? <th>Delete</th> : null}
            </tr>
          </thead>
          <tbody>
            {items.map((w) => (
              <tr key={w.id} data-window={w.id}>
                <td>
                  {w.machineId === null ? (
                    <>
                      {w.group} <span className="muted">(group)</span>
                    </>
                  ) : seesMachines ? (
                    <Link href={`/machines/${encodeURIComponent(w.machineId)}`}>{w.machineId}</Link>
                  ) : (
                    w.machineId
                  )}
                </td>
                <td>
                  <Time iso={w.startsAt} />
                </td>
                <td>
                  <Time iso={w.endsAt} />
                </td>
                <td>{Date.parse(w.startsAt) <= now ? 'Yes' : 'Not yet'}</td>
                <td className="alr-message">{w.reason || <span className="muted">—</span>}</td>
                {manage ? (
                  <td>
                    <button
                      type="button"
                      className="danger"
                      onClick={() => void remove(w)}
                      aria-label={`Delete maintenance window of ${what(w)}`}
                    >
                      Delete
                    </button>
                  </td>
                ) : null}
              </tr>
            ))}
            {windows.data !== null && items.length === 0 ? (
              <tr>
                <td colSpan={manage ? 6 : 5} className="muted">
                  No maintenance window planned.
                </td>
              </tr>
            ) : null}
          </tbody>
        </table>
      </div>
    </section>
  );
}
