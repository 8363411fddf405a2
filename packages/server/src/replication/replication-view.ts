import type { Static } from '@sinclair/typebox';
import type { LocalServerRecord, OffsiteServerRecord } from '../store/replication-record';
import type { LocalServerDefinition, OffsiteServerDefinition } from './replication-schemas';

const iso = (ms: number | null | undefined) =>
  ms === null || ms === undefined ? null : new Date(ms).toISOString();

/** An offsite server as the API shows it, with its agent's check-in status. */
export function offsiteView(
  o: OffsiteServerRecord,
  agentStatus: string,
  agentOnline: boolean,
  fresh: boolean,
): Static<typeof OffsiteServerDefinition> {
  const running = agentOnline && fresh && o.report?.running === true;
  return {
    id: o.id,
    machineId: o.machineId,
    host: o.host,
    port: o.port,
    directory: o.directory,
    syntheticFull: o.syntheticFull,
    status: running ? ('online' as const) : ('offline' as const),
    agentStatus,
    freeBytes: o.report?.freeBytes ?? null,
    connectedLocalServers: o.report?.sessions ?? 0,
    error: o.report?.error ?? null,
    lastVerification: o.report?.lastVerification ?? null,
    reportedAt: iso(o.reportedAt),
    createdAt: iso(o.createdAt),
    updatedAt: iso(o.updatedAt),
  };
}

/** A local server as the API shows it: active or inactive, and how its transfer is going. */
export function localView(l: LocalServerRecord, active: boolean): Static<typeof LocalServerDefinition> {
  const r = l.report;
  return {
    id: l.id,
    machineId: l.machineId,
    directory: l.directory,
    offsiteServerId: l.offsiteServerId,
    schedule: l.schedule,
    bandwidthKBps: l.bandwidthKBps,
    status: active ? ('active' as const) : ('inactive' as const),
    state: r?.state ?? 'unknown',
    lastContactAt: iso(r?.lastContactAt),
    lastTransferAt: iso(r?.lastTransferAt),
    bytesRemaining: r?.bytesRemaining ?? null,
    rateBytesPerSecond: r?.rateBytesPerSecond ?? null,
    etaSeconds: r?.etaSeconds ?? null,
    nextRunAt: iso(r?.nextRunAt),
    lastPass: r?.lastPass ?? null,
    error: r?.error ?? null,
    inactiveSince: iso(l.inactiveSince),
    reportedAt: iso(l.reportedAt),
    createdAt: iso(l.createdAt),
    updatedAt: iso(l.updatedAt),
  };
}
