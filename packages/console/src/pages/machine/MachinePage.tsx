import { lazy, Suspense, useCallback, useEffect, useState } from 'react';
import { ApiError } from '../../api/client';
import { Link } from '../../app/router';
import { useSession } from '../../app/session';
import { ErrorNote } from '../../components/ErrorNote';
import { StatusIcon, statusTitle } from '../../components/StatusIcon';
import { type LiveEvent, useLiveEvents } from '../../live/events';
import { CheckinHistory } from './CheckinHistory';
import { CheckinSettingsPanel } from './CheckinSettingsPanel';
import { CommandHistory } from './CommandHistory';
import { FileTransferForms } from './FileTransferForms';
import { MachineOverview } from './MachineOverview';
import { fetchMachine, type MachineDetail, queueCommand, setSuspended } from './machine-api';
import { RunScriptForm } from './RunScriptForm';
import { useMachineCommands } from './use-machine-commands';
import './machine.css';

// The terminal (xterm.js, a third of the console's code) loads only when one is opened.
const RemoteTerminal = lazy(() => import('./RemoteTerminal').then((m) => ({ default: m.RemoteTerminal })));

type State =
  | { kind: 'loading' }
  | { kind: 'found'; machine: MachineDetail }
  | { kind: 'not-found' }
  | { kind: 'deleted'; id: string }
  | { kind: 'failed'; error: unknown };

/**
 * One machine (`/machines/:id`): its status, check-ins and audit, its check-in control settings,
 * its pending procedures and command history, and forms to run a script or move a file. A
 * machine outside the user's scopes answers 404 and reads "Not found", exactly like one that
 * does not exist.
 */
export function MachinePage({ params }: { params: Record<string, string> }) {
  const id = params.id ?? '';
  const [state, setState] = useState<State>({ kind: 'loading' });

  const load = useCallback(async () => {
    try {
      const machine = await fetchMachine(id);
      setState({ kind: 'found', machine });
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) setState({ kind: 'not-found' });
      else setState({ kind: 'failed', error });
    }
  }, [id]);
  useEffect(() => {
    setState({ kind: 'loading' });
    void load();
  }, [load]);

  if (state.kind === 'loading') return <p className="loading">Loading…</p>;
  if (state.kind === 'not-found') {
    return (
      <section>
        <h1>Not found</h1>
        <p>There is no such machine, or it is outside your scopes.</p>
        <p>
          <Link href="/machines">All machines</Link>
        </p>
      </section>
    );
  }
  if (state.kind === 'deleted') {
    return (
      <section>
        <h1>{state.id}</h1>
        <p className="notice" role="status">
          This machine account was deleted.
        </p>
        <p>
          <Link href="/machines">All machines</Link>
        </p>
      </section>
    );
  }
  if (state.kind === 'failed') {
    return (
      <section>
        <h1>{id}</h1>
        <ErrorNote error={state.error} />
        <button type="button" onClick={() => void load()}>
          Try again
        </button>
      </section>
    );
  }
  return (
    <MachineView
      // Another machine is another page: nothing of the one before (its commands) is kept.
      key={state.machine.id}
      machine={state.machine}
      update={(change) =>
        setState((now) => (now.kind === 'found' ? { kind: 'found', machine: change(now.machine) } : now))
      }
      onDeleted={() => setState({ kind: 'deleted', id: state.machine.id })}
      onGone={() => setState({ kind: 'not-found' })}
    />
  );
}

/** Why no terminal can open on the machine now (the server would refuse it), or null. */
function terminalRefusal(machine: MachineDetail): string | null {
  if (!machine.remoteControlEnabled)
    return 'A terminal needs remote control, which is disabled for this machine.';
  if (machine.suspended) return 'A terminal cannot open on a suspended machine.';
  if (!machine.online) return 'A terminal opens only while the agent is connected.';
  return null;
}

/** The fields a `machine` event carries, merged into the machine shown. */
function applyMachineEvent(machine: MachineDetail, event: LiveEvent): MachineDetail {
  if (event.machine && typeof event.machine === 'object')
    return { ...machine, ...(event.machine as Partial<MachineDetail>) };
  return typeof event.status === 'string' ? { ...machine, status: event.status } : machine;
}

