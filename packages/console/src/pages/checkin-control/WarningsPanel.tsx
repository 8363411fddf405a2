import { useState } from 'react';
import { api, ok } from '../../api/client';
import type { components } from '../../api/schema';
import { useSession } from '../../app/session';
import { ErrorNote } from '../../components/ErrorNote';
import { useLoad } from '../../components/paging';

type Notification = components['schemas']['Notification'];
type Switches = components['schemas']['NotificationSwitches'];

/** The manual's two check boxes of the Check-In Control page, and the warning types they switch. */
const SWITCHES = [
  { type: 'duplicate-account', label: 'Warn if multiple agents use same account' },
  { type: 'lan-via-gateway', label: 'Warn if agent on same LAN as KServer connects through gateway' },
] as const satisfies ReadonlyArray<{ type: keyof Switches; label: string }>;

/** The warnings listed at most; the API answers them all, newest first. */
const SHOWN = 100;

/**
 * The two warning switches and the warnings they raise. The switches are the whole server's
 * (changing them needs notifications.manage on everything); the list shows the warnings of the
 * machines in the user's scopes, newest first.
 */
export function WarningsPanel() {
  const session = useSession();
  const mayChange = session.can('notifications.manage');
  const switches = useLoad(() => ok(api.GET('/api/v1/notification-settings')), []);
  const warnings = useLoad(async () => {
    const lists = await Promise.all(
      SWITCHES.map((s) => ok(api.GET('/api/v1/notifications', { params: { query: { type: s.type } } }))),
    );
    return lists.flatMap((l) => l.items).sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  }, []);
  const [saving, setSaving] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);

  // The box shows the click at once; a refusal puts it back and says why.
  const [shown, setShown] = useState<Partial<Switches>>({});
  const flip = async (type: keyof Switches, on: boolean) => {
    setSaving(type);
    setError(null);
    setShown((s) => ({ ...s, [type]: on }));
    try {
      await ok(api.PUT('/api/v1/notification-settings', { body: { [type]: on } }));
    } catch (failure) {
      setError(failure);
      setShown((s) => ({ ...s, [type]: undefined }));
    } finally {
      setSaving(null);
      switches.reload();
    }
  };

  return (
    <section className="panel" aria-labelledby="warnings-title">
      <h2 id="warnings-title">Warnings</h2>
      <ErrorNote error={switches.error} />
      {switches.data ? (
        <fieldset className="warning-switches">
          <legend className="muted">
            {mayChange ? 'Raised for every organization' : 'Changing these needs notifications.manage'}
          </legend>
          {SWITCHES.map((s) => (
            <label key={s.type} className="inline">
              <input
                type="checkbox"
                checked={shown[s.type] ?? switches.data?.[s.type] ?? true}
                disabled={!mayChange || saving !== null}
                onChange={(e) => void flip(s.type, e.target.checked)}
              />
              {s.label}
            </label>
          ))}
        </fieldset>
      ) : null}
      <ErrorNote error={error} />
      <div className="toolbar">
        <button type="button" className="secondary" onClick={warnings.reload} disabled={warnings.loading}>
          Refresh warnings
        </button>
      </div>
      <ErrorNote error={warnings.error} />
      {warnings.data ? <WarningList items={warnings.data} /> : null}
    </section>
  );
}

function WarningList({ items }: { items: Notification[] }) {
  if (items.length === 0) return <p className="muted">No warnings.</p>;
  return (
    <>
      {items.length > SHOWN ? (
        <p className="muted">
          The newest {SHOWN} of {items.length.toLocaleString('en-US')} warnings.
        </p>
      ) : null}
      <div className="table-wrap">
        <table aria-label="Warnings" className="warnings-table">
          <thead>
            <tr>
              <th>When</th>
              <th>Warning</th>
              <th>Machine</th>
              <th>What was seen</th>
            </tr>
          </thead>
          <tbody>
            {items.slice(0, SHOWN).map((n) => (
              <tr key={n.id}>
                <td>
                  <time dateTime={n.createdAt}>{new Date(n.createdAt).toLocaleString()}</time>
                </td>
                <td>{SWITCHES.find((s) => s.type === n.type)?.label.replace(/^Warn if /, '') ?? n.type}</td>
                <td>{n.machineId ?? '—'}</td>
                <td>{n.message}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
