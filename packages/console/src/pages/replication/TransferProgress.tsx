import { useEffect, useRef } from 'react';
import type { LocalServer } from './replication-api';
import { formatBytes, formatDuration, formatRate } from './replication-format';

/**
 * How a local server's transfer is going: a progress bar, bytes still to send, the rate and the
 * time left. The agent reports what is left of the pass, not its size, so the bar's whole is
 * the most this page has seen left since the pass began (opened mid-pass, it starts from there).
 */
export function TransferProgress({ local }: { local: LocalServer }) {
  const transferring = local.state === 'transferring';
  const remaining = local.bytesRemaining ?? 0;
  const peak = useRef(0);
  const whole = transferring ? Math.max(peak.current, remaining) : 0;
  useEffect(() => {
    peak.current = whole;
  }, [whole]);

  const label = `Transfer of ${local.machineId}`;
  if (!transferring) {
    return (
      <span className="rep-transfer rep-idle" data-field="transfer">
        {local.state === 'waiting-retry'
          ? 'Waiting to retry'
          : local.state === 'stopped'
            ? 'Stopped'
            : 'Idle'}
        {local.bytesRemaining ? `, ${formatBytes(local.bytesRemaining)} still to send` : ''}
      </span>
    );
  }
  if (whole === 0) {
    // Connecting, or comparing files with what the offsite holds: nothing to measure yet.
    return (
      <span className="rep-transfer" data-field="transfer">
        <progress aria-label={label} />
        <span>Looking for changes…</span>
      </span>
    );
  }
  const sent = whole - remaining;
  const rate = local.rateBytesPerSecond ?? 0;
  return (
    <span className="rep-transfer" data-field="transfer">
      <progress aria-label={label} max={whole} value={sent} />
      <span className="rep-transfer-figures">
        <span data-field="bytes-remaining">{formatBytes(remaining)} still to send</span>
        {rate > 0 ? <span> · {formatRate(rate)}</span> : null}
        {local.etaSeconds !== null ? <span> · {formatDuration(local.etaSeconds)} left</span> : null}
      </span>
    </span>
  );
}
