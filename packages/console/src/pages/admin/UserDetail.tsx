import { type FormEvent, useEffect, useState } from 'react';
import { api, ok } from '../../api/client';
import { Link, navigate } from '../../app/router';
import { ErrorNote } from '../../components/ErrorNote';
import { useLoad } from '../../components/paging';
import { type Grant, type Role, type Scope, type User, when } from './admin-types';
import { ConfirmDialog } from './ConfirmDialog';
import { GrantsEditor } from './GrantsEditor';
import { useAction } from './use-action';

type Danger = 'disable' | 'reset-totp' | 'delete' | null;

/**
 * One user and what a manager does to them: profile, (role, scope) pairs, a new password, their
 * second factor removed, disabled or enabled, deleted. Each answer of the server is shown as it is.
 */
export function UserDetail({
  name,
  roles,
  scopes,
  onChanged,
}: {
  name: string;
  roles: readonly Role[];
  scopes: readonly Scope[];
  onChanged(): void;
}) {
  const detail = useLoad(() => ok(api.GET('/api/v1/users/{id}', { params: { path: { id: name } } })), [name]);
  const [notice, setNotice] = useState<string | null>(null);
  const [danger, setDanger] = useState<Danger>(null);
  const dangerous = useAction();
  const changed = (message: string) => {
    setNotice(message);
    detail.reload();
    onChanged();
  };
  const user = detail.data?.user;
  const path = { params: { path: { id: name } } };

  const confirm = async () => {
    if (!user) return;
    const done = await dangerous.run(async () => {
      if (danger === 'disable')
        await ok(api.PATCH('/api/v1/users/{id}', { ...path, body: { disabled: !user.disabled } }));
      if (danger === 'reset-totp') await ok(api.DELETE('/api/v1/users/{id}/totp', path));
      if (danger === 'delete') await ok(api.DELETE('/api/v1/users/{id}', path));
    });
    if (!done) return;
    const what = danger;
    setDanger(null);
    if (what === 'delete') {
      onChanged();
      navigate('/admin/users');
    } else if (what === 'disable')
      changed(user.disabled ? `${user.name} is enabled.` : `${user.name} is disabled.`);
    else changed(`Two-step sign-in of ${user.name} is removed; they enroll again on My account.`);
  };

  return (
    <section className="panel user-detail" aria-labelledby="user-detail-title">
      <div className="panel-head">
        <h3 id="user-detail-title">User {name}</h3>
        <Link href="/admin/users">Close</Link>
      </div>
      <ErrorNote error={detail.error} />
      {notice ? (
        <p className="notice" role="status">
          {notice}
        </p>
      ) : null}
      {user && detail.data ? (
        <>
          <dl className="facts">
            <dt>State</dt>
            <dd>{user.disabled ? 'disabled' : 'active'}</dd>
            <dt>Two-step sign-in</dt>
            <dd>{user.totpEnrolled ? 'on' : 'off'}</dd>
            <dt>Password</dt>
            <dd>{user.hasPassword ? 'set' : 'none'}</dd>
            <dt>Last sign-in</dt>
            <dd>{when(user.lastLoginAt)}</dd>
            <dt>Created</dt>
            <dd>{when(user.createdAt)}</dd>
          </dl>
          <ProfileForm user={user} onSaved={() => changed(`Profile of ${user.name} saved.`)} />
          <GrantsForm
            name={user.name}
            saved={detail.data.grants}
            roles={roles}
            scopes={scopes}
            onSaved={() => changed(`Roles and scopes of ${user.name} saved.`)}
          />
          <PasswordForm
            name={user.name}
            onSaved={() => changed(`New password of ${user.name} set; their sessions ended.`)}
          />
          <div className="toolbar">
            <Link className="button secondary" href={`/admin/tokens?user=${encodeURIComponent(user.name)}`}>
              API tokens of {user.name}
            </Link>
            {user.totpEnrolled ? (
              <button type="button" className="secondary" onClick={() => setDanger('reset-totp')}>
                Reset two-step sign-in
              </button>
            ) : null}
            <button type="button" className="secondary" onClick={() => setDanger('disable')}>
              {user.disabled ? 'Enable user' : 'Disable user'}
            </button>
            <button type="button" className="danger" onClick={() => setDanger('delete')}>
              Delete user
            </button>
          </div>
          <ConfirmDialog
            open={danger !== null}
            title={dangerTitle(danger, user)}
            confirmLabel={dangerLabel(danger, user)}
            busy={dangerous.busy}
            error={dangerous.error}
            onConfirm={() => void confirm()}
            onCancel={() => {
              dangerous.clear();
              setDanger(null);
            }}
          >
            <p>{dangerText(danger, user)}</p>
          </ConfirmDialog>
        </>
      ) : null}
    </section>
  );
}

