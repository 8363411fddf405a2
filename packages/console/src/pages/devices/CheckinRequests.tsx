import { Time } from '../../components/Time';
import type { WakeView } from './device-api';
import { CHANNEL_NAMES } from './device-words';

const STATUS_WORDS: Record<WakeView['status'], string> = {
  queued: 'Queued: being sent',
  sent: 'Sent',
  failed: 'Failed',
};

/**
 * Every Request Checkin of the device: through which channel, whether it was sent (or why not,
 * in the provider's words), and the check-in that followed.
 */
export function CheckinRequests({ wakes }: { wakes: WakeView[] }) {
  return (
    <section aria-labelledby="wakes-title">
      <h3 id="wakes-title">Check-in requests</h3>
      <div className="table-wrap">
        <table aria-label="Check-in requests">
          <thead>
            <tr>
              <th>Requested</th>
              <th>Sent through</th>
              <th>Status</th>
              <th>Sent</th>
              <th>Attempts</th>
              <th>Check-in that followed</th>
            </tr>
          </thead>
          <tbody>
            {wakes.map((w) => (
              <tr key={w.id} data-wake={w.id} data-status={w.status}>
                <td>
                  <Time iso={w.requestedAt} />
                </td>
                <td>{CHANNEL_NAMES[w.channel] ?? w.channel}</td>
                <td>
                  {STATUS_WORDS[w.status] ?? w.status}
                  {w.reason ? <span className="dev-wake-reason">: {w.reason}</span> : null}
                </td>
                <td>
                  <Time iso={w.sentAt} />
                </td>
                <td>{w.attempts}</td>
                <td>
                  <Time iso={w.checkinAt} empty={w.status === 'failed' ? '—' : 'not yet'} />
                </td>
              </tr>
            ))}
            {wakes.length === 0 ? (
              <tr>
                <td colSpan={6} className="muted">
                  No check-in was requested for this device.
                </td>
              </tr>
            ) : null}
          </tbody>
        </table>
      </div>
    </section>
  );
}

/** Whether a wake-up is still in flight or waiting for its check-in (worth looking again soon). */
export function wakeUnsettled(w: WakeView, now: number): boolean {
  if (w.status === 'queued') return true;
  if (w.status !== 'sent' || w.checkinAt !== null) return false;
  // A person has to open the app: look often for a few minutes, then leave it to the events.
  const sent = Date.parse(w.sentAt ?? w.requestedAt ?? '');
  return Number.isFinite(sent) && now - sent < 3 * 60_000;
}
