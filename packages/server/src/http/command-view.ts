import type { CommandRecord, CommandTransition } from '../store/command-record';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** A command as the API shows it. */
export function commandView(c: CommandRecord, transitions?: readonly CommandTransition[]) {
  return {
    id: c.id,
    target: c.targetId,
    targetKind: c.targetKind,
    group: c.groupId,
    type: c.type,
    params: c.params,
    status: c.status,
    priority: c.priority,
    attempts: c.attempts,
    maxAttempts: c.maxAttempts,
    createdAt: iso(c.createdAt),
    updatedAt: iso(c.updatedAt),
    expiresAt: iso(c.expiresAt),
    finishedAt: iso(c.finishedAt),
    createdBy: c.createdBy,
    result:
      c.finishedAt === null && c.exitCode === null && c.output === null && c.error === null
        ? null
        : { exitCode: c.exitCode, output: c.output, error: c.error },
    ...(transitions
      ? { transitions: transitions.map((t) => ({ status: t.status, at: iso(t.at), detail: t.detail })) }
      : {}),
  };
}