function MachineView({
  machine,
  update,
  onDeleted,
  onGone,
}: {
  machine: MachineDetail;
  /** Changes the machine shown; a function of the latest one, as events may come quickly. */
  update(change: (machine: MachineDetail) => MachineDetail): void;
  onDeleted(): void;
  /** The machine answers 404 now (deleted, or taken out of the user's scopes). */
  onGone(): void;
}) {
  const { can } = useSession();
  const commands = useMachineCommands(machine.id);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [terminalOpen, setTerminalOpen] = useState(false);
  const terminalUnavailable = terminalRefusal(machine);

  /** Reads the machine again; a failure is shown above the page, which stays as it was. */
  const reload = async () => {
    try {
      const now = await fetchMachine(machine.id);
      update(() => now);
    } catch (failure) {
      if (failure instanceof ApiError && failure.status === 404) onGone();
      else setError(failure);
    }
  };

  useLiveEvents('machine', (event) => {
    if (event.machineId !== machine.id) return;
    if (event.change === 'removed') return onDeleted();
    update((shown) => applyMachineEvent(shown, event));
    // The event leaves out the audit and the settings themselves: read them again.
    if (event.change === 'audited' || event.change === 'settings-applied') void reload();
  });
  useLiveEvents('checkin', (event) => {
    if (event.machineId !== machine.id || typeof event.at !== 'string') return;
    const at = event.at;
    update((shown) => ({ ...shown, lastCheckinAt: at }));
  });

  const act = async (action: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  /** A command queued on this page is shown whole at once; its events then follow it. */
  const queued = (commandId: string) => commands.select(commandId);
  const title = statusTitle({
    status: machine.status,
    temporary: machine.temporary,
    bound: machine.bound,
    loggedOnUser: machine.loggedOnUser,
  });

  return (
    <article className="machine-page">
      <p className="muted">
        <Link href="/machines">Machines</Link> / {machine.group}
      </p>
      <header className="machine-head">
        <StatusIcon
          status={machine.status}
          temporary={machine.temporary}
          bound={machine.bound}
          loggedOnUser={machine.loggedOnUser}
        />
        <h1>{machine.id}</h1>
        <span className="machine-status" aria-live="polite" data-testid="machine-status">
          {title}
        </span>
      </header>
      <div className="toolbar">
        {can('machines.manage') ? (
          machine.suspended ? (
            <button
              type="button"
              disabled={busy}
              onClick={() =>
                act(async () => {
                  const now = await setSuspended(machine.id, false);
                  update(() => now);
                })
              }
            >
              Resume
            </button>
          ) : (
            <button
              type="button"
              className="secondary"
              disabled={busy}
              onClick={() =>
                act(async () => {
                  const now = await setSuspended(machine.id, true);
                  update(() => now);
                })
              }
            >
              Suspend
            </button>
          )
        ) : null}
        {can('commands.run') ? (
          <button
            type="button"
            className="secondary"
            disabled={busy}
            onClick={() => act(async () => queued(await queueCommand(machine.id, 'audit', {})))}
          >
            Audit now
          </button>
        ) : null}
        {can('remote.terminal') && !terminalOpen ? (
          <button
            type="button"
            className="secondary"
            disabled={terminalUnavailable !== null}
            aria-describedby={terminalUnavailable ? 'terminal-unavailable' : undefined}
            onClick={() => setTerminalOpen(true)}
          >
            Open terminal
          </button>
        ) : null}
        <button
          type="button"
          className="secondary"
          disabled={busy}
          onClick={() =>
            act(async () => {
              commands.reload();
              await reload();
            })
          }
        >
          Reload
        </button>
      </div>
      {can('remote.terminal') && terminalUnavailable && !terminalOpen ? (
        <p className="muted" id="terminal-unavailable">
          {terminalUnavailable}
        </p>
      ) : null}
      <ErrorNote error={error} />
      {terminalOpen ? (
        <Suspense fallback={<p className="loading">Loading the terminal…</p>}>
          <RemoteTerminal machineId={machine.id} onClose={() => setTerminalOpen(false)} />
        </Suspense>
      ) : null}

      <MachineOverview machine={machine} />
      <CheckinHistory machineId={machine.id} online={machine.online} />
      <CheckinSettingsPanel machine={machine} onSaved={reload} />

      {can('commands.run') && can('commands.run-shell') ? (
        <RunScriptForm machineId={machine.id} onQueued={queued} />
      ) : null}
      {can('commands.run') && can('files.read') ? (
        <FileTransferForms machine={machine} canWrite={can('files.write')} onQueued={queued} />
      ) : null}

      <CommandHistory
        commands={commands}
        canCancel={can('commands.cancel')}
        canReadFiles={can('files.read')}
      />
    </article>
  );
}
