import { useCallback, useEffect, useRef, useState } from 'react';
import { Time } from '../../components/Time';
import { useLiveEvents } from '../../live/events';
import { formatDuration } from './duration';
import { type ConnectionPage, fetchCheckinHistory, type MachineConnection } from './machine-api';

/** Rows per page of the history. */
const PAGE = 20;
/**
 * The server writes connections and their ends in its coalesced batches (about once a second):
 * after a machine connects or disconnects the page reads the history again a little later.
 */
const AFTER_WRITE_MS = [1500, 4000];
/**
 * A page opened just after a connect or disconnect may read the history before that batch is
 * written (its event went by before the page listened): while the newest entry disagrees with
 * the machine's online state, the history is read again, a few times at most (a machine that
 * missed its check-ins shows offline though its connection is open).
 */
const SETTLE_MS = 1500;
const SETTLE_TRIES = 3;

const END_TEXT: Record<string, string> = {
  'agent-closed': 'agent closed it',
  'connection-lost': 'connection lost',
  replaced: 'replaced by a newer connection',
  'server-restart': 'server restarted',
  'machine-removed': 'machine removed',
  'protocol-error': 'ended by the server (error)',
  'node-lost': 'server node stopped unexpectedly',
};

/**
 * One connection. An open one that is not the newest has no end written yet: the server node
 * that held it stopped without writing it (it is written as node-lost when that node starts
 * again), or wrote it a moment after the newer start.
 */
function Row({ c, newest }: { c: MachineConnection; newest: boolean }) {
  const open = c.endReason === null;
  return (
    <tr data-testid="checkin-history-row" data-open={open ? 'true' : 'false'}>
      <td>
        <Time iso={c.connectedAt} />
      </td>
      <td>
        {!open ? (
          <Time iso={c.disconnectedAt} />
        ) : newest ? (
          <strong>connected now</strong>
        ) : (
          <span className="muted">no end recorded yet</span>
        )}
      </td>
      <td>
        {c.durationSeconds === null ? <span className="muted">—</span> : formatDuration(c.durationSeconds)}
      </td>
      <td>{c.remoteAddress}</td>
      <td data-testid="checkin-history-count">
        {c.checkins === null ? <span className="muted">counted when it ends</span> : c.checkins}
      </td>
      <td>{open ? <span className="muted">—</span> : (END_TEXT[c.endReason ?? ''] ?? c.endReason)}</td>
    </tr>
  );
}

/**
 * The machine's check-in history as the server stores it: each connection of its agent with
 * when it began and ended, from where, and its check-ins, newest first. It survives a reload;
 * a connect or disconnect seen on the event stream reads it again.
 */
export function CheckinHistory({ machineId, online }: { machineId: string; online: boolean }) {
  const [page, setPage] = useState<ConnectionPage | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  const timers = useRef<number[]>([]);
  const settleTries = useRef(0);

  const load = useCallback(async () => {
    try {
      setPage(await fetchCheckinHistory(machineId, PAGE, null));
      setError(null);
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : String(failure));
    }
  }, [machineId]);

  useEffect(() => {
    void load();
    const pending = timers.current;
    return () => {
      for (const t of pending) window.clearTimeout(t);
    };
  }, [load]);

  useEffect(() => {
    const open = page?.items[0]?.endReason === null;
    if (!page || open === online || settleTries.current >= SETTLE_TRIES) return;
    settleTries.current++;
    const timer = window.setTimeout(() => void load(), SETTLE_MS);
    return () => window.clearTimeout(timer);
  }, [page, online, load]);

  useLiveEvents('machine', (event) => {
    if (event.machineId !== machineId) return;
    if (event.change !== 'connected' && event.change !== 'disconnected') return;
    settleTries.current = 0;
    // The latest connect or disconnect decides when to read again; earlier reads are dropped.
    for (const t of timers.current) window.clearTimeout(t);
    timers.current.length = 0;
    for (const ms of AFTER_WRITE_MS) timers.current.push(window.setTimeout(() => void load(), ms));
  });

  const more = async () => {
    if (!page?.next) return;
    setLoadingMore(true);
    try {
      const next = await fetchCheckinHistory(machineId, PAGE, page.next);
      setPage({ items: [...page.items, ...next.items], next: next.next, total: next.total });
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : String(failure));
    } finally {
      setLoadingMore(false);
    }
  };

  return (
    <section className="panel" aria-labelledby="checkin-history-heading">
      <h2 id="checkin-history-heading">Check-in history</h2>
      {error ? (
        <p role="alert" className="error">
          {error}
        </p>
      ) : null}
      {page === null ? (
        <p className="muted">Loading…</p>
      ) : page.items.length === 0 ? (
        <p className="muted">No connections yet: each connection of the agent is listed here.</p>
      ) : (
        <div className="checkin-history-scroll">
          <table className="checkin-history" aria-label="Check-in history">
            <thead>
              <tr>
                <th scope="col">Connected</th>
                <th scope="col">Disconnected</th>
                <th scope="col">Duration</th>
                <th scope="col">Address</th>
                <th scope="col">Check-ins</th>
                <th scope="col">How it ended</th>
              </tr>
            </thead>
            <tbody>
              {page.items.map((c, i) => (
                <Row key={c.id} c={c} newest={i === 0} />
              ))}
            </tbody>
          </table>
        </div>
      )}
      {page ? (
        <p className="muted">
          {page.items.length} of {page.total} connections
          {page.next ? (
            <>
              {' '}
              <button type="button" className="secondary" disabled={loadingMore} onClick={() => void more()}>
                Show older
              </button>
            </>
          ) : null}
        </p>
      ) : null}
    </section>
  );
}
