import { type FormEvent, useEffect, useState } from 'react';
import { api, ok } from '../../api/client';
import { Link, navigate, useLocation } from '../../app/router';
import { ErrorNote } from '../../components/ErrorNote';
import { useLoad } from '../../components/paging';
import type { Role } from './admin-types';
import { ConfirmDialog } from './ConfirmDialog';
import { useAction } from './use-action';

/**
 * Roles: what functions a user may use. The built-in master role holds every permission there
 * is (also ones added later), so its list is the list of check boxes.
 */
export function RolesSection() {
  const { search } = useLocation();
  const selected = search.get('role');
  const roles = useLoad(() => ok(api.GET('/api/v1/roles')), []);
  const [creating, setCreating] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const items = roles.data?.items ?? [];
  const every = items.find((r) => r.builtIn && r.name === 'master')?.permissions ?? [];
  const current = items.find((r) => r.name === selected) ?? null;
  const done = (message: string, goTo?: string) => {
    setNotice(message);
    setCreating(false);
    roles.reload();
    if (goTo !== undefined) navigate(goTo);
  };

  return (
    <section aria-labelledby="roles-title">
      <h2 id="roles-title">Roles</h2>
      <div className="toolbar">
        <button
          type="button"
          aria-expanded={creating}
          onClick={() => {
            setCreating(!creating);
            setNotice(null);
          }}
        >
          New role
        </button>
      </div>
      {notice ? (
        <p className="notice" role="status">
          {notice}
        </p>
      ) : null}
      <ErrorNote error={roles.error} />
      {creating ? (
        <RoleForm
          editing={null}
          every={every}
          onSaved={(r) => done(`Role ${r.name} created.`)}
          onClose={() => setCreating(false)}
        />
      ) : null}
      {current ? (
        <RoleForm
          key={current.id}
          editing={current}
          every={every}
          onSaved={(r) => done(`Role ${r.name} saved.`, `/admin/roles?role=${encodeURIComponent(r.name)}`)}
          onDeleted={() => done(`Role ${current.name} deleted.`, '/admin/roles')}
          onClose={() => navigate('/admin/roles')}
        />
      ) : null}
      {roles.data ? (
        <div className="table-wrap">
          <table aria-label="Roles">
            <thead>
              <tr>
                <th>Name</th>
                <th>Permissions</th>
                <th>Requires two-step sign-in</th>
              </tr>
            </thead>
            <tbody>
              {items.map((r) => (
                <tr key={r.id} aria-selected={r === current}>
                  <td>
                    <Link href={`/admin/roles?role=${encodeURIComponent(r.name)}`}>{r.name}</Link>
                    {r.builtIn ? <span className="muted"> (built in)</span> : null}
                  </td>
                  <td>{r.builtIn ? 'every permission' : r.permissions.join(', ') || 'none'}</td>
                  <td>{r.requireTotp ? 'yes' : 'no'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}

/** A role's name, permissions (check boxes) and TOTP requirement; the master role is read-only. */
function RoleForm({
  editing: role,
  every,
  onSaved,
  onDeleted,
  onClose,
}: {
  editing: Role | null;
  every: readonly string[];
  onSaved(role: Role): void;
  onDeleted?(): void;
  onClose(): void;
}) {
  const [name, setName] = useState(role?.name ?? '');
  const [permissions, setPermissions] = useState<ReadonlySet<string>>(new Set(role?.permissions ?? []));
  const [requireTotp, setRequireTotp] = useState(role?.requireTotp ?? false);
  const [deleting, setDeleting] = useState(false);
  const save = useAction();
  const remove = useAction();
  useEffect(() => {
    setName(role?.name ?? '');
    setPermissions(new Set(role?.permissions ?? []));
    setRequireTotp(role?.requireTotp ?? false);
  }, [role]);
  const readOnly = role?.builtIn === true;
  const title = role ? `Role ${role.name}` : 'New role';

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const body = { name, permissions: every.filter((p) => permissions.has(p)), requireTotp };
    await save.run(async () => {
      onSaved(
        role
          ? await ok(api.PUT('/api/v1/roles/{id}', { params: { path: { id: role.id } }, body }))
          : await ok(api.POST('/api/v1/roles', { body })),
      );
    });
  };
  const confirmDelete = async () => {
    if (!role) return;
    const ok204 = await remove.run(async () => {
      await ok(api.DELETE('/api/v1/roles/{id}', { params: { path: { id: role.id } } }));
    });
    if (ok204) {
      setDeleting(false);
      onDeleted?.();
    }
  };
  const toggle = (permission: string) =>
    setPermissions((before) => {
      const after = new Set(before);
      if (after.has(permission)) after.delete(permission);
      else after.add(permission);
      return after;
    });

  return (
    <form className="panel" onSubmit={submit} aria-label={title}>
      <div className="panel-head">
        <h3>{title}</h3>
        <button type="button" className="secondary" onClick={onClose}>
          Close
        </button>
      </div>
      {readOnly ? (
        <p className="muted">The built-in master role holds every permission and cannot be changed.</p>
      ) : null}
      <label>
        Role name
        <input
          value={name}
          onChange={(e) => setName(e.target.value)}
          required
          maxLength={64}
          disabled={readOnly}
        />
      </label>
      <fieldset disabled={readOnly}>
        <legend>Permissions</legend>
        <div className="checkbox-grid">
          {every.map((permission) => (
            <label className="inline" key={permission}>
              <input
                type="checkbox"
                checked={readOnly || permissions.has(permission)}
                onChange={() => toggle(permission)}
              />
              {permission}
            </label>
          ))}
        </div>
      </fieldset>
      <label className="inline">
        <input
          type="checkbox"
          checked={requireTotp}
          onChange={(e) => setRequireTotp(e.target.checked)}
          disabled={readOnly}
        />
        Requires two-step sign-in (grants nothing until the user has enrolled an authenticator)
      </label>
      <ErrorNote error={save.error} />
      {readOnly ? null : (
        <div className="toolbar">
          <button type="submit" disabled={save.busy}>
            {role ? 'Save role' : 'Create role'}
          </button>
          {role ? (
            <button type="button" className="danger" onClick={() => setDeleting(true)}>
              Delete role
            </button>
          ) : null}
        </div>
      )}
      <ConfirmDialog
        open={deleting}
        title={`Delete the role ${role?.name ?? ''}?`}
        confirmLabel="Delete"
        busy={remove.busy}
        error={remove.error}
        onConfirm={() => void confirmDelete()}
        onCancel={() => {
          remove.clear();
          setDeleting(false);
        }}
      >
        <p>Every (role, scope) pair naming it is removed too: its users lose what it granted them.</p>
      </ConfirmDialog>
    </form>
  );
}
