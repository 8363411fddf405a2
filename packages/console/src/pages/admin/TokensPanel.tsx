import { type FormEvent, useId, useState } from 'react';
import { api, ok } from '../../api/client';
import { ErrorNote } from '../../components/ErrorNote';
import { useLoad } from '../../components/paging';
import { type ApiToken, when } from './admin-types';
import { ConfirmDialog } from './ConfirmDialog';
import { CopyField } from './CopyField';
import { useAction } from './use-action';
import './admin.css';

const DAY = 86_400;
/** Expiry choices; 30 days is what `muster login` uses too. */
const EXPIRIES: ReadonlyArray<{ label: string; seconds: number | null }> = [
  { label: '1 day', seconds: DAY },
  { label: '7 days', seconds: 7 * DAY },
  { label: '30 days', seconds: 30 * DAY },
  { label: '90 days', seconds: 90 * DAY },
  { label: '1 year', seconds: 365 * DAY },
  { label: 'Never', seconds: null },
];

/** Active, expired or revoked, as of now. */
function stateOf(token: ApiToken, now: number): string {
  if (token.revokedAt) return 'revoked';
  if (token.expiresAt && Date.parse(token.expiresAt) <= now) return 'expired';
  return 'active';
}

/**
 * The API tokens of one user: list, make one (named, expiring, optionally limited to some
 * permissions; the token is shown once), revoke. `owner` null means the signed-in user;
 * `choices` are the permissions a new token may be limited to.
 */
