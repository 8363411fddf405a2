import { useState } from 'react';
import { useSession } from '../../app/session';
import { ErrorNote } from '../../components/ErrorNote';
import { when } from '../admin/admin-types';
import { TokensPanel } from '../admin/TokensPanel';
import { PasswordPanel } from './PasswordPanel';
import { TotpPanel } from './TotpPanel';
import './account.css';

/**
 * My account, for every signed-in user: who I am and what my roles give me, my password, my
 * second factor, signing out everywhere, and my own API tokens.
 */
export function AccountPage(_props: { params: Record<string, string> }) {
  const session = useSession();
  const { me } = session;
  const [error, setError] = useState<unknown>(null);
  return (
    <section className="account" aria-labelledby="account-title">
      <h1 id="account-title">My account</h1>
      <section className="panel" aria-labelledby="profile-title">
        <h2 id="profile-title">{me.user.displayName || me.user.name}</h2>
        <dl className="facts">
          <dt>User name</dt>
          <dd>{me.user.name}</dd>
          <dt>Email</dt>
          <dd>{me.user.email ?? '—'}</dd>
          <dt>Last sign-in</dt>
          <dd>{when(me.user.lastLoginAt)}</dd>
          <dt>Roles and scopes</dt>
          <dd>
            {me.grants.length === 0 ? (
              'none'
            ) : (
              <ul className="plain">
                {me.grants.map((g) => (
                  <li key={`${g.role}\u0000${g.scope}`}>
                    {g.role} in {g.scope}
                  </li>
                ))}
              </ul>
            )}
          </dd>
          <dt>Permissions</dt>
          <dd>{me.permissions.length === 0 ? 'none' : me.permissions.join(', ')}</dd>
        </dl>
      </section>
      <PasswordPanel />
      <TotpPanel />
      <section className="panel" aria-labelledby="sessions-title">
        <h2 id="sessions-title">Sessions</h2>
        <p>
          Signing out everywhere ends every console session of yours, in every browser, this one too. Your API
          tokens keep working; revoke them below.
        </p>
        <ErrorNote error={error} />
        <button type="button" onClick={() => session.signOut({ everywhere: true }).catch(setError)}>
          Sign out everywhere
        </button>
      </section>
      <section className="panel" aria-labelledby="my-tokens-title">
        <h2 id="my-tokens-title">My API tokens</h2>
        <p className="muted">
          For scripts and the command line (<code>Authorization: Bearer …</code>); each works with at most
          your permissions.
        </p>
        <TokensPanel owner={null} choices={me.permissions} />
      </section>
    </section>
  );
}
