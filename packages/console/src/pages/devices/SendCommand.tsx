import { type FormEvent, useState } from 'react';
import { ErrorNote } from '../../components/ErrorNote';
import { DEVICE_COMMAND_TYPES, queueDeviceCommand } from './device-api';

/** What each device command does, for the choice's description. */
const WHAT_IT_DOES: Record<(typeof DEVICE_COMMAND_TYPES)[number], string> = {
  locate: 'report its position now',
  lock: 'lock the screen',
  ring: 'ring, even when silenced',
  message: 'show a message to its user',
  sync: 'send its facts again',
  wipe: 'erase the device (cannot be undone)',
};

/**
 * Queues a command for the device: it waits on the server until the device checks in (iOS
 * devices are woken at once for push-capable commands). A wipe asks first.
 */
export function SendCommand({ deviceId, onQueued }: { deviceId: string; onQueued: () => void }) {
  const [type, setType] = useState<(typeof DEVICE_COMMAND_TYPES)[number]>('locate');
  const [text, setText] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [queued, setQueued] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const send = async (event: FormEvent) => {
    event.preventDefault();
    setQueued(null);
    if (type === 'message' && text.trim() === '') {
      setError(new Error('Write the message the device should show.'));
      return;
    }
    if (type === 'wipe' && !window.confirm(`Erase ${deviceId}? Everything on the device is lost.`)) return;
    setBusy(true);
    try {
      await queueDeviceCommand(deviceId, type, type === 'message' ? { text } : {});
      setError(null);
      setQueued(`Queued “${type}”. The device gets it at its next check-in.`);
      if (type === 'message') setText('');
      onQueued();
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="panel" onSubmit={send} aria-labelledby="send-command-title">
      <h3 id="send-command-title">Send a command</h3>
      <div className="toolbar">
        <label>
          Command
          {/* Named by aria-label: a wrapping label would name it by every option's text too. */}
          <select aria-label="Command" value={type} onChange={(e) => setType(e.target.value as typeof type)}>
            {DEVICE_COMMAND_TYPES.map((t) => (
              <option key={t} value={t}>
                {t}: {WHAT_IT_DOES[t]}
              </option>
            ))}
          </select>
        </label>
        {type === 'message' ? (
          <label>
            Message
            <input value={text} maxLength={1000} onChange={(e) => setText(e.target.value)} />
          </label>
        ) : null}
        <button type="submit" className={type === 'wipe' ? 'danger' : undefined} disabled={busy}>
          Queue command
        </button>
      </div>
      <ErrorNote error={error} />
      {queued ? (
        <p className="notice" role="status">
          {queued}
        </p>
      ) : null}
    </form>
  );
}