function dangerTitle(danger: Danger, user: User): string {
  if (danger === 'delete') return `Delete ${user.name}?`;
  if (danger === 'reset-totp') return `Reset two-step sign-in of ${user.name}?`;
  return user.disabled ? `Enable ${user.name}?` : `Disable ${user.name}?`;
}

function dangerLabel(danger: Danger, user: User): string {
  if (danger === 'delete') return 'Delete';
  if (danger === 'reset-totp') return 'Reset';
  return user.disabled ? 'Enable' : 'Disable';
}

function dangerText(danger: Danger, user: User): string {
  if (danger === 'delete')
    return `${user.name} is removed with their API tokens and sessions. The audit log keeps their name.`;
  if (danger === 'reset-totp')
    return `${user.name} then signs in with the password alone until they enroll an authenticator again. Roles that require two-step sign-in grant them nothing until then.`;
  if (user.disabled) return `${user.name} can sign in again, and their API tokens work again.`;
  return `${user.name} is signed out everywhere at once, and their API tokens stop working on every server node within a second.`;
}

/** Display name and email. */
function ProfileForm({ user, onSaved }: { user: User; onSaved(): void }) {
  const [displayName, setDisplayName] = useState(user.displayName);
  const [email, setEmail] = useState(user.email ?? '');
  const action = useAction();
  useEffect(() => {
    setDisplayName(user.displayName);
    setEmail(user.email ?? '');
  }, [user]);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (
      await action.run(async () => {
        await ok(
          api.PATCH('/api/v1/users/{id}', {
            params: { path: { id: user.id } },
            body: { displayName, email: email === '' ? null : email },
          }),
        );
      })
    )
      onSaved();
  };
  return (
    <form onSubmit={submit} aria-label={`Profile of ${user.name}`}>
      <div className="toolbar">
        <label>
          Display name
          <input value={displayName} onChange={(e) => setDisplayName(e.target.value)} maxLength={200} />
        </label>
        <label>
          Email
          <input type="email" value={email} onChange={(e) => setEmail(e.target.value)} maxLength={254} />
        </label>
        <button type="submit" className="secondary" disabled={action.busy}>
          Save profile
        </button>
      </div>
      <ErrorNote error={action.error} />
    </form>
  );
}

/** The user's (role, scope) pairs, replaced as a whole by Save. */
function GrantsForm({
  name,
  saved,
  roles,
  scopes,
  onSaved,
}: {
  name: string;
  saved: readonly Grant[];
  roles: readonly Role[];
  scopes: readonly Scope[];
  onSaved(): void;
}) {
  const [grants, setGrants] = useState<Grant[]>([...saved]);
  const action = useAction();
  useEffect(() => setGrants([...saved]), [saved]);
  const dirty = JSON.stringify(grants) !== JSON.stringify(saved);
  const save = async () => {
    if (
      await action.run(async () => {
        await ok(api.PUT('/api/v1/users/{id}/grants', { params: { path: { id: name } }, body: { grants } }));
      })
    )
      onSaved();
  };
  return (
    <div className="grants-form">
      <GrantsEditor grants={grants} onChange={setGrants} roles={roles} scopes={scopes} />
      <ErrorNote error={action.error} />
      <div className="toolbar">
        <button type="button" onClick={() => void save()} disabled={!dirty || action.busy}>
          Save roles and scopes
        </button>
        {dirty ? (
          <button type="button" className="secondary" onClick={() => setGrants([...saved])}>
            Undo changes
          </button>
        ) : null}
      </div>
    </div>
  );
}

/** A new password for the user (a forgotten one); their sessions end. */
function PasswordForm({ name, onSaved }: { name: string; onSaved(): void }) {
  const [password, setPassword] = useState('');
  const action = useAction();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (
      await action.run(async () => {
        await ok(
          api.PUT('/api/v1/users/{id}/password', { params: { path: { id: name } }, body: { password } }),
        );
      })
    ) {
      setPassword('');
      onSaved();
    }
  };
  return (
    <form onSubmit={submit} aria-label={`Password of ${name}`}>
      <div className="toolbar">
        <label>
          New password
          <input
            type="password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            required
            autoComplete="new-password"
          />
        </label>
        <button type="submit" className="secondary" disabled={action.busy}>
          Set password
        </button>
      </div>
      <ErrorNote error={action.error} />
    </form>
  );
}
