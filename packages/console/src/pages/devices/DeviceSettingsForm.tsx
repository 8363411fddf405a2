import { type FormEvent, useId, useState } from 'react';
import { ErrorNote } from '../../components/ErrorNote';
import { type DeviceView, saveDeviceSettings } from './device-api';

/** The longest interval the API takes: one week, in minutes. */
const MAX_INTERVAL_MINUTES = 10080;

/**
 * The device's check-in interval and tracking switch. Each is the device's own or inherited
 * from its group (the API's null); the values in force are shown beside them. Only users who
 * may command devices can change them.
 */
export function DeviceSettingsForm({
  device,
  canChange,
  onSaved,
}: {
  device: DeviceView;
  canChange: boolean;
  onSaved: (device: DeviceView) => void;
}) {
  const own = device.ownSettings;
  const [interval, setIntervalText] = useState(
    own.checkinIntervalMinutes === null ? '' : String(own.checkinIntervalMinutes),
  );
  const [tracking, setTracking] = useState(own.tracking === null ? 'inherit' : own.tracking ? 'on' : 'off');
  const [problem, setProblem] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);
  const helpId = useId();

  const save = async (event: FormEvent) => {
    event.preventDefault();
    setSaved(false);
    const text = interval.trim();
    const minutes = text === '' ? null : Number(text);
    if (minutes !== null && (!Number.isInteger(minutes) || minutes < 1 || minutes > MAX_INTERVAL_MINUTES)) {
      setProblem(
        `The check-in interval is a whole number of minutes from 1 to ${MAX_INTERVAL_MINUTES} (one week), or empty to use the group's.`,
      );
      return;
    }
    setProblem(null);
    setBusy(true);
    try {
      const next = await saveDeviceSettings(device.id, {
        checkinIntervalMinutes: minutes,
        tracking: tracking === 'inherit' ? null : tracking === 'on',
      });
      setError(null);
      setSaved(true);
      onSaved(next);
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="panel dev-settings" onSubmit={save} aria-labelledby={`${helpId}-title`} noValidate>
      <h3 id={`${helpId}-title`}>Check-in interval and tracking</h3>
      <p className="muted" id={helpId}>
        In force: a check-in every {device.checkinIntervalMinutes} minutes, tracking{' '}
        {device.tracking ? 'on' : 'off'}. A longer interval and tracking off save the device’s battery.
      </p>
      <div className="toolbar">
        <label>
          Check-in interval (minutes)
          <input
            type="number"
            inputMode="numeric"
            min={1}
            max={MAX_INTERVAL_MINUTES}
            value={interval}
            placeholder={`group's (${device.checkinIntervalMinutes})`}
            onChange={(e) => setIntervalText(e.target.value)}
            disabled={!canChange}
            aria-describedby={helpId}
          />
        </label>
        <label>
          Tracking
          <select
            aria-label="Tracking"
            value={tracking}
            onChange={(e) => setTracking(e.target.value)}
            disabled={!canChange}
          >
            <option value="inherit">As its group</option>
            <option value="on">On</option>
            <option value="off">Off</option>
          </select>
        </label>
        {canChange ? (
          <button type="submit" disabled={busy}>
            Save settings
          </button>
        ) : null}
      </div>
      {problem ? (
        <p className="error" role="alert">
          {problem}
        </p>
      ) : null}
      <ErrorNote error={error} />
      {saved ? (
        <p className="notice" role="status">
          Saved. The device takes the new settings at its next check-in.
        </p>
      ) : null}
    </form>
  );
}
