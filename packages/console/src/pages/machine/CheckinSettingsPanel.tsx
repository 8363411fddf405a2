import { type FormEvent, useState } from 'react';
import { api, ok } from '../../api/client';
import { useSession } from '../../app/session';
import { ErrorNote } from '../../components/ErrorNote';
import type { CheckinSettings, MachineDetail, ServerAddress } from './machine-api';
import { changedSettings, type Draft, draftOf, isPending } from './machine-forms';

const address = (a: ServerAddress | null) => (a ? `${a.host}:${a.port}` : '');

/** One setting's name in the API, its column in the manual, and how its value reads. */
const FIELDS: ReadonlyArray<[keyof CheckinSettings, string, (s: CheckinSettings) => string]> = [
  ['primary', 'Primary KServer', (s) => (s.primary ? address(s.primary) : 'set by the first agent')],
  ['secondary', 'Secondary KServer', (s) => (s.secondary ? address(s.secondary) : 'none')],
  ['periodSeconds', 'Check-In Period', (s) => `${s.periodSeconds} s`],
  ['bindToServer', 'Bind to KServer', (s) => (s.bindToServer ? 'yes' : 'no')],
  ['bandwidthKBps', 'Bandwidth Throttle', (s) => (s.bandwidthKBps === 0 ? 'off' : `${s.bandwidthKBps} KB/s`)],
];

/**
 * The machine's check-in control settings. Until the agent confirms them (`settingsApplied`)
 * they are shown in red as pending, as the manual's Check-In Control page does. Users who may
 * edit check-in control change them here for this one machine.
 */
export function CheckinSettingsPanel({
  machine,
  onSaved,
}: {
  machine: MachineDetail;
  onSaved(): Promise<void>;
}) {
  const { can } = useSession();
  const [draft, setDraft] = useState<Draft | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [saving, setSaving] = useState(false);
  const [note, setNote] = useState<string | null>(null);
  const pending = !machine.settingsApplied;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!draft) return;
    setError(null);
    setNote(null);
    try {
      const settings = changedSettings(draft, machine.checkinControl);
      if (Object.keys(settings).length === 0) {
        setNote('Nothing changed.');
        return;
      }
      setSaving(true);
      const answer = await ok(
        api.PUT('/api/v1/checkin-control', { body: { machines: [machine.id], settings } }),
      );
      const clamped = answer.clamped.find((c) => c.machineId === machine.id);
      setNote(
        clamped
          ? `Updated. The group's check-in policy clamped the period: ${clamped.requested} s asked, ${clamped.applied} s in force.`
          : 'Updated. The settings stay pending until the agent confirms them.',
      );
      setDraft(null);
      await onSaved();
    } catch (failure) {
      setError(failure);
    } finally {
      setSaving(false);
    }
  };
  const field = (key: keyof Draft) => ({
    value: draft ? String(draft[key]) : '',
    onChange: (e: { target: { value: string } }) =>
      setDraft((d) => (d ? { ...d, [key]: e.target.value } : d)),
  });

  return (
    <section className="panel" aria-labelledby="checkin-settings-heading">
      <h2 id="checkin-settings-heading">Check-in control</h2>
      {pending ? (
        <p className="pending" role="status">
          Pending: not yet confirmed by the agent.
        </p>
      ) : null}
      <dl className="facts settings">
        {FIELDS.map(([field, label, show]) => {
          const waiting = isPending(machine, field);
          const applied = machine.appliedCheckinControl;
          return (
            <div key={field}>
              <dt>{label}</dt>
              <dd className={waiting ? 'pending' : undefined}>
                {show(machine.checkinControl)}
                {waiting ? <small> (pending)</small> : null}
              </dd>
              {waiting && applied ? <dd className="muted">agent has {show(applied)}</dd> : null}
            </div>
          );
        })}
      </dl>
      {note ? (
        <p className="notice" role="status">
          {note}
        </p>
      ) : null}
      <ErrorNote error={error} />
      {can('checkin-control.edit') && draft === null ? (
        <button type="button" className="secondary" onClick={() => setDraft(draftOf(machine.checkinControl))}>
          Edit check-in control
        </button>
      ) : null}
      {draft ? (
        <form className="settings-form" onSubmit={submit}>
          <fieldset>
            <legend>Primary KServer</legend>
            <label>
              Primary host
              <input {...field('primaryHost')} autoComplete="off" />
            </label>
            <label>
              Primary port
              <input {...field('primaryPort')} inputMode="numeric" />
            </label>
          </fieldset>
          <fieldset>
            <legend>Secondary KServer (empty host: none)</legend>
            <label>
              Secondary host
              <input {...field('secondaryHost')} autoComplete="off" />
            </label>
            <label>
              Secondary port
              <input {...field('secondaryPort')} inputMode="numeric" />
            </label>
          </fieldset>
          <label>
            Check-In Period (seconds)
            <input {...field('period')} inputMode="numeric" />
          </label>
          <label className="inline">
            <input
              type="checkbox"
              checked={draft.bind}
              onChange={(e) => setDraft({ ...draft, bind: e.target.checked })}
            />
            Bind to KServer
          </label>
          <label>
            Bandwidth Throttle (KB/s, 0 is off)
            <input {...field('bandwidth')} inputMode="numeric" />
          </label>
          <div className="toolbar">
            <button type="submit" disabled={saving}>
              Update
            </button>
            <button type="button" className="secondary" onClick={() => setDraft(null)}>
              Cancel editing
            </button>
          </div>
        </form>
      ) : null}
    </section>
  );
}
