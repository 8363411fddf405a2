import { type FormEvent, useState } from 'react';
import { useSession } from '../../app/session';
import { StatusIcon } from '../../components/StatusIcon';
import { Time } from '../../components/Time';
import { MachineIdInput } from './MachineIdInput';
import type { Report } from './OffsiteServers';
import { type LocalServer, type OffsiteServer, roleActions, saveLocalServer } from './replication-api';
import { formatBandwidth, formatBytes } from './replication-format';
import { TransferProgress } from './TransferProgress';

/** The schedule a local server gets when none is given: every night at 01:00 (the server's). */
const DEFAULT_SCHEDULE = '0 1 * * *';

interface Draft {
  machineId: string;
  directory: string;
  offsiteServerId: string;
  schedule: string;
  bandwidthKBps: string;
}

/** Why the header form cannot be sent as it is, before anything is sent. */
export function localDraftProblem(d: Draft): string | null {
  if (d.machineId.trim() === '') return 'Select the machine ID that acts as the local server.';
  if (d.directory.trim() === '')
    return 'Enter the Local Server directory: the image locations are folders in it.';
  if (d.offsiteServerId === '') return 'Choose the offsite server this local server sends to.';
  const fields = d.schedule.trim().split(/\s+/).length;
  if (fields !== 5 && fields !== 6)
    return 'The schedule is a cron expression of five fields (minute hour day month weekday), or six with seconds.';
  const kbps = Number(d.bandwidthKBps);
  if (!Number.isInteger(kbps) || kbps < 0)
    return 'The bandwidth limit is a whole number of KB/s, 0 for unlimited.';
  return null;
}

const hostOf = (offsites: readonly OffsiteServer[], id: string) => {
  const o = offsites.find((x) => x.id === id);
  return o ? `${o.host}:${o.port}` : id;
};

/**
 * Local Servers: the header form and the list, each local server active or inactive, with its
 * last transfer and the transfer in progress (bytes still to send, rate, time left), and the
 * Edit, Delete, Restart and Replicate now actions for users who may manage replication.
 */
