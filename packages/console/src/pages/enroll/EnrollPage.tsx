import { useState } from 'react';
import { ErrorNote } from '../../components/ErrorNote';
import { useLoad } from '../../components/paging';
import { Time } from '../../components/Time';
import { AgentCommand } from './AgentCommand';
import { proposedServerAddress } from './agent-command';
import { DeviceTokenForm } from './DeviceTokenForm';
import { agentPorts, type CreatedInstallToken, listInstallTokens } from './enroll-api';
import { GroupMachines } from './GroupMachines';
import { InstallCommand } from './InstallCommand';
import { TokenForm } from './TokenForm';
import { TokenList } from './TokenList';
import './enroll.css';

/**
 * Enroll: install tokens (create for a group, list, revoke) and, for a new token, the one
 * install command to copy onto the managed machine (or the agent command line to run by hand),
 * with the group's machines appearing live as agents enroll. The token is shown once, when it
 * is made.
 */
export function EnrollPage(_props: { params: Record<string, string> }) {
  const tokens = useLoad(listInstallTokens, []);
  const ports = useLoad(agentPorts, []);
  const [created, setCreated] = useState<{ token: CreatedInstallToken; temporary: boolean } | null>(null);
  const groups = [...new Set((tokens.data ?? []).map((t) => t.group))].sort();
  return (
    <section aria-labelledby="enroll-title">
      <h1 id="enroll-title">Enroll</h1>
      <TokenForm
        groups={groups}
        onCreated={(token, temporary) => {
          setCreated({ token, temporary });
          tokens.reload();
        }}
      />
      {created ? (
        <section className="panel enr-new-token" aria-labelledby="new-token-title">
          <h2 id="new-token-title">Install an agent in {created.token.group}</h2>
          <p className="notice">
            The token is shown only now: copy the command before leaving this page.
            {created.token.machineId ? ` It enrolls one agent, as ${created.token.machineId}.` : ''}
            {created.token.maxUses === null
              ? ' Any number of agents may use it.'
              : ` Up to ${created.token.maxUses} agents may use it.`}{' '}
            {created.token.expiresAt ? (
              <>
                It expires <Time iso={created.token.expiresAt} />.
              </>
            ) : (
              'It never expires.'
            )}
            {created.temporary ? ' Its agents are temporary.' : ''}
          </p>
          <InstallCommand
            key={created.token.id}
            token={created.token.token}
            origin={window.location.origin}
          />
          <h3>Or run the agent by hand</h3>
          <ErrorNote error={ports.error} />
          {ports.data ? (
            <AgentCommand
              key={created.token.id}
              token={created.token.token}
              proposedServer={proposedServerAddress(window.location.hostname, ports.data)}
            />
          ) : null}
          <GroupMachines group={created.token.group} onArrived={tokens.reload} />
        </section>
      ) : null}
      <ErrorNote error={tokens.error} />
      <TokenList
        tokens={tokens.data ?? []}
        highlight={created?.token.id ?? null}
        onRevoked={() => tokens.reload()}
      />
      <DeviceTokenForm />
    </section>
  );
}
