import { useState } from 'react';
import { api, ok } from '../../api/client';
import { ErrorNote } from '../../components/ErrorNote';
import { useLoad } from '../../components/paging';
import { ConfirmDialog } from './ConfirmDialog';
import { CopyField } from './CopyField';
import { useAction } from './use-action';

/**
 * The server: its Server ID, agent ports and connected agents, and Change ID (the manual's
 * System > Configure > Change ID) behind a confirmation that says what it does to bound agents.
 */
export function ServerSection({ mayChangeId }: { mayChangeId: boolean }) {
  const server = useLoad(() => ok(api.GET('/api/v1/server')), []);
  // The nodes are shown to those who manage the whole server, as the API allows.
  const nodes = useLoad(
    () => (mayChangeId ? ok(api.GET('/api/v1/server/nodes')) : Promise.resolve({ items: [] })),
    [mayChangeId],
  );
  const [asking, setAsking] = useState(false);
  const [changed, setChanged] = useState<{ serverId: string; previousServerId: string } | null>(null);
  const change = useAction();
  const info = server.data;
  // Until the reload after a change brings the new ID, the loaded facts still hold the previous
  // one: the field shows the ID the change answered with, so it never contradicts the notice.
  const serverId = changed && info?.serverId === changed.previousServerId ? changed.serverId : info?.serverId;

  const confirm = async () => {
    const done = await change.run(async () => {
      setChanged(await ok(api.POST('/api/v1/server/change-id')));
    });
    if (done) {
      setAsking(false);
      server.reload();
    }
  };

  return (
    <section aria-labelledby="server-title">
      <h2 id="server-title">Server</h2>
      <ErrorNote error={server.error} />
      {changed ? (
        <p className="notice" role="status">
          The Server ID changed. Agents bound to the previous ID{' '}
          <code className="secret">{changed.previousServerId}</code> no longer check in.
        </p>
      ) : null}
      {info ? (
        <dl className="facts panel">
          <dt>Server ID</dt>
          <dd>
            <CopyField label="Server ID" value={serverId ?? info.serverId} />
          </dd>
          <dt>Version</dt>
          <dd>{info.version}</dd>
          <dt>Agent ports</dt>
          <dd>{info.agentPorts.length > 0 ? info.agentPorts.join(', ') : 'none'}</dd>
          <dt>Agents connected to this node</dt>
          <dd>
            {info.connectedAgents === null
              ? 'shown only to users who see every machine'
              : info.connectedAgents.toLocaleString('en-US')}
          </dd>
        </dl>
      ) : null}
      {mayChangeId ? (
        <div className="panel">
          <h3>Nodes</h3>
          <ErrorNote error={nodes.error} />
          <table>
            <caption className="visually-hidden">Server nodes</caption>
            <thead>
              <tr>
                <th scope="col">Node</th>
                <th scope="col">Address</th>
                <th scope="col">Started</th>
                <th scope="col">Last heartbeat</th>
              </tr>
            </thead>
            <tbody>
              {(nodes.data?.items ?? []).map((n) => (
                <tr key={n.id}>
                  <td>
                    <code>{n.id}</code>
                    {n.thisNode ? ' (this node)' : ''}
                  </td>
                  <td>{n.address}</td>
                  <td>{new Date(n.announcedAt).toLocaleString()}</td>
                  <td>{new Date(n.lastSeenAt).toLocaleString()}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {mayChangeId && info ? (
        <div className="panel">
          <h3>Change ID</h3>
          <p>
            Gives this server a new identity key, and so a new Server ID. Agents that are bound to the server
            (the lock icon) trust only the current ID.
          </p>
          <button
            type="button"
            className="danger"
            onClick={() => {
              change.clear();
              setAsking(true);
            }}
          >
            Change ID…
          </button>
        </div>
      ) : null}
      <ConfirmDialog
        open={asking}
        title="Change the Server ID?"
        confirmLabel="Change ID"
        busy={change.busy}
        error={change.error}
        onConfirm={() => void confirm()}
        onCancel={() => setAsking(false)}
      >
        <p>
          The server gets a new identity key and Server ID. <strong>Bound agents stop checking in</strong>:
          they are bound to the current Server ID and refuse any server with another one, by design, as they
          would refuse a spoofed server. The server cannot reach them afterwards to unbind them.
        </p>
        <p>
          To keep an agent, unbind it first on Check-In Control (clear Bind to Kserver, Update, and wait until
          the change is applied). Unbound agents reconnect and follow the new ID by themselves.
        </p>
      </ConfirmDialog>
    </section>
  );
}
