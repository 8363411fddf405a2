import { useCallback, useEffect, useRef, useState } from 'react';
import { useSession } from '../../app/session';
import { type LiveEvent, useLiveEvents } from '../../live/events';
import {
  type LocalServer,
  listLocalServers,
  listOffsiteServers,
  machineStatus,
  type OffsiteServer,
} from './replication-api';

/** An offsite server's status follows its agent's reports, which no event announces. */
const OFFSITE_REFRESH_MS = 10_000;
/** While a pass runs and no `replication` event arrived for this long, the list is read again. */
const EVENT_SILENCE_MS = 3_000;
const POLL_MS = 2_000;
/** How long after a procedure finishes its agent's report of the role is looked for. */
const REPORT_FOLLOWS_MS = 2_500;

/** Both lists of the page, kept live, and the check-in status of every role's machine. */
export interface ReplicationState {
  offsites: OffsiteServer[] | null;
  locals: LocalServer[] | null;
  /** Check-in status by machine id (from GET /machines/{id} and `machine` events). */
  agentStatus: ReadonlyMap<string, string>;
  error: unknown;
  reload(): Promise<void>;
}

/** The fields of a `replication` event's localServer (the list item's names). */
type Progress = Partial<LocalServer>;

/**
 * The offsite and local servers of the user's scopes, live: a `replication` event (a report of
 * the local server's agent, or the watch turning it active or inactive) updates its row in
 * place; a `machine` event updates a role's agent status; a `command` event of a role's machine
 * (a start, stop or restart procedure finished) reads both lists again. While a pass runs and
 * the events are silent (a server without them), the list is polled instead.
 */
export function useReplication(): ReplicationState {
  const session = useSession();
  const seesMachines = session.can('machines.view');
  const [offsites, setOffsites] = useState<OffsiteServer[] | null>(null);
  const [locals, setLocals] = useState<LocalServer[] | null>(null);
  const [agentStatus, setAgentStatus] = useState<ReadonlyMap<string, string>>(new Map());
  const [error, setError] = useState<unknown>(null);
  const lastEvent = useRef(0);
  const ticket = useRef(0);
  const localsRef = useRef(locals);
  localsRef.current = locals;

  const reload = useCallback(async () => {
    const mine = ++ticket.current;
    try {
      const [o, l] = await Promise.all([listOffsiteServers(), listLocalServers()]);
      // An answer overtaken by a newer reload is dropped: it could undo what that one showed.
      if (mine !== ticket.current) return;
      setOffsites(o);
      setLocals(l);
      setError(null);
    } catch (failure) {
      if (mine === ticket.current) setError(failure);
    }
  }, []);
  useEffect(() => {
    void reload();
  }, [reload]);

  // The offsite servers' agent status is in their own view; local servers' agents are looked up.
  const localMachines = [...new Set((locals ?? []).map((l) => l.machineId))].sort().join(' ');
  useEffect(() => {
    if (!seesMachines || localMachines === '') return;
    let current = true;
    void Promise.all(
      localMachines
        .split(' ')
        .map(async (id) => [id, await machineStatus(id).catch(() => 'unknown')] as const),
    ).then((found) => {
      if (current) setAgentStatus((known) => new Map([...known, ...found]));
    });
    return () => {
      current = false;
    };
  }, [localMachines, seesMachines]);

  useLiveEvents('replication', (event: LiveEvent) => {
    lastEvent.current = Date.now();
    const id = event.localServerId;
    const progress = event.localServer as Progress | undefined;
    if (typeof id !== 'string' || !progress) return;
    // A local server this page has not listed yet (made in another tab): read the list.
    if (!localsRef.current?.some((l) => l.id === id)) {
      void reload();
      return;
    }
    setLocals((list) => list?.map((l) => (l.id === id ? { ...l, ...progress } : l)) ?? list);
  });
  useLiveEvents('machine', (event: LiveEvent) => {
    const id = event.machineId;
    const status = event.status;
    if (typeof id !== 'string' || typeof status !== 'string') return;
    setAgentStatus((known) => (known.has(id) ? new Map(known).set(id, status) : known));
    setOffsites((list) => list?.map((o) => (o.machineId === id ? { ...o, agentStatus: status } : o)) ?? list);
    // The offsite server's online/offline follows its agent's connection.
    if (offsites?.some((o) => o.machineId === id)) void reload();
  });
  useLiveEvents('command', (event: LiveEvent) => {
    const target = event.target;
    if (event.status === 'pending' || event.status === 'processing') return;
    const involved =
      offsites?.some((o) => o.machineId === target) || locals?.some((l) => l.machineId === target);
    if (!involved) return;
    void reload();
    // A role the procedure started is reported by its agent at its next check-in, just after.
    window.setTimeout(() => void reload(), REPORT_FOLLOWS_MS);
  });

  const transferring = (locals ?? []).some((l) => l.state === 'transferring');
  useEffect(() => {
    if (!transferring) return;
    const timer = window.setInterval(() => {
      if (Date.now() - lastEvent.current > EVENT_SILENCE_MS) void reload();
    }, POLL_MS);
    return () => window.clearInterval(timer);
  }, [transferring, reload]);
  useEffect(() => {
    const timer = window.setInterval(() => void reload(), OFFSITE_REFRESH_MS);
    return () => window.clearInterval(timer);
  }, [reload]);

  const merged = new Map(agentStatus);
  for (const o of offsites ?? []) merged.set(o.machineId, o.agentStatus);
  return { offsites, locals, agentStatus: merged, error, reload };
}
