import { type FormEvent, useState } from 'react';
import { api, ok } from '../../api/client';
import { Link, useLocation } from '../../app/router';
import { ErrorNote } from '../../components/ErrorNote';
import { useLoad } from '../../components/paging';
import { type Grant, type Role, type Scope, when } from './admin-types';
import { GrantsEditor } from './GrantsEditor';
import { UserDetail } from './UserDetail';
import { useAction } from './use-action';

/** The roles and scopes a user's pairs may name, loaded once for the section. */
export function useRolesAndScopes() {
  return useLoad(async () => {
    const [roles, scopes] = await Promise.all([ok(api.GET('/api/v1/roles')), ok(api.GET('/api/v1/scopes'))]);
    return { roles: roles.items, scopes: scopes.items };
  }, []);
}

/** Users: the list, a new user's form, and the user named by `?user=` with what can be done to them. */
export function UsersSection() {
  const { search } = useLocation();
  const selected = search.get('user');
  const users = useLoad(() => ok(api.GET('/api/v1/users')), []);
  const catalog = useRolesAndScopes();
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<string | null>(null);
  const roles = catalog.data?.roles ?? [];
  const scopes = catalog.data?.scopes ?? [];

  return (
    <section aria-labelledby="users-title">
      <h2 id="users-title">Users</h2>
      <div className="toolbar">
        <button
          type="button"
          aria-expanded={creating}
          onClick={() => {
            setCreating(!creating);
            setCreated(null);
          }}
        >
          New user
        </button>
      </div>
      {created ? (
        <p className="notice" role="status">
          User <strong>{created}</strong> created.
        </p>
      ) : null}
      {creating ? (
        <NewUserForm
          roles={roles}
          scopes={scopes}
          onCreated={(name) => {
            setCreating(false);
            setCreated(name);
            users.reload();
          }}
          onCancel={() => setCreating(false)}
        />
      ) : null}
      <ErrorNote error={users.error ?? catalog.error} />
      {selected ? (
        <UserDetail key={selected} name={selected} roles={roles} scopes={scopes} onChanged={users.reload} />
      ) : null}
      {users.loading && !users.data ? <p className="loading">Loading users…</p> : null}
      {users.data ? (
        <div className="table-wrap">
          <table aria-label="Users">
            <thead>
              <tr>
                <th>Name</th>
                <th>Display name</th>
                <th>Email</th>
                <th>Two-step sign-in</th>
                <th>State</th>
                <th>Last sign-in</th>
              </tr>
            </thead>
            <tbody>
              {users.data.items.map((u) => (
                <tr key={u.id} aria-selected={u.name === selected}>
                  <td>
                    <Link href={`/admin/users?user=${encodeURIComponent(u.name)}`}>{u.name}</Link>
                  </td>
                  <td>{u.displayName}</td>
                  <td>{u.email ?? '—'}</td>
                  <td>{u.totpEnrolled ? 'on' : 'off'}</td>
                  <td>{u.disabled ? 'disabled' : 'active'}</td>
                  <td>{when(u.lastLoginAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}

/** Name, display name, email, first password and (role, scope) pairs of a new user. */
function NewUserForm({
  roles,
  scopes,
  onCreated,
  onCancel,
}: {
  roles: readonly Role[];
  scopes: readonly Scope[];
  onCreated(name: string): void;
  onCancel(): void;
}) {
  const [name, setName] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [grants, setGrants] = useState<Grant[]>([]);
  const action = useAction();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    await action.run(async () => {
      const made = await ok(
        api.POST('/api/v1/users', {
          body: {
            name,
            ...(displayName ? { displayName } : {}),
            ...(email ? { email } : {}),
            ...(password ? { password } : {}),
            grants,
          },
        }),
      );
      onCreated(made.user.name);
    });
  };
  return (
    <form className="panel" onSubmit={submit} aria-labelledby="new-user-title">
      <h3 id="new-user-title">New user</h3>
      <div className="form-grid">
        <label>
          User name
          <input
            value={name}
            onChange={(e) => setName(e.target.value)}
            required
            maxLength={64}
            autoComplete="off"
          />
        </label>
        <label>
          Display name
          <input value={displayName} onChange={(e) => setDisplayName(e.target.value)} maxLength={200} />
        </label>
        <label>
          Email
          <input type="email" value={email} onChange={(e) => setEmail(e.target.value)} maxLength={254} />
        </label>
        <div>
          <label>
            Password
            <input
              type="password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              autoComplete="new-password"
              aria-describedby="new-user-password-hint"
            />
          </label>
          <span id="new-user-password-hint" className="muted hint">
            At least 12 characters, not the user name. Left empty, the user cannot sign in to the console
            until a password is set (API tokens made for them still work).
          </span>
        </div>
      </div>
      <GrantsEditor grants={grants} onChange={setGrants} roles={roles} scopes={scopes} />
      <ErrorNote error={action.error} />
      <div className="toolbar">
        <button type="submit" disabled={action.busy}>
          {action.busy ? 'Creating…' : 'Create user'}
        </button>
        <button type="button" className="secondary" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
