import type { LocalServer, OffsiteServer } from './replication-types';

/** Advice the page gives from the statuses, in the manual's words. */
export type ReplicationHint =
  | { kind: 'restart-offsite'; offsite: OffsiteServer; locals: LocalServer[] }
  | { kind: 'restart-local'; offsite: OffsiteServer; local: LocalServer; alone: boolean };

/** A local server this new has not had the time to reach its offsite server: not yet a problem. */
export const STARTING_GRACE_MS = 2 * 60_000;

/** Whether a local server counts as inactive for advice: inactive, and not just starting. */
export function inactiveForAdvice(local: LocalServer, now: number): boolean {
  if (local.status !== 'inactive') return false;
  const created = Date.parse(local.createdAt ?? '');
  const starting = local.reportedAt === null && Number.isFinite(created) && now - created < STARTING_GRACE_MS;
  return !starting;
}

/**
 * The manual's advice: "One local server is inactive and the others are fine: restart local
 * server. All local servers are inactive: restart offsite server." With a single local server
 * the two cannot be told apart, so it is advised to restart the local server first.
 */
export function replicationHints(
  offsites: readonly OffsiteServer[],
  locals: readonly LocalServer[],
  now: number,
): ReplicationHint[] {
  const hints: ReplicationHint[] = [];
  for (const offsite of offsites) {
    const members = locals.filter((l) => l.offsiteServerId === offsite.id);
    const inactive = members.filter((l) => inactiveForAdvice(l, now));
    if (inactive.length === 0) continue;
    if (members.length > 1 && inactive.length === members.length) {
      hints.push({ kind: 'restart-offsite', offsite, locals: inactive });
      continue;
    }
    for (const local of inactive)
      hints.push({ kind: 'restart-local', offsite, local, alone: members.length === 1 });
  }
  return hints;
}
