import { lazy, Suspense, useState } from 'react';
import { Link } from '../../app/router';
import { ErrorNote } from '../../components/ErrorNote';
import { Pager, usePagedList } from '../../components/paging';
import { Time } from '../../components/Time';
import { ConfirmDialog } from '../admin/ConfirmDialog';
import { formatBytes } from '../machine/MachineOverview';
import {
  endReasonText,
  endTerminalSession,
  fetchTerminalSessions,
  type TerminalSession,
} from './terminal-sessions-api';

// The player (xterm.js) loads only when a recording is replayed.
const RecordingPlayer = lazy(() => import('./RecordingPlayer').then((m) => ({ default: m.RecordingPlayer })));

const LIVE_LIMIT = 100;
const PAGE_SIZE = 25;

const machineLink = (id: string) => <Link href={`/machines/${encodeURIComponent(id)}`}>{id}</Link>;

/**
 * Terminal sessions (`/terminal-sessions`): the live ones, each with an End button (after a
 * confirmation; the person at it reads that an administrator ended it), and the recorded ones,
 * newest first and paged, each with a Replay that plays its recording here.
 */
export function TerminalSessionsPage() {
  const live = usePagedList((after) => fetchTerminalSessions(true, LIVE_LIMIT, after), []);
  const recorded = usePagedList((after) => fetchTerminalSessions(false, PAGE_SIZE, after), []);
  const [ending, setEnding] = useState<TerminalSession | null>(null);
  const [endBusy, setEndBusy] = useState(false);
  const [endError, setEndError] = useState<unknown>(null);
  const [replaying, setReplaying] = useState<TerminalSession | null>(null);

  const reload = () => {
    live.reload();
    recorded.reload();
  };
  const confirmEnd = async () => {
    if (!ending) return;
    setEndBusy(true);
    setEndError(null);
    try {
      await endTerminalSession(ending.id);
      setEnding(null);
      reload();
    } catch (error) {
      setEndError(error);
    } finally {
      setEndBusy(false);
    }
  };

  return (
    <article className="terminal-sessions-page">
      <h1>Terminal sessions</h1>
      <div className="toolbar">
        <button type="button" className="secondary" onClick={reload}>
          Reload
        </button>
      </div>

      <section className="panel" aria-labelledby="live-sessions-heading">
        <h2 id="live-sessions-heading">Live sessions</h2>
        <ErrorNote error={live.error} />
        {live.page && live.page.items.length === 0 ? (
          <p className="muted">No terminal is open now.</p>
        ) : (
          <div className="table-wrap">
            <table aria-label="Live sessions">
              <thead>
                <tr>
                  <th>Machine</th>
                  <th>User</th>
                  <th>Started</th>
                  <th>Node</th>
                  <th>Size</th>
                  <th>Actions</th>
                </tr>
              </thead>
              <tbody>
                {live.page?.items.map((s) => (
                  <tr key={s.id} data-session={s.id}>
                    <td>{machineLink(s.machineId)}</td>
                    <td>{s.user}</td>
                    <td>
                      <Time iso={s.startedAt} />
                    </td>
                    <td>{s.node}</td>
                    <td>
                      {s.cols}×{s.rows}
                    </td>
                    <td>
                      <button
                        type="button"
                        className="danger"
                        aria-label={`End ${s.user}'s session on ${s.machineId}`}
                        onClick={() => {
                          setEndError(null);
                          setEnding(s);
                        }}
                      >
                        End
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <section className="panel" aria-labelledby="recorded-sessions-heading">
        <h2 id="recorded-sessions-heading">Recorded sessions</h2>
        <ErrorNote error={recorded.error} />
        {recorded.page && recorded.page.items.length === 0 && recorded.index === 0 ? (
          <p className="muted">No terminal session has ended yet.</p>
        ) : (
          <div className="table-wrap">
            <table aria-label="Recorded sessions">
              <thead>
                <tr>
                  <th>Machine</th>
                  <th>User</th>
                  <th>Started</th>
                  <th>Ended</th>
                  <th>Reason</th>
                  <th>Typed</th>
                  <th>Printed</th>
                  <th>Recording</th>
                  <th>Actions</th>
                </tr>
              </thead>
              <tbody>
                {recorded.page?.items.map((s) => (
                  <tr key={s.id} data-session={s.id}>
                    <td>{machineLink(s.machineId)}</td>
                    <td>{s.user}</td>
                    <td>
                      <Time iso={s.startedAt} />
                    </td>
                    <td>
                      <Time iso={s.endedAt} />
                    </td>
                    <td>{endReasonText(s)}</td>
                    <td>{formatBytes(s.bytesIn)}</td>
                    <td>{formatBytes(s.bytesOut)}</td>
                    <td>
                      {formatBytes(s.recordingBytes)}
                      {s.recordInput ? '' : ' (no keystrokes)'}
                    </td>
                    <td>
                      <button
                        type="button"
                        className="secondary"
                        aria-label={`Replay ${s.user}'s session on ${s.machineId}`}
                        onClick={() => setReplaying(s)}
                      >
                        Replay
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <Pager list={recorded} pageSize={PAGE_SIZE} label="Recorded sessions" />
      </section>

      {replaying ? (
        <Suspense fallback={<p className="loading">Loading the player…</p>}>
          <RecordingPlayer key={replaying.id} session={replaying} onClose={() => setReplaying(null)} />
        </Suspense>
      ) : null}

      <ConfirmDialog
        open={ending !== null}
        title="End this terminal session?"
        confirmLabel="End session"
        busy={endBusy}
        error={endError}
        onConfirm={() => void confirmEnd()}
        onCancel={() => setEnding(null)}
      >
        {ending ? (
          <p>
            {ending.user}’s shell on {ending.machineId} closes now, and they see that an administrator ended
            it.
          </p>
        ) : null}
      </ConfirmDialog>
    </article>
  );
}
