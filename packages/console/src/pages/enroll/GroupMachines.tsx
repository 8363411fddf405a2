import { useState } from 'react';
import { Link } from '../../app/router';
import { useSession } from '../../app/session';
import { ErrorNote } from '../../components/ErrorNote';
import { useLoad } from '../../components/paging';
import { StatusIcon } from '../../components/StatusIcon';
import { Time } from '../../components/Time';
import { useLiveEvents } from '../../live/events';
import { type GroupMachine, groupMachines } from './enroll-api';

/** What a `machine` event said of a machine: its row's fields and its status ('deleted' once gone). */
interface LiveRow {
  row: Partial<GroupMachine>;
  status: string;
}

/**
 * The machines of the new token's group, kept live: an agent that enrolls with the token shows
 * up here with its check-in status as soon as it connects (and `onArrived` is told, since the
 * token's use count changed).
 */
export function GroupMachines({ group, onArrived }: { group: string; onArrived: () => void }) {
  const seesMachines = useSession().can('machines.view');
  const machines = useLoad(
    () => (seesMachines ? groupMachines(group) : Promise.resolve([])),
    [group, seesMachines],
  );
  // What the events said of each machine since the list was read: newer than the list.
  const [live, setLive] = useState<ReadonlyMap<string, LiveRow>>(new Map());
  const suffix = `.${group}`;
  useLiveEvents('machine', (event) => {
    const id = event.machineId;
    if (typeof id !== 'string' || !id.endsWith(suffix)) return;
    const row = (event.machine ?? {}) as Partial<GroupMachine>;
    setLive((known) => new Map(known).set(id, { row, status: String(event.status) }));
    // A machine the list does not hold yet (it just enrolled): read the list again.
    if (!machines.data?.some((m) => m.id === id)) {
      machines.reload();
      onArrived();
    }
  });
  if (!seesMachines) return null;
  const items = (machines.data ?? [])
    .map((m) => {
      const news = live.get(m.id);
      return news ? { ...m, ...news.row, status: news.status as string } : m;
    })
    .filter((m) => m.status !== 'deleted');
  return (
    <section aria-labelledby="group-machines-title">
      <h3 id="group-machines-title">Machines in {group}</h3>
      <ErrorNote error={machines.error} />
      {items.length === 0 ? (
        <p className="muted">No machine in this group yet: it appears here when its agent enrolls.</p>
      ) : (
        <ul className="enr-group-machines" aria-label={`Machines in ${group}`}>
          {items.map((m) => (
            <li key={m.id}>
              <StatusIcon
                status={m.status}
                temporary={m.temporary}
                bound={m.bound}
                loggedOnUser={m.loggedOnUser}
              />{' '}
              <Link href={`/machines/${encodeURIComponent(m.id)}`}>{m.id}</Link>{' '}
              <span className="muted">
                first check-in <Time iso={m.firstCheckinAt} empty="not yet" />
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
