import { type FormEvent, useState } from 'react';
import { useSession } from '../../app/session';
import { useLoad } from '../../components/paging';
import { StatusIcon } from '../../components/StatusIcon';
import { Time } from '../../components/Time';
import { MachineIdInput } from './MachineIdInput';
import {
  type ChangeOutcome,
  type OffsiteServer,
  offsiteRetention,
  roleActions,
  saveOffsiteServer,
} from './replication-api';
import { formatBytes } from './replication-format';

/** Offsite server ports the manual allows: registered ports only. */
export const OFFSITE_PORT_MIN = 1024;
/** Offsite server ports the manual allows: registered ports only. */
export const OFFSITE_PORT_MAX = 49151;
/** The manual's suggestion, next to the agent check-in port. */
const SUGGESTED_PORT = '5722';

/** What a role action reports to the page: what happened, or the failure to show. */
export type Report = (outcome: { message: string; change?: ChangeOutcome } | { error: unknown }) => void;

interface Draft {
  machineId: string;
  host: string;
  port: string;
  directory: string;
  syntheticFull: boolean;
}
const EMPTY: Draft = { machineId: '', host: '', port: SUGGESTED_PORT, directory: '', syntheticFull: false };

/** Why the header form cannot be sent as it is, before anything is sent. */
export function offsiteDraftProblem(d: Draft): string | null {
  if (d.machineId.trim() === '') return 'Select the machine ID that acts as the offsite server.';
  if (d.host.trim() === '')
    return 'Enter the DNS name or IP address local servers reach the offsite server at.';
  const port = Number(d.port);
  if (!Number.isInteger(port) || port < OFFSITE_PORT_MIN || port > OFFSITE_PORT_MAX)
    return `Offsite server ports are restricted to between ${OFFSITE_PORT_MIN} and ${OFFSITE_PORT_MAX}; try 5722.`;
  if (d.directory.trim() === '')
    return 'Enter the full path of the directory that receives all data transfers.';
  return null;
}

/**
 * Offsite Servers: the header form (Create, or Save after a row's Edit filled it in) and the list
 * with each server's status, its agent's check-in status, and the Edit, Delete, Restart and
 * Verify actions for users who may manage replication.
 */
