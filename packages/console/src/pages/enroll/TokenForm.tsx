import { type FormEvent, useId, useState } from 'react';
import { ErrorNote } from '../../components/ErrorNote';
import { type CreatedInstallToken, createInstallToken, type InstallTokenRequest } from './enroll-api';

/** The lifetimes offered; '' keeps the server's default (installTokenExpirySeconds, 7 days unless set). */
const LIFETIMES = [
  { value: '', label: 'Server default (7 days unless changed)' },
  { value: '3600', label: '1 hour' },
  { value: '86400', label: '1 day' },
  { value: '604800', label: '7 days' },
  { value: '2592000', label: '30 days' },
  { value: 'never', label: 'Never expires' },
] as const;

/** One name of a Machine.Group ID, as the server takes it. */
const LABEL = /^[a-z0-9](?:[a-z0-9_-]{0,61}[a-z0-9])?$/;

interface Draft {
  group: string;
  maxUses: string;
  lifetime: string;
  machineName: string;
  temporary: boolean;
}

/** The request a draft makes, or why it cannot be sent (checked again by the server). */
export function tokenRequest(d: Draft): InstallTokenRequest | string {
  const group = d.group.trim().toLowerCase();
  if (group === '') return 'Name the machine group the agents join, such as web.acme.';
  const labels = group.split('.');
  if (labels.length < 2 || group.length > 200 || !labels.every((l) => LABEL.test(l)))
    return 'A group is names separated by dots, ending with the organization (web.acme, eu.web.acme).';
  const request: InstallTokenRequest = { group };
  if (d.maxUses.trim() !== '') {
    const uses = Number(d.maxUses);
    if (!Number.isInteger(uses) || uses < 1 || uses > 1_000_000)
      return 'Max uses is a whole number from 1 to 1,000,000, or empty for no limit.';
    request.maxUses = uses;
  }
  if (d.lifetime === 'never') request.expiresInSeconds = null;
  else if (d.lifetime !== '') request.expiresInSeconds = Number(d.lifetime);
  const name = d.machineName.trim();
  if (name !== '') {
    if (!LABEL.test(name.toLowerCase()))
      return 'A machine name is one name of letters, digits, "-" and "_" (no dots): the group is added to it.';
    request.machineName = name;
  }
  if (d.temporary) request.temporary = true;
  return request;
}

/** Creates an install token for a group: how many agents may use it, until when, and as what. */
export function TokenForm({
  groups,
  onCreated,
}: {
  groups: readonly string[];
  onCreated: (token: CreatedInstallToken, temporary: boolean) => void;
}) {
  const [draft, setDraft] = useState<Draft>({
    group: '',
    maxUses: '',
    lifetime: '',
    machineName: '',
    temporary: false,
  });
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const groupList = useId();
  const set = (change: Partial<Draft>) => setDraft((d) => ({ ...d, ...change }));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const request = tokenRequest(draft);
    if (typeof request === 'string') {
      setError(new Error(request));
      return;
    }
    setBusy(true);
    try {
      const created = await createInstallToken(request);
      setError(null);
      onCreated(created, draft.temporary);
      set({ machineName: '' });
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="panel" onSubmit={submit} aria-labelledby="token-form-title" noValidate>
      <h2 id="token-form-title">New install token</h2>
      <div className="toolbar">
        <label>
          Machine group
          <input
            value={draft.group}
            onChange={(e) => set({ group: e.target.value })}
            list={groupList}
            required
            maxLength={200}
            placeholder="web.acme"
            spellCheck={false}
            autoCapitalize="off"
          />
          <datalist id={groupList}>
            {groups.map((g) => (
              <option key={g} value={g} />
            ))}
          </datalist>
        </label>
        <label>
          Max uses
          <input
            type="number"
            inputMode="numeric"
            min={1}
            value={draft.maxUses}
            onChange={(e) => set({ maxUses: e.target.value })}
            placeholder="no limit"
          />
        </label>
        <label>
          Expires
          <select
            aria-label="Expires"
            value={draft.lifetime}
            onChange={(e) => set({ lifetime: e.target.value })}
          >
            {LIFETIMES.map((l) => (
              <option key={l.value} value={l.value}>
                {l.label}
              </option>
            ))}
          </select>
        </label>
        <label>
          Machine name (optional)
          <input
            value={draft.machineName}
            onChange={(e) => set({ machineName: e.target.value })}
            maxLength={63}
            placeholder="from the host name"
            spellCheck={false}
            autoCapitalize="off"
          />
        </label>
        <label className="inline">
          <input
            type="checkbox"
            checked={draft.temporary}
            onChange={(e) => set({ temporary: e.target.checked })}
          />
          Temporary agents (removed after being offline a while)
        </label>
        <button type="submit" disabled={busy}>
          Create install token
        </button>
      </div>
      <p className="muted">
        With a machine name the account exists at once (never checked in) and one agent may hold it; without,
        each agent takes its host name.
      </p>
      <ErrorNote error={error} />
    </form>
  );
}
