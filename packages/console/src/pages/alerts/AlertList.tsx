import { useEffect, useState } from 'react';
import { Link } from '../../app/router';
import { useSession } from '../../app/session';
import { ErrorNote } from '../../components/ErrorNote';
import { useLoad } from '../../components/paging';
import { Time } from '../../components/Time';
import { CONDITIONS } from './alert-forms';
import { type Alert, listAlerts } from './alerts-api';

/** Alerts shown at first, and added by each "Show more"; the API gives at most 1,000. */
const PAGE = 100;
const MOST = 1000;
/**
 * How often the list is read again while shown. The event stream carries machines, commands
 * and replication, not alerts, and alerts change at the server's evaluations (every 30 s by
 * default), so reading the list on a timer is as live as it can be.
 */
export const ALERT_REFRESH_MS = 10_000;

const STATE_WORDS: Record<Alert['state'], string> = { firing: 'Firing', resolved: 'Resolved' };

/** A condition in short words, for the list. */
function conditionWords(condition: Alert['condition']): string {
  return CONDITIONS.find((c) => c.value === condition)?.short ?? condition;
}

/**
 * Alerts, newest first, with their state: firing until the condition clears, then resolved.
 * Filtered by state on the server; the newest 100 at first, more on request.
 */
export function AlertList() {
  const seesMachines = useSession().can('machines.view');
  const [state, setState] = useState<Alert['state'] | null>(null);
  const [limit, setLimit] = useState(PAGE);
  const alerts = useLoad(() => listAlerts(state, limit), [state, limit]);
  const { reload } = alerts;
  useEffect(() => {
    const timer = window.setInterval(reload, ALERT_REFRESH_MS);
    return () => window.clearInterval(timer);
  }, [reload]);
  const items = alerts.data ?? [];
  return (
    <section aria-labelledby="alerts-list-title">
      <h2 id="alerts-list-title">Alert list</h2>
      <div className="toolbar">
        <label>
          State
          <select
            aria-label="State"
            value={state ?? ''}
            onChange={(e) => {
              setState(e.target.value === '' ? null : (e.target.value as Alert['state']));
              setLimit(PAGE);
            }}
          >
            <option value="">Firing and resolved</option>
            <option value="firing">Firing</option>
            <option value="resolved">Resolved</option>
          </select>
        </label>
        <button type="button" className="secondary" onClick={reload}>
          Refresh
        </button>
        <span className="muted">Newest first; read again every {ALERT_REFRESH_MS / 1000} seconds.</span>
      </div>
      <ErrorNote error={alerts.error} />
      <div className="table-wrap">
        <table aria-label="Alerts">
          <thead>
            <tr>
              <th>State</th>
              <th>Machine</th>
              <th>Rule</th>
              <th>Condition</th>
              <th>Message</th>
              <th>Fired</th>
              <th>Resolved</th>
            </tr>
          </thead>
          <tbody>
            {items.map((a) => (
              <tr key={a.id} data-alert={a.id} data-state={a.state}>
                <td className={`alr-state-${a.state}`}>{STATE_WORDS[a.state] ?? a.state}</td>
                <td>
                  {seesMachines ? (
                    <Link href={`/machines/${encodeURIComponent(a.machineId)}`}>{a.machineId}</Link>
                  ) : (
                    a.machineId
                  )}
                </td>
                <td>{a.rule}</td>
                <td>{conditionWords(a.condition)}</td>
                <td className="alr-message">{a.message}</td>
                <td>
                  <Time iso={a.firedAt} />
                </td>
                <td>
                  <Time iso={a.resolvedAt} empty="not yet" />
                </td>
              </tr>
            ))}
            {alerts.data !== null && items.length === 0 ? (
              <tr>
                <td colSpan={7} className="muted">
                  {state === null ? 'No alert yet.' : `No ${state} alert.`}
                </td>
              </tr>
            ) : null}
          </tbody>
        </table>
      </div>
      {items.length === limit && limit < MOST ? (
        <button type="button" className="secondary" onClick={() => setLimit((l) => Math.min(l + PAGE, MOST))}>
          Show more
        </button>
      ) : items.length === MOST ? (
        <p className="muted">The newest {MOST} are shown; choose a state to see others.</p>
      ) : null}
    </section>
  );
}