export function OffsiteServers({
  offsites,
  agentStatus,
  report,
  onChanged,
  filtered = false,
}: {
  offsites: OffsiteServer[];
  agentStatus: ReadonlyMap<string, string>;
  report: Report;
  onChanged: () => void;
  /** The Machine ID / Group ID filter hides some: an empty list then says so. */
  filtered?: boolean;
}) {
  const manage = useSession().can('replication.manage');
  const [editing, setEditing] = useState<OffsiteServer | null>(null);
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const set = (change: Partial<Draft>) => setDraft((d) => ({ ...d, ...change }));

  const edit = (o: OffsiteServer) => {
    setEditing(o);
    setProblem(null);
    setDraft({
      machineId: o.machineId,
      host: o.host,
      port: String(o.port),
      directory: o.directory,
      syntheticFull: o.syntheticFull,
    });
    // The header form is where the row's values went: keyboard users continue there.
    window.requestAnimationFrame(() =>
      document.querySelector<HTMLInputElement>('#offsite-form input')?.focus(),
    );
  };
  const cancel = () => {
    setEditing(null);
    setDraft(EMPTY);
    setProblem(null);
  };
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const found = offsiteDraftProblem(draft);
    setProblem(found);
    if (found) return;
    setBusy(true);
    try {
      const change = await saveOffsiteServer(editing?.id ?? null, {
        machineId: draft.machineId.trim().toLowerCase(),
        host: draft.host.trim(),
        port: Number(draft.port),
        directory: draft.directory.trim(),
        syntheticFull: draft.syntheticFull,
      });
      report({
        message: editing
          ? `Saved the offsite server on ${draft.machineId.trim()}; its agent restarts it.`
          : `Created the offsite server on ${draft.machineId.trim()}; its agent starts it.`,
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
    <section aria-labelledby="offsite-title">
      <h2 id="offsite-title">Offsite Servers</h2>
      {manage ? (
        <form
          id="offsite-form"
          className="panel rep-role-form"
          onSubmit={submit}
          aria-label="Offsite server"
          noValidate
        >
          <p className="muted">
            {editing
              ? `Editing the offsite server on ${editing.machineId}. Saving restarts it.`
              : 'Any machine may act as an offsite server: it listens for its local servers on the port given.'}
          </p>
          <div className="toolbar">
            <MachineIdInput
              label="Machine ID"
              value={draft.machineId}
              onChange={(machineId) => set({ machineId })}
            />
            <label>
              Name/IP
              <input
                value={draft.host}
                onChange={(e) => set({ host: e.target.value })}
                required
                maxLength={253}
                placeholder="offsite.example.com"
              />
            </label>
            <label>
              Port
              <input
                type="number"
                inputMode="numeric"
                min={OFFSITE_PORT_MIN}
                max={OFFSITE_PORT_MAX}
                value={draft.port}
                onChange={(e) => set({ port: e.target.value })}
                required
              />
            </label>
            <label className="rep-wide">
              Full path to directory (UNC or local) which receives all data transfers
              <input
                value={draft.directory}
                onChange={(e) => set({ directory: e.target.value })}
                required
                maxLength={4096}
              />
            </label>
            <label className="inline">
              <input
                type="checkbox"
                checked={draft.syntheticFull}
                onChange={(e) => set({ syntheticFull: e.target.checked })}
              />
              Synthetic Full Support
            </label>
          </div>
          {problem ? (
            <p className="error" role="alert">
              {problem}
            </p>
          ) : null}
          <div className="toolbar">
            <button type="submit" disabled={busy}>
              {editing ? 'Save offsite server' : 'Create offsite server'}
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
        <table aria-label="Offsite servers">
          <thead>
            <tr>
              {manage ? <th>Actions</th> : null}
              <th>Check-in status</th>
              <th>Machine.Group ID</th>
              <th>Name/IP</th>
              <th>Port</th>
              <th>Directory Path</th>
              <th>Synthetic Full</th>
              <th>Offsite server</th>
              <th>Free space</th>
              <th>Local servers connected</th>
              <th>Last verification</th>
            </tr>
          </thead>
          <tbody>
            {offsites.map((o) => (
              <OffsiteRow
                key={o.id}
                offsite={o}
                status={agentStatus.get(o.machineId) ?? o.agentStatus}
                manage={manage}
                editing={editing?.id === o.id}
                onEdit={() => edit(o)}
                report={report}
                onChanged={onChanged}
              />
            ))}
            {offsites.length === 0 ? (
              <tr>
                <td colSpan={manage ? 11 : 10} className="muted">
                  {filtered ? 'No offsite server on a machine the filter matches.' : 'No offsite server yet.'}
                </td>
              </tr>
            ) : null}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function OffsiteRow({
  offsite: o,
  status,
  manage,
  editing,
  onEdit,
  report,
  onChanged,
}: {
  offsite: OffsiteServer;
  status: string;
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
    if (
      !window.confirm(
        `Delete the offsite server on ${o.machineId} (${o.host}:${o.port})? Its agent stops it.`,
      )
    )
      return;
    void run(() => roleActions.deleteOffsite(o.id), `Deleted the offsite server on ${o.machineId}.`);
  };
  const v = o.lastVerification;
  return (
    <tr data-offsite={o.id} aria-selected={editing}>
      {manage ? (
        <td className="rep-actions">
          <button
            type="button"
            className="secondary"
            onClick={onEdit}
            aria-label={`Edit offsite server ${o.machineId}`}
          >
            Edit
          </button>
          <button
            type="button"
            className="danger"
            onClick={remove}
            aria-label={`Delete offsite server ${o.machineId}`}
          >
            Delete
          </button>
          <button
            type="button"
            className="secondary"
            onClick={() =>
              void run(
                () => roleActions.restartOffsite(o.id),
                `Restarting the offsite server on ${o.machineId}.`,
              )
            }
            aria-label={`Restart offsite server ${o.machineId}`}
          >
            Restart
          </button>
          <button
            type="button"
            className="secondary"
            onClick={() =>
              void run(
                () => roleActions.verifyOffsite(o.id),
                `Verifying what the offsite server on ${o.machineId} holds.`,
              )
            }
            aria-label={`Verify offsite server ${o.machineId}`}
          >
            Verify
          </button>
        </td>
      ) : null}
      <td>
        <StatusIcon status={status} />
      </td>
      <td className="rep-machine-id">{o.machineId}</td>
      <td>{o.host}</td>
      <td>{o.port}</td>
      <td className="rep-path">{o.directory}</td>
      <td>
        <SyntheticFull offsite={o} />
      </td>
      <td>
        <span className={`rep-role-status rep-role-${o.status}`} data-field="offsite-status">
          {o.status === 'online' ? 'Online' : 'Offline'}
        </span>
        {o.error ? <span className="rep-role-error">{o.error}</span> : null}
      </td>
      <td>{o.freeBytes === null ? '—' : formatBytes(o.freeBytes)}</td>
      <td>{o.connectedLocalServers}</td>
      <td>
        {v ? (
          <>
            <Time iso={new Date(v.at).toISOString()} />: {v.filesChecked} files, {v.corrupted.length} damaged,{' '}
            {v.missing} missing
          </>
        ) : (
          <span className="muted">never</span>
        )}
      </td>
    </tr>
  );
}

/** Synthetic full on or off, and when on, the snapshots its agent keeps. */
function SyntheticFull({ offsite }: { offsite: OffsiteServer }) {
  const seesCommands = useSession().can('machines.view');
  const retention = useLoad(
    () => (offsite.syntheticFull && seesCommands ? offsiteRetention(offsite) : Promise.resolve(null)),
    [offsite.id, offsite.syntheticFull, offsite.updatedAt, seesCommands],
  );
  if (!offsite.syntheticFull) return <span data-field="synthetic-full">Off</span>;
  const r = retention.data;
  return (
    <span data-field="synthetic-full">
      On
      {r ? (
        <span className="muted rep-snapshots">
          {' '}
          — keeps the newest {r.keepLast} snapshots, one a day for {r.daily} days, one a week for {r.weekly}{' '}
          weeks
        </span>
      ) : null}
    </span>
  );
}
