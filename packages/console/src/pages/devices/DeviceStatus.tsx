import { useCallback, useEffect, useState } from 'react';
import { Link } from '../../app/router';
import { useSession } from '../../app/session';
import { ErrorNote } from '../../components/ErrorNote';
import { useLoad } from '../../components/paging';
import { Time } from '../../components/Time';
import { useLiveEvents } from '../../live/events';
import { CheckinRequests, wakeUnsettled } from './CheckinRequests';
import { CommandStatus } from './CommandStatus';
import { DeviceLocations } from './DeviceLocations';
import { DeviceSettingsForm } from './DeviceSettingsForm';
import { deviceCommands, deviceWakes, getDevice, requestCheckin } from './device-api';
import { CHANNEL_EFFECT, CHANNEL_NAMES, formatMinutes, PLATFORM_NAMES } from './device-words';
import { SendCommand } from './SendCommand';

/** How often an unsettled wake-up is looked at again (no event tells of its sending). */
const WAKE_POLL_MS = 1500;

/**
 * Device Status: the device's facts and settings, the Command Status of every command sent to
 * it, Request Checkin with every request and what came of it, and its recent locations. A
 * command event of the device (it checked in and took its queue) reloads what changed.
 */
export function DeviceStatus({ id }: { id: string }) {
  const session = useSession();
  // Command Status reads GET /commands, which the server allows with machines.view only.
  const seesCommands = session.can('machines.view');
  const device = useLoad(() => getDevice(id), [id]);
  const commands = useLoad(
    () => (seesCommands ? deviceCommands(id) : Promise.resolve([])),
    [id, seesCommands],
  );
  const wakes = useLoad(() => deviceWakes(id), [id]);
  const [showCommands, setShowCommands] = useState(false);
  const [requestError, setRequestError] = useState<unknown>(null);
  const [requested, setRequested] = useState<string | null>(null);
  const [checkins, setCheckins] = useState(0);

  const reloadAll = useCallback(() => {
    device.reload();
    commands.reload();
    wakes.reload();
    setCheckins((n) => n + 1);
  }, [device.reload, commands.reload, wakes.reload]);
  useLiveEvents('command', (event) => {
    if (event.target === id) reloadAll();
  });

  // Nothing announces that a wake-up went out or that the device answered it: look again
  // while one is in flight.
  const unsettled = (wakes.data ?? []).some((w) => wakeUnsettled(w, Date.now()));
  useEffect(() => {
    if (!unsettled) return;
    const timer = window.setInterval(() => {
      wakes.reload();
      device.reload();
    }, WAKE_POLL_MS);
    return () => window.clearInterval(timer);
  }, [unsettled, wakes.reload, device.reload]);

  const d = device.data;
  if (!d) {
    return (
      <section className="panel dev-status" aria-label={`Device Status of ${id}`}>
        {device.error ? <ErrorNote error={device.error} /> : <p className="loading">Loading…</p>}
        <Link href="/devices">Close</Link>
      </section>
    );
  }

  const ask = async () => {
    setRequested(null);
    try {
      const wake = await requestCheckin(d.id);
      setRequestError(null);
      setRequested(
        `Check-in requested: ${CHANNEL_EFFECT[wake.channel] ?? wake.channel} asks the user to open the agent app, which then checks in.`,
      );
      wakes.reload();
    } catch (failure) {
      setRequestError(failure);
    }
  };
  const channel = d.pushChannel?.kind ?? null;

  return (
    <section className="panel dev-status" aria-labelledby="device-status-title">
      <div className="dev-status-head">
        <h2 id="device-status-title">Device Status: {d.id}</h2>
        <Link href="/devices">Close</Link>
      </div>
      <ErrorNote error={device.error} />
      <dl className="dev-facts">
        <dt>Name</dt>
        <dd>{d.name}</dd>
        <dt>Group</dt>
        <dd>{d.group}</dd>
        <dt>Platform</dt>
        <dd>{PLATFORM_NAMES[d.platform] ?? d.platform}</dd>
        <dt>Model / OS</dt>
        <dd>
          {d.model ?? '—'} / {d.osVersion ?? '—'}
        </dd>
        <dt>Battery</dt>
        <dd>{d.batteryPercent === null ? '—' : `${d.batteryPercent}%`}</dd>
        <dt>Enrolled</dt>
        <dd>
          <Time iso={d.enrolledAt} />
        </dd>
        <dt>Last check-in</dt>
        <dd data-field="last-checkin">
          <Time iso={d.lastCheckinAt} empty="never" />
        </dd>
        <dt>Next check-in expected</dt>
        <dd>
          <Time iso={d.nextCheckinExpectedAt} />
          {d.overdue ? <span className="dev-tag dev-tag-warn">overdue</span> : null}
        </dd>
        <dt>Check-in interval</dt>
        <dd>{formatMinutes(d.checkinIntervalMinutes)}</dd>
        <dt>Tracking</dt>
        <dd>{d.tracking ? 'On' : 'Off'}</dd>
        <dt>Push channel</dt>
        <dd>{channel ? (CHANNEL_NAMES[channel] ?? channel) : 'None: it checks in at its interval only'}</dd>
      </dl>

      <div className="toolbar">
        {seesCommands ? (
          <button
            type="button"
            className="secondary"
            aria-expanded={showCommands}
            aria-controls="command-status"
            onClick={() => setShowCommands((v) => !v)}
          >
            Command Status
          </button>
        ) : null}
        {session.can('devices.request-checkin') ? (
          <button
            type="button"
            onClick={() => void ask()}
            disabled={channel === null}
            title={channel === null ? 'This device registered no push channel' : undefined}
          >
            Request Checkin
          </button>
        ) : null}
      </div>
      <ErrorNote error={requestError} />
      {requested ? (
        <p className="notice" role="status">
          {requested}
        </p>
      ) : null}

      <div id="command-status">
        {showCommands ? (
          <>
            <ErrorNote error={commands.error} />
            <CommandStatus commands={commands.data ?? []} />
          </>
        ) : null}
      </div>

      <ErrorNote error={wakes.error} />
      <CheckinRequests wakes={wakes.data ?? []} />

      {session.can('devices.command') && session.can('commands.run') ? (
        <SendCommand
          deviceId={d.id}
          onQueued={() => {
            commands.reload();
            setShowCommands(true);
          }}
        />
      ) : null}

      <DeviceSettingsForm
        device={d}
        canChange={session.can('devices.command')}
        onSaved={() => device.reload()}
      />

      <DeviceLocations id={d.id} tracking={d.tracking} version={checkins} />
    </section>
  );
}
