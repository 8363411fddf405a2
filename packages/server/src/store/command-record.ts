import type { ScopeFilter } from '../access/scope';
import type { CommandSort, KeysetPosition, SortOrder } from './list-record';
/** Every command status, exactly as the API shows them. */
export const COMMAND_STATUSES = [
  'pending',
  'processing',
  'complete',
  'failed',
  'expired',
  'canceled',
  'unknown',
] as const;
/** One command status. */
export type CommandStatus = (typeof COMMAND_STATUSES)[number];
/**
 * Statuses of a finished command. Only `unknown` is left again: it says a delivered command
 * ended without a result, so the result that its agent reports later replaces it.
 */
export const FINISHED_STATUSES: readonly CommandStatus[] = [
  'complete',
  'failed',
  'expired',
  'canceled',
  'unknown',
];

/** What a command is addressed to. */
export type TargetKind = 'machine' | 'device';

/** One status change of a command. */
export interface CommandTransition {
  status: CommandStatus;
  at: number;
  detail: string | null;
}

/** A queued command as the store holds it. */
export interface CommandRecord {
  seq: number;
  id: string;
  orgId: string;
  targetKind: TargetKind;
  targetId: string;
  groupId: string;
  type: string;
  params: Record<string, unknown>;
  status: CommandStatus;
  priority: number;
  attempts: number;
  maxAttempts: number;
  leaseExpiresAt: number | null;
  expiresAt: number | null;
  idempotencyKey: string | null;
  createdAt: number;
  updatedAt: number;
  finishedAt: number | null;
  exitCode: number | null;
  output: string | null;
  error: string | null;
  /** The name of the user who queued it; null for the server's own and for older commands. */
  createdBy: string | null;
}

/** A command to enqueue. */
export interface NewCommand {
  id: string;
  orgId: string;
  targetKind: TargetKind;
  targetId: string;
  groupId: string;
  type: string;
  params: Record<string, unknown>;
  priority: number;
  maxAttempts: number;
  expiresAt: number | null;
  /** The name of the user who queues it (absent: the server itself). */
  createdBy?: string | null;
  /**
   * Stored already handed out (processing, first attempt) to this agent session, when this
   * node holds the agent idle with nothing else waiting: no claim is needed (see LocalHandout).
   */
  handedTo?: { holder: string; leaseExpiresAt: number };
}

/** How a command ended, as reported by its endpoint. */
export interface CommandOutcome {
  status: 'complete' | 'failed';
  exitCode: number | null;
  output: string | null;
  error: string | null;
}

/** A status change the queue made, for events and webhooks. */
export interface CommandChange {
  id: string;
  targetKind: TargetKind;
  targetId: string;
  orgId: string;
  type: string;
  status: CommandStatus;
  at: number;
}

/**
 * Why finishing or releasing a command was refused: unknown id, another endpoint's command, one
 * that was never delivered (or, for a release, is not processing), or one whose result is
 * already recorded.
 */
export type CommandRefusal = 'not-found' | 'wrong-endpoint' | 'not-processing' | 'already-finished';

/** An endpoint's result for one of its commands, as `CommandQueueStore.finishMany` takes it. */
export interface FinishRequest {
  id: string;
  kind: TargetKind;
  targetId: string;
  outcome: CommandOutcome;
}

/** Filters of the command list. */
export interface CommandQuery {
  /** Only commands whose target is in this scope (omitted: everything). */
  scope?: ScopeFilter;
  targetKind?: TargetKind;
  targetId?: string;
  /** SQL LIKE pattern(s) on the target id (a Machine.Group ID filter): matching any is enough. */
  targetLike?: string | readonly string[];
  /** Text found in the target id or the type, case-insensitively and literally. */
  search?: string;
  status?: CommandStatus;
  type?: string;
  createdFrom?: number;
  createdTo?: number;
  /** Only commands with seq below this (pages go newest first). */
  beforeSeq?: number;
  /** The order (default: created, newest first); every order ends with seq. */
  sort?: CommandSort;
  order?: SortOrder;
  /** Start just past this position of the order (exclusive); its id is the seq. */
  after?: KeysetPosition<number>;
  limit: number;
}
