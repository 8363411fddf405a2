import { useState } from 'react';
import type { Grant, Role, Scope } from './admin-types';

/**
 * A user's (role, scope) pairs: the list with a remove button each, and a role and a scope to
 * add as a new pair. The caller saves them (a new user's form, or Save on a user).
 */
export function GrantsEditor({
  grants,
  onChange,
  roles,
  scopes,
}: {
  grants: readonly Grant[];
  onChange(grants: Grant[]): void;
  roles: readonly Role[];
  scopes: readonly Scope[];
}) {
  const [role, setRole] = useState('');
  const [scope, setScope] = useState('');
  // Until the user picks, the first role and scope are the ones a new pair would take.
  const roleName = role || roles[0]?.name || '';
  const scopeName = scope || scopes[0]?.name || '';
  const has = (g: Grant) => grants.some((x) => x.role === g.role && x.scope === g.scope);
  const add = () => {
    const pair = { role: roleName, scope: scopeName };
    if (pair.role && pair.scope && !has(pair)) onChange([...grants, pair]);
  };
  return (
    <fieldset className="grants">
      <legend>Roles and scopes</legend>
      {grants.length === 0 ? (
        <p className="muted">No pairs: the user may sign in but can do nothing.</p>
      ) : (
        <ul className="grant-list">
          {grants.map((g) => (
            <li key={`${g.role}\u0000${g.scope}`}>
              <span>
                <strong>{g.role}</strong> in <strong>{g.scope}</strong>
              </span>
              <button
                type="button"
                className="secondary"
                aria-label={`Remove ${g.role} in ${g.scope}`}
                onClick={() => onChange(grants.filter((x) => x !== g))}
              >
                Remove
              </button>
            </li>
          ))}
        </ul>
      )}
      <div className="toolbar">
        <label>
          Role
          <select value={roleName} onChange={(e) => setRole(e.target.value)}>
            {roles.map((r) => (
              <option key={r.id} value={r.name}>
                {r.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Scope
          <select value={scopeName} onChange={(e) => setScope(e.target.value)}>
            {scopes.map((s) => (
              <option key={s.id} value={s.name}>
                {s.name}
              </option>
            ))}
          </select>
        </label>
        <button
          type="button"
          className="secondary"
          onClick={add}
          disabled={!roleName || !scopeName || has({ role: roleName, scope: scopeName })}
        >
          Add pair
        </button>
      </div>
    </fieldset>
  );
}
