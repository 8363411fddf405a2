import { api, ok } from '../../api/client';
import { navigate, useLocation } from '../../app/router';
import { useSession } from '../../app/session';
import { ErrorNote } from '../../components/ErrorNote';
import { useLoad } from '../../components/paging';
import { TokensPanel } from './TokensPanel';

/**
 * Any user's API tokens, for a manager with users.manage on everything: pick the user (`?user=`),
 * then list, make and revoke as on My account. A manager limits another user's token only to
 * permissions the manager holds on everything.
 */
export function TokensSection() {
  const { me } = useSession();
  const { search } = useLocation();
  const users = useLoad(() => ok(api.GET('/api/v1/users')), []);
  const owner = search.get('user') ?? me.user.name;
  const mine = owner === me.user.name;
  return (
    <section aria-labelledby="tokens-title">
      <h2 id="tokens-title">API tokens</h2>
      <ErrorNote error={users.error} />
      <label className="owner-pick">
        Tokens of
        <select
          value={owner}
          onChange={(e) => navigate(`/admin/tokens?user=${encodeURIComponent(e.target.value)}`)}
        >
          {(users.data?.items ?? [me.user]).map((u) => (
            <option key={u.id} value={u.name}>
              {u.name}
              {u.name === me.user.name ? ' (me)' : ''}
            </option>
          ))}
        </select>
      </label>
      <TokensPanel
        key={owner}
        owner={mine ? null : owner}
        choices={mine ? me.permissions : me.permissionsOnEverything}
      />
    </section>
  );
}
