import type { CommandRecord, CommandTransition } from '../store/command-record';
import type { CommandDetailView, CommandView } from './command-schemas';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** A command as the API lists it. */
export function commandView(c: CommandRecord): CommandView;
/** A command with every status change it went through. */
export function commandView(c: CommandRecord, transitions: readonly CommandTransition[]): CommandDetailView;
/** A command as the API shows it, with its transitions when given. */
export function commandView(
  c: CommandRecord,
  transitions?: readonly CommandTransition[],
): CommandView | CommandDetailView {
  const view: CommandView = {
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
  };
  if (!transitions) return view;
  return {
    ...view,
    transitions: transitions.map((t) => ({ status: t.status, at: iso(t.at), detail: t.detail })),
  };
}
