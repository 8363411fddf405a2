import { useState } from 'react';
import { ErrorNote } from '../../components/ErrorNote';
import { Time } from '../../components/Time';
import { type InstallToken, revokeInstallToken } from './enroll-api';

const STATE_WORDS: Record<InstallToken['state'], string> = {
  active: 'Active',
  revoked: 'Revoked',
  expired: 'Expired',
  'used-up': 'Used up',
};

/**
 * Every install token, newest first: never the token itself, only its first characters. Revoke
 * stops a token from enrolling more agents; agents already enrolled with it stay.
 */
export function TokenList({
  tokens,
  highlight,
  onRevoked,
}: {
  tokens: InstallToken[];
  highlight: string | null;
  onRevoked: (token: InstallToken) => void;
}) {
  const [error, setError] = useState<unknown>(null);
  const revoke = async (t: InstallToken) => {
    const what = `${t.prefix ?? 'the token'}… of ${t.group}`;
    if (
      !window.confirm(
        `Revoke install token ${what}? No agent can enroll with it any more; enrolled agents stay.`,
      )
    )
      return;
    try {
      onRevoked(await revokeInstallToken(t.id));
      setError(null);
    } catch (failure) {
      setError(failure);
    }
  };
  return (
    <section aria-labelledby="tokens-title">
      <h2 id="tokens-title">Install tokens</h2>
      <ErrorNote error={error} />
      <div className="table-wrap">
        <table aria-label="Install tokens">
          <thead>
            <tr>
              <th>Token</th>
              <th>Group</th>
              <th>Machine name</th>
              <th>State</th>
              <th>Uses</th>
              <th>Temporary</th>
              <th>Created</th>
              <th>Expires</th>
              <th>Revoke</th>
            </tr>
          </thead>
          <tbody>
            {tokens.map((t) => (
              <tr key={t.id} data-token={t.id} data-state={t.state} aria-selected={t.id === highlight}>
                <td>
                  <code>{t.prefix ? `${t.prefix}…` : '—'}</code>
                </td>
                <td>{t.group}</td>
                <td>{t.machineName ?? <span className="muted">host name</span>}</td>
                <td className={`enr-token-${t.state}`}>{STATE_WORDS[t.state] ?? t.state}</td>
                <td>
                  {t.uses}
                  {t.maxUses === null ? '' : ` of ${t.maxUses}`}
                </td>
                <td>{t.temporary ? 'Yes' : 'No'}</td>
                <td>
                  <Time iso={t.createdAt} />
                </td>
                <td>
                  {t.state === 'revoked' ? (
                    <>
                      revoked <Time iso={t.revokedAt} />
                    </>
                  ) : (
                    <Time iso={t.expiresAt} empty="never" />
                  )}
                </td>
                <td>
                  {t.state === 'active' ? (
                    <button
                      type="button"
                      className="danger"
                      onClick={() => void revoke(t)}
                      aria-label={`Revoke token ${t.prefix ?? t.id} of ${t.group}`}
                    >
                      Revoke
                    </button>
                  ) : null}
                </td>
              </tr>
            ))}
            {tokens.length === 0 ? (
              <tr>
                <td colSpan={9} className="muted">
                  No install token yet.
                </td>
              </tr>
            ) : null}
          </tbody>
        </table>
      </div>
    </section>
  );
}
