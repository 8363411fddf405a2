import { useState } from 'react';
import { Link } from '../../app/router';
import { useSession } from '../../app/session';
import { ErrorNote } from '../../components/ErrorNote';
import { MachineFilterBar } from '../../components/MachineFilterBar';
import { useMachineFilter } from '../../components/machine-filter';
import { StatusLegend } from '../../components/StatusIcon';
import { LocalServers } from './LocalServers';
import { machineFilterMatches } from './machine-filter-match';
import { OffsiteServers, type Report } from './OffsiteServers';
import { type ChangeOutcome, type OffsiteServer, roleActions } from './replication-api';
import { type ReplicationHint, replicationHints } from './replication-hints';
import { useReplication } from './use-replication';
import './replication.css';

type Outcome = { message: string; change?: ChangeOutcome } | { error: unknown };

/**
 * Offsite Servers and Local Servers: backup images move from each local server's directory to
 * its offsite server. Both lists are live; the manual's advice shows when local servers are
 * inactive (one: restart it; all of one offsite server: restart the offsite server).
 */
export function ReplicationPage(_props: { params: Record<string, string> }) {
  const state = useReplication();
  const [filter] = useMachineFilter();
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const report: Report = (o) => setOutcome(o);
  const reload = () => void state.reload();

  return (
    <section aria-labelledby="replication-title">
      <h1 id="replication-title">Offsite Servers and Local Servers</h1>
      <p className="muted">
        Local servers send the changes of their directory to an offsite server, 256-bit encrypted; broken
        transfers resume where they stopped.
      </p>
      <MachineFilterBar />
      <StatusLegend />
      <ErrorNote error={state.error} />
      {outcome ? <OutcomeNote outcome={outcome} onClose={() => setOutcome(null)} /> : null}
      {state.offsites && state.locals ? (
        <>
          {/* Advice looks at every local server of an offsite server, shown or not. */}
          <Hints
            offsites={state.offsites}
            hints={replicationHints(state.offsites, state.locals, Date.now())}
            report={report}
          />
          <FilterNote
            filter={filter}
            hidden={
              state.offsites.filter((o) => !machineFilterMatches(filter, o.machineId)).length +
              state.locals.filter((l) => !machineFilterMatches(filter, l.machineId)).length
            }
          />
          <OffsiteServers
            offsites={state.offsites.filter((o) => machineFilterMatches(filter, o.machineId))}
            filtered={filter !== ''}
            agentStatus={state.agentStatus}
            report={report}
            onChanged={reload}
          />
          <LocalServers
            locals={state.locals.filter((l) => machineFilterMatches(filter, l.machineId))}
            filtered={filter !== ''}
            offsites={state.offsites}
            agentStatus={state.agentStatus}
            report={report}
            onChanged={reload}
          />
        </>
      ) : state.error ? null : (
        <p className="loading">Loading…</p>
      )}
    </section>
  );
}

/** What the last action did: its message, the procedures it queued and any warning. */
function OutcomeNote({ outcome, onClose }: { outcome: Outcome; onClose: () => void }) {
  if ('error' in outcome) {
    return (
      <div className="rep-outcome">
        <ErrorNote error={outcome.error} />
        <button type="button" className="secondary" onClick={onClose}>
          Dismiss
        </button>
      </div>
    );
  }
  const change = outcome.change;
  const queued = change?.procedures.length ?? 0;
  return (
    <div className="notice rep-outcome" role="status">
      <p>
        {outcome.message}
        {queued > 0 ? ` ${queued} procedure${queued === 1 ? '' : 's'} queued on the agents.` : ''}
      </p>
      {change && change.warnings.length > 0 ? (
        <ul className="rep-warnings" aria-label="Warnings">
          {change.warnings.map((w) => (
            <li key={w}>{w}</li>
          ))}
        </ul>
      ) : null}
      <button type="button" className="secondary" onClick={onClose}>
        Dismiss
      </button>
    </div>
  );
}

/** The manual's advice for inactive local servers, with the restart it advises at hand. */
function Hints({
  offsites,
  hints,
  report,
}: {
  offsites: OffsiteServer[];
  hints: ReplicationHint[];
  report: Report;
}) {
  const manage = useSession().can('replication.manage');
  const seesMachines = useSession().can('machines.view');
  if (hints.length === 0 || offsites.length === 0) return null;
  const restart = async (action: () => Promise<{ procedures: string[] }>, message: string) => {
    try {
      const { procedures } = await action();
      report({ message, change: { procedures, warnings: [] } });
    } catch (error) {
      report({ error });
    }
  };
  return (
    <ul className="rep-hints" aria-label="Replication advice">
      {hints.map((h) =>
        h.kind === 'restart-offsite' ? (
          <li key={`offsite-${h.offsite.id}`} className="notice rep-hint" data-hint="restart-offsite">
            All local servers of the offsite server on {h.offsite.machineId} ({h.offsite.host}:
            {h.offsite.port}) are inactive: restart the offsite server.{' '}
            {manage ? (
              <button
                type="button"
                onClick={() =>
                  void restart(
                    () => roleActions.restartOffsite(h.offsite.id),
                    `Restarting the offsite server on ${h.offsite.machineId}.`,
                  )
                }
              >
                Restart offsite server {h.offsite.machineId}
              </button>
            ) : null}
          </li>
        ) : (
          <li key={`local-${h.local.id}`} className="notice rep-hint" data-hint="restart-local">
            The local server on {h.local.machineId} is inactive
            {h.alone
              ? ': restart the local server; if it stays inactive, restart the offsite server.'
              : ' and the others are fine: restart the local server.'}{' '}
            {manage ? (
              <button
                type="button"
                onClick={() =>
                  void restart(
                    () => roleActions.restartLocal(h.local.id),
                    `Restarting the local server on ${h.local.machineId}.`,
                  )
                }
              >
                Restart local server {h.local.machineId}
              </button>
            ) : null}
            {seesMachines ? (
              <>
                {' '}
                <Link href={`/machines/${encodeURIComponent(h.local.machineId)}`}>
                  Its pending procedures
                </Link>
              </>
            ) : null}
          </li>
        ),
      )}
    </ul>
  );
}

/** Says how many rows the Machine ID / Group ID filter hides, so none is thought gone. */
function FilterNote({ filter, hidden }: { filter: string; hidden: number }) {
  if (filter === '' || hidden === 0) return null;
  return (
    <p className="muted" role="status">
      The filter “{filter}” hides {hidden} {hidden === 1 ? 'server' : 'servers'} of other machines.
    </p>
  );
}