export function TokensPanel({ owner, choices }: { owner: string | null; choices: readonly string[] }) {
  const list = useLoad(
    () => ok(api.GET('/api/v1/tokens', { params: { query: owner ? { user: owner } : {} } })),
    [owner],
  );
  const [created, setCreated] = useState<{ name: string; token: string } | null>(null);
  const [revoking, setRevoking] = useState<ApiToken | null>(null);
  const revoke = useAction();
  const now = Date.now();
  const tokens = list.data?.items ?? [];

  const confirmRevoke = async () => {
    if (!revoking) return;
    const done = await revoke.run(async () => {
      await ok(api.DELETE('/api/v1/tokens/{id}', { params: { path: { id: revoking.id } } }));
    });
    if (done) {
      setRevoking(null);
      list.reload();
    }
  };

  return (
    <div className="tokens">
      <NewTokenForm
        owner={owner}
        choices={choices}
        onCreated={(made) => {
          setCreated(made);
          list.reload();
        }}
      />
      {created ? (
        <div className="notice" role="status">
          <p>
            New token <strong>{created.name}</strong>. Copy it now: it is shown only this once, and only its
            start is kept.
          </p>
          <p>
            <CopyField label="New API token" value={created.token} />
          </p>
          <div className="toolbar">
            <button
              type="button"
              className="secondary"
              onClick={() => void navigator.clipboard?.writeText(created.token)}
            >
              Copy
            </button>
            <button type="button" className="secondary" onClick={() => setCreated(null)}>
              Done
            </button>
          </div>
        </div>
      ) : null}
      <ErrorNote error={list.error} />
      {list.loading && !list.data ? <p className="loading">Loading tokens…</p> : null}
      {list.data && tokens.length === 0 ? <p className="muted">No API tokens.</p> : null}
      {tokens.length > 0 ? (
        <div className="table-wrap">
          <table aria-label="API tokens">
            <thead>
              <tr>
                <th>Name</th>
                <th>Starts with</th>
                <th>Permissions</th>
                <th>Created</th>
                <th>Expires</th>
                <th>Last used</th>
                <th>State</th>
                <th>
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {tokens.map((t) => {
                const state = stateOf(t, now);
                return (
                  <tr key={t.id}>
                    <td>{t.name}</td>
                    <td>
                      <code>{t.prefix ?? '—'}</code>
                    </td>
                    <td>
                      {t.permissions === null ? 'all of the user’s' : t.permissions.join(', ') || 'none'}
                    </td>
                    <td>{when(t.createdAt)}</td>
                    <td>{t.expiresAt ? when(t.expiresAt) : 'never'}</td>
                    <td>{when(t.lastUsedAt)}</td>
                    <td>{state}</td>
                    <td>
                      {state === 'active' ? (
                        <button
                          type="button"
                          className="secondary"
                          aria-label={`Revoke token ${t.name}`}
                          onClick={() => {
                            revoke.clear();
                            setRevoking(t);
                          }}
                        >
                          Revoke
                        </button>
                      ) : null}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      ) : null}
      <ConfirmDialog
        open={revoking !== null}
        title={`Revoke the token ${revoking?.name ?? ''}?`}
        confirmLabel="Revoke"
        busy={revoke.busy}
        error={revoke.error}
        onConfirm={() => void confirmRevoke()}
        onCancel={() => setRevoking(null)}
      >
        <p>
          Scripts and command lines that use it stop working within a second, on every server node. A revoked
          token cannot be used again; make a new one instead.
        </p>
      </ConfirmDialog>
    </div>
  );
}

/** Name, expiry and (optionally) the permissions of a new token. */
function NewTokenForm({
  owner,
  choices,
  onCreated,
}: {
  owner: string | null;
  choices: readonly string[];
  onCreated(made: { name: string; token: string }): void;
}) {
  const [name, setName] = useState('');
  const [expiry, setExpiry] = useState(2);
  const [limited, setLimited] = useState(false);
  const [picked, setPicked] = useState<ReadonlySet<string>>(new Set());
  const action = useAction();
  // Radio buttons group by name; two panels on one page must not share one.
  const radioGroup = useId();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    await action.run(async () => {
      const made = await ok(
        api.POST('/api/v1/tokens', {
          body: {
            name,
            expiresInSeconds: EXPIRIES[expiry]?.seconds ?? null,
            ...(limited ? { permissions: choices.filter((p) => picked.has(p)) } : {}),
            ...(owner ? { user: owner } : {}),
          },
        }),
      );
      onCreated({ name: made.record.name, token: made.token });
      setName('');
      setLimited(false);
      setPicked(new Set());
    });
  };
  const toggle = (permission: string) =>
    setPicked((before) => {
      const after = new Set(before);
      if (after.has(permission)) after.delete(permission);
      else after.add(permission);
      return after;
    });

  return (
    <form className="panel" onSubmit={submit} aria-label="Make an API token">
      <div className="toolbar">
        <label>
          Token name
          <input value={name} onChange={(e) => setName(e.target.value)} required maxLength={100} />
        </label>
        <label>
          Expires after
          <select value={expiry} onChange={(e) => setExpiry(Number(e.target.value))}>
            {EXPIRIES.map((choice, index) => (
              <option key={choice.label} value={index}>
                {choice.label}
              </option>
            ))}
          </select>
        </label>
      </div>
      <fieldset className="token-permissions">
        <legend>Permissions of the token</legend>
        <label className="inline">
          <input type="radio" name={radioGroup} checked={!limited} onChange={() => setLimited(false)} />
          Every permission {owner ? `${owner} holds` : 'I hold'} (also ones granted later)
        </label>
        <label className="inline">
          <input type="radio" name={radioGroup} checked={limited} onChange={() => setLimited(true)} />
          Only the permissions checked below
        </label>
        {limited ? (
          <div className="checkbox-grid">
            {choices.map((permission) => (
              <label className="inline" key={permission}>
                <input type="checkbox" checked={picked.has(permission)} onChange={() => toggle(permission)} />
                {permission}
              </label>
            ))}
          </div>
        ) : null}
      </fieldset>
      <ErrorNote error={action.error} />
      <button type="submit" disabled={action.busy}>
        {action.busy ? 'Making the token…' : 'Make token'}
      </button>
    </form>
  );
}
