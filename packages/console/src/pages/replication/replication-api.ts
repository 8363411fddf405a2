import { api, ok } from '../../api/client';
import type { LocalServer, OffsiteServer } from './replication-types';

export type { LocalServer, OffsiteServer };

/** The fields of an offsite server the header form sets. */
export interface OffsiteFields {
  machineId: string;
  host: string;
  port: number;
  directory: string;
  syntheticFull: boolean;
}

/** The fields of a local server the header form sets. */
export interface LocalFields {
  machineId: string;
  directory: string;
  offsiteServerId: string;
  schedule: string;
  bandwidthKBps: number;
}

/** What a change queued on the agents, and what the administrator should know of it. */
export interface ChangeOutcome {
  procedures: string[];
  warnings: string[];
}

/** Offsite servers in scope. */
export async function listOffsiteServers(): Promise<OffsiteServer[]> {
  return (await ok(api.GET('/api/v1/offsite-servers'))).items;
}

/** Local servers in scope. */
export async function listLocalServers(): Promise<LocalServer[]> {
  return (await ok(api.GET('/api/v1/local-servers'))).items;
}

/** Creates an offsite server (its agent starts the role), or changes one (it restarts). */
export async function saveOffsiteServer(id: string | null, fields: OffsiteFields): Promise<ChangeOutcome> {
  const saved =
    id === null
      ? await ok(api.POST('/api/v1/offsite-servers', { body: fields }))
      : await ok(api.PUT('/api/v1/offsite-servers/{id}', { params: { path: { id } }, body: fields }));
  return { procedures: saved.procedures, warnings: saved.warnings };
}

/** Creates a local server, or changes one. */
export async function saveLocalServer(id: string | null, fields: LocalFields): Promise<ChangeOutcome> {
  const saved =
    id === null
      ? await ok(api.POST('/api/v1/local-servers', { body: fields }))
      : await ok(api.PUT('/api/v1/local-servers/{id}', { params: { path: { id } }, body: fields }));
  return { procedures: saved.procedures, warnings: saved.warnings };
}

/** The actions on one role; each answers the procedures it queued. */
export const roleActions = {
  deleteOffsite: (id: string) => ok(api.DELETE('/api/v1/offsite-servers/{id}', { params: { path: { id } } })),
  restartOffsite: (id: string) =>
    ok(api.POST('/api/v1/offsite-servers/{id}/restart', { params: { path: { id } } })),
  verifyOffsite: (id: string) =>
    ok(api.POST('/api/v1/offsite-servers/{id}/verify', { params: { path: { id } } })),
  deleteLocal: (id: string) => ok(api.DELETE('/api/v1/local-servers/{id}', { params: { path: { id } } })),
  restartLocal: (id: string) =>
    ok(api.POST('/api/v1/local-servers/{id}/restart', { params: { path: { id } } })),
  replicateNow: (id: string) =>
    ok(api.POST('/api/v1/local-servers/{id}/replicate-now', { params: { path: { id } } })),
};

/** Synthetic full retention, as the offsite server's agent was told it. */
export interface SnapshotRetention {
  keepLast: number;
  daily: number;
  weekly: number;
}

/**
 * The snapshots an offsite server keeps. The offsite server's view does not carry them; the
 * start procedure its agent last got does (the server's snapshotKeep* settings), so that is
 * read: it is what the agent applies. Null when there is no such procedure in the history.
 */
export async function offsiteRetention(offsite: OffsiteServer): Promise<SnapshotRetention | null> {
  const page = await ok(
    api.GET('/api/v1/commands', {
      params: { query: { target: offsite.machineId, type: 'start-offsite-server', limit: 20 } },
    }),
  );
  for (const command of page.items) {
    const params = command.params;
    const retention = params.retention as Partial<SnapshotRetention> | undefined;
    if (params.offsiteServerId !== offsite.id || !retention) continue;
    if (
      typeof retention.keepLast === 'number' &&
      typeof retention.daily === 'number' &&
      typeof retention.weekly === 'number'
    )
      return { keepLast: retention.keepLast, daily: retention.daily, weekly: retention.weekly };
  }
  return null;
}

/** A machine's check-in status, for the agent of a local server (its view does not carry it). */
export async function machineStatus(id: string): Promise<string> {
  return (await ok(api.GET('/api/v1/machines/{id}', { params: { path: { id } } }))).status;
}

/** Up to 20 machine ids that start with what was typed, for the machine field's suggestions. */
export async function suggestMachines(typed: string): Promise<string[]> {
  const text = typed.trim().toLowerCase();
  if (!/^[a-z0-9_.-]*$/.test(text)) return [];
  const page = await ok(
    api.GET('/api/v1/machines', { params: { query: { filter: `${text}*`, limit: 20 } } }),
  );
  return page.items.map((m) => m.id);
}