export function LocalServers({
  locals,
  offsites,
  agentStatus,
  report,
  onChanged,
  filtered = false,
}: {
  locals: LocalServer[];
  offsites: OffsiteServer[];
  agentStatus: ReadonlyMap<string, string>;
  report: Report;
  onChanged: () => void;
  /** The Machine ID / Group ID filter hides some: an empty list then says so. */
  filtered?: boolean;
}) {
  const manage = useSession().can('replication.manage');
  const empty: Draft = {
    machineId: '',
    directory: '',
    offsiteServerId: offsites[0]?.id ?? '',
    schedule: DEFAULT_SCHEDULE,
    bandwidthKBps: '0',
  };
  const [editing, setEditing] = useState<LocalServer | null>(null);
  const [draft, setDraft] = useState<Draft>(empty);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const set = (change: Partial<Draft>) => setDraft((d) => ({ ...d, ...change }));
  // The first offsite server is the choice until the user picks one (it may arrive after the form).
  const offsiteServerId = draft.offsiteServerId || (offsites[0]?.id ?? '');

  const edit = (l: LocalServer) => {
    setEditing(l);
    setProblem(null);
    setDraft({
      machineId: l.machineId,
      directory: l.directory,
      offsiteServerId: l.offsiteServerId,
      schedule: l.schedule,
      bandwidthKBps: String(l.bandwidthKBps),
    });
    // The header form is where the row's values went: keyboard users continue there.
    window.requestAnimationFrame(() =>
      document.querySelector<HTMLInputElement>('#local-form input')?.focus(),
    );
  };
  const cancel = () => {
    setEditing(null);
    setDraft(empty);
    setProblem(null);
  };
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const ready = { ...draft, offsiteServerId };
    const found = localDraftProblem(ready);
    setProblem(found);
    if (found) return;
    setBusy(true);
    try {
      const change = await saveLocalServer(editing?.id ?? null, {
        machineId: ready.machineId.trim().toLowerCase(),
        directory: ready.directory.trim(),
        offsiteServerId,
        schedule: ready.schedule.trim(),
        bandwidthKBps: Number(ready.bandwidthKBps),
      });
      report({
        message: editing
          ? `Saved the local server on ${ready.machineId.trim()}; its agent restarts it.`
          : `Created the local server on ${ready.machineId.trim()}; its agent starts it and runs a first pass.`,
        change,
      });
      cancel();
      onChanged();
    } catch (error) {
      report({ error });
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="local-title">
      <h2 id="local-title">Local Servers</h2>
      {manage && offsites.length === 0 ? (
        <p className="muted">Create an offsite server first: each local server sends to one.</p>
      ) : null}
      {manage && offsites.length > 0 ? (
        <form
          id="local-form"
          className="panel rep-role-form"
          onSubmit={submit}
          aria-label="Local server"
          noValidate
        >
          <p className="muted">
            {editing
              ? `Editing the local server on ${editing.machineId}. Saving restarts it.`
              : 'A local server sends the changes of its directory (one folder per backed-up machine) to its offsite server.'}
          </p>
          <div className="toolbar">
            <MachineIdInput
              label="Machine ID"
              value={draft.machineId}
              onChange={(machineId) => set({ machineId })}
            />
            <label className="rep-wide">
              Local Server directory
              <input
                value={draft.directory}
                onChange={(e) => set({ directory: e.target.value })}
                required
                maxLength={4096}
              />
            </label>
            <label>
              Offsite server
              <select
                aria-label="Offsite server"
                value={offsiteServerId}
                onChange={(e) => set({ offsiteServerId: e.target.value })}
              >
                {offsites.map((o) => (
                  <option key={o.id} value={o.id}>
                    {o.machineId} ({o.host}:{o.port})
                  </option>
                ))}
              </select>
            </label>
            <label>
              Schedule (cron)
              <input
                value={draft.schedule}
                onChange={(e) => set({ schedule: e.target.value })}
                required
                maxLength={200}
                spellCheck={false}
              />
            </label>
            <label>
              Bandwidth limit (KB/s, 0 unlimited)
              <input
                type="number"
                inputMode="numeric"
                min={0}
                value={draft.bandwidthKBps}
                onChange={(e) => set({ bandwidthKBps: e.target.value })}
                required
              />
            </label>
          </div>
          {problem ? (
            <p className="error" role="alert">
              {problem}
            </p>
          ) : null}
          <div className="toolbar">
            <button type="submit" disabled={busy}>
              {editing ? 'Save local server' : 'Create local server'}
            </button>
            {editing ? (
              <button type="button" className="secondary" onClick={cancel}>
                Cancel edit
              </button>
            ) : null}
          </div>
        </form>
      ) : null}
      <div className="table-wrap">
        <table aria-label="Local servers">
          <thead>
            <tr>
              {manage ? <th>Actions</th> : null}
              <th>Check-in status</th>
              <th>Machine.Group ID</th>
              <th>Status</th>
              <th>Transfer</th>
              <th>Last transfer</th>
              <th>Last pass</th>
              <th>Offsite server</th>
              <th>Directory</th>
              <th>Schedule</th>
              <th>Next run</th>
              <th>Bandwidth</th>
            </tr>
          </thead>
          <tbody>
            {locals.map((l) => (
              <LocalRow
                key={l.id}
                local={l}
                status={agentStatus.get(l.machineId) ?? 'unknown'}
                offsite={hostOf(offsites, l.offsiteServerId)}
                manage={manage}
                editing={editing?.id === l.id}
                onEdit={() => edit(l)}
                report={report}
                onChanged={onChanged}
              />
            ))}
            {locals.length === 0 ? (
              <tr>
                <td colSpan={manage ? 12 : 11} className="muted">
                  {filtered ? 'No local server on a machine the filter matches.' : 'No local server yet.'}
                </td>
              </tr>
            ) : null}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function LocalRow({
  local: l,
  status,
  offsite,
  manage,
  editing,
  onEdit,
  report,
  onChanged,
}: {
  local: LocalServer;
  status: string;
  offsite: string;
  manage: boolean;
  editing: boolean;
  onEdit: () => void;
  report: Report;
  onChanged: () => void;
}) {
  const run = async (action: () => Promise<{ procedures: string[] }>, message: string) => {
    try {
      const { procedures } = await action();
      report({ message, change: { procedures, warnings: [] } });
      onChanged();
    } catch (error) {
      report({ error });
    }
  };
  const remove = () => {
    if (!window.confirm(`Delete the local server on ${l.machineId}? Its agent stops sending to ${offsite}.`))
      return;
    void run(() => roleActions.deleteLocal(l.id), `Deleted the local server on ${l.machineId}.`);
  };
  const pass = l.lastPass;
  return (
    <tr data-local={l.id} aria-selected={editing}>
      {manage ? (
        <td className="rep-actions">
          <button
            type="button"
            className="secondary"
            onClick={onEdit}
            aria-label={`Edit local server ${l.machineId}`}
          >
            Edit
          </button>
          <button
            type="button"
            className="danger"
            onClick={remove}
            aria-label={`Delete local server ${l.machineId}`}
          >
            Delete
          </button>
          <button
            type="button"
            className="secondary"
            onClick={() =>
              void run(() => roleActions.restartLocal(l.id), `Restarting the local server on ${l.machineId}.`)
            }
            aria-label={`Restart local server ${l.machineId}`}
          >
            Restart
          </button>
          <button
            type="button"
            onClick={() => void run(() => roleActions.replicateNow(l.id), `Replicating ${l.machineId} now.`)}
            aria-label={`Replicate now ${l.machineId}`}
          >
            Replicate now
          </button>
        </td>
      ) : null}
      <td>
        <StatusIcon status={status} />
      </td>
      <td className="rep-machine-id">{l.machineId}</td>
      <td>
        <span className={`rep-role-status rep-role-${l.status}`} data-field="local-status">
          {l.status === 'active' ? 'Active' : 'Inactive'}
        </span>
        {l.error ? <span className="rep-role-error">{l.error}</span> : null}
      </td>
      <td>
        <TransferProgress local={l} />
      </td>
      <td data-field="last-transfer">
        <Time iso={l.lastTransferAt} empty="never" />
      </td>
      <td data-field="last-pass">
        {pass ? (
          <>
            {pass.complete ? 'Complete' : 'Broken off'}: {pass.filesSent} files, {formatBytes(pass.bytesSent)}{' '}
            sent, {formatBytes(pass.matchedBytes)} already there
            {pass.resumedBytes > 0 ? `, resumed at ${formatBytes(pass.resumedBytes)}` : ''}
          </>
        ) : (
          <span className="muted">none yet</span>
        )}
      </td>
      <td>{offsite}</td>
      <td className="rep-path">{l.directory}</td>
      <td>
        <code>{l.schedule}</code>
      </td>
      <td>
        <Time iso={l.nextRunAt} />
      </td>
      <td>{formatBandwidth(l.bandwidthKBps)}</td>
    </tr>
  );
}
