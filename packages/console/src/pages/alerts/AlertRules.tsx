import { type FormEvent, useState } from 'react';
import { useSession } from '../../app/session';
import { ErrorNote } from '../../components/ErrorNote';
import { useLoad } from '../../components/paging';
import { Time } from '../../components/Time';
import {
  CONDITIONS,
  EMPTY_RULE,
  isTimed,
  type RuleDraft,
  ruleBody,
  ruleDraft,
  WARNING_KINDS,
} from './alert-forms';
import { type AlertRule, deleteAlertRule, listAlertRules, saveAlertRule } from './alerts-api';

/** A rule's condition with its minutes, in words. */
function conditionText(rule: AlertRule): string {
  switch (rule.condition) {
    case 'offline':
      return `Offline longer than ${rule.minutes ?? 0} min`;
    case 'never-checked-in':
      return `Never checked in ${rule.minutes ?? 0} min after enrollment`;
    case 'warning':
      return 'A warning about a machine';
    case 'command-failed':
      return 'A command failed';
    default:
      return rule.condition;
  }
}

/**
 * Alert rules per machine group (or organization, with its subgroups): the form creates one, or
 * saves one a row's Edit put in it; each row may be deleted. Users without alerts.manage see the
 * rules only.
 */
export function AlertRules() {
  const manage = useSession().can('alerts.manage');
  const rules = useLoad(listAlertRules, []);
  const [editing, setEditing] = useState<AlertRule | null>(null);
  const [draft, setDraft] = useState<RuleDraft>(EMPTY_RULE);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const set = (change: Partial<RuleDraft>) => setDraft((d) => ({ ...d, ...change }));

  const cancel = () => {
    setEditing(null);
    setDraft(EMPTY_RULE);
    setError(null);
  };
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    try {
      const saved = await saveAlertRule(editing?.id ?? null, ruleBody(draft));
      setDone(editing ? `Saved the alert rule ${saved.name}.` : `Created the alert rule ${saved.name}.`);
      cancel();
      rules.reload();
    } catch (failure) {
      setError(failure);
      setDone(null);
    } finally {
      setBusy(false);
    }
  };
  const remove = async (rule: AlertRule) => {
    if (
      !window.confirm(`Delete the alert rule ${rule.name}? Its firing alerts are resolved without messages.`)
    )
      return;
    try {
      await deleteAlertRule(rule.id);
      setDone(`Deleted the alert rule ${rule.name}.`);
      setError(null);
      if (editing?.id === rule.id) cancel();
      rules.reload();
    } catch (failure) {
      setError(failure);
    }
  };

  const items = rules.data ?? [];
  return (
    <section aria-labelledby="alert-rules-title">
      <h2 id="alert-rules-title">Alert rules</h2>
      {manage ? (
        <form className="panel alr-form" onSubmit={submit} aria-label="Alert rule" noValidate>
          <p className="muted">
            {editing
              ? `Editing the alert rule ${editing.name}.`
              : 'A rule watches every machine of a group and its subgroups (or of an organization); each alert fires once and resolves when its condition clears.'}
          </p>
          <div className="toolbar">
            <label>
              Rule name
              <input value={draft.name} onChange={(e) => set({ name: e.target.value })} maxLength={200} />
            </label>
            <label>
              Machine group
              <input
                value={draft.group}
                onChange={(e) => set({ group: e.target.value })}
                placeholder="web.acme or acme"
                spellCheck={false}
                autoCapitalize="off"
              />
            </label>
            <label>
              Condition
              <select
                aria-label="Condition"
                value={draft.condition}
                onChange={(e) => set({ condition: e.target.value as RuleDraft['condition'] })}
              >
                {CONDITIONS.map((c) => (
                  <option key={c.value} value={c.value}>
                    {c.label}
                  </option>
                ))}
              </select>
            </label>
            {isTimed(draft.condition) ? (
              <label>
                Minutes
                <input
                  type="number"
                  inputMode="numeric"
                  value={draft.minutes}
                  onChange={(e) => set({ minutes: e.target.value })}
                />
              </label>
            ) : null}
            <label className="alr-wide">
              Email to (optional)
              <input
                value={draft.emails}
                onChange={(e) => set({ emails: e.target.value })}
                placeholder="ops@example.com, oncall@example.com"
                spellCheck={false}
                autoCapitalize="off"
              />
            </label>
            <label className="inline">
              <input
                type="checkbox"
                checked={draft.webhook}
                onChange={(e) => set({ webhook: e.target.checked })}
              />
              Also to the organization's webhook
            </label>
            <label className="inline">
              <input
                type="checkbox"
                checked={draft.enabled}
                onChange={(e) => set({ enabled: e.target.checked })}
              />
              Enabled
            </label>
          </div>
          {draft.condition === 'warning' ? <p className="muted">Warnings: {WARNING_KINDS}.</p> : null}
          <ErrorNote error={error} />
          <div className="toolbar">
            <button type="submit" disabled={busy}>
              {editing ? 'Save alert rule' : 'Create alert rule'}
            </button>
            {editing ? (
              <button type="button" className="secondary" onClick={cancel}>
                Cancel edit
              </button>
            ) : null}
            <span role="status" className="muted">
              {done ?? ''}
            </span>
          </div>
        </form>
      ) : null}
      <ErrorNote error={rules.error} />
      <div className="table-wrap">
        <table aria-label="Alert rules">
          <thead>
            <tr>
              <th>Name</th>
              <th>Group</th>
              <th>Condition</th>
              <th>Sent to</th>
              <th>Enabled</th>
              <th>Changed</th>
              {manage ? <th>Actions</th> : null}
            </tr>
          </thead>
          <tbody>
            {items.map((r) => (
              <tr key={r.id} data-rule={r.id} aria-selected={r.id === editing?.id}>
                <td>{r.name}</td>
                <td>{r.group}</td>
                <td>{conditionText(r)}</td>
                <td className="alr-message">
                  {[...r.emails, ...(r.webhook ? ['webhook'] : [])].join(', ') || (
                    <span className="muted">listed only</span>
                  )}
                </td>
                <td>{r.enabled ? 'Yes' : 'No'}</td>
                <td>
                  <Time iso={r.updatedAt} />
                </td>
                {manage ? (
                  <td className="alr-actions">
                    <button
                      type="button"
                      className="secondary"
                      onClick={() => {
                        setEditing(r);
                        setDraft(ruleDraft(r));
                        setError(null);
                        setDone(null);
                      }}
                      aria-label={`Edit alert rule ${r.name}`}
                    >
                      Edit
                    </button>
                    <button
                      type="button"
                      className="danger"
                      onClick={() => void remove(r)}
                      aria-label={`Delete alert rule ${r.name}`}
                    >
                      Delete
                    </button>
                  </td>
                ) : null}
              </tr>
            ))}
            {rules.data !== null && items.length === 0 ? (
              <tr>
                <td colSpan={manage ? 7 : 6} className="muted">
                  No alert rule yet.
                </td>
              </tr>
            ) : null}
          </tbody>
        </table>
      </div>
    </section>
  );
}
