import type { Principal } from '../access/principal';
import type { AuditEntry, AuditTargets, NewAuditEntry } from '../store/audit-record';
import type { AuditAppender, AuditReader } from '../store/interfaces';
import { scopeKeysOf } from './audit-targets';
import { type AuditVerification, verifyAuditChain } from './audit-verify';

/** Who acted, as far as known (a request's Actor fits; a refused sign-in knows only a name). */
export interface AuditActor {
  userId: string | null;
  userName: string | null;
  credential: { kind: string; id: string } | null;
  address: string | null;
}

/** One thing to record: who did what to what, and how it ended. */
export interface AuditEvent {
  actor: AuditActor | null;
  action: string;
  targets: AuditTargets;
  details: Record<string, unknown> | null;
  status: number | null;
  /** `ok` or an error code. */
  result: string;
}

/** A sign-in attempt, as the session route reports it. */
export interface SignInAttempt {
  /** The name given (recorded even when no such user exists). */
  userName: string;
  /** The user's id when the name is known. */
  userId: string | null;
  address: string;
  /** The session it opened, when it succeeded. */
  sessionId: string | null;
  ok: boolean;
  /** Why it failed (an error code such as `auth-failed`, `totp-required`), when it did. */
  reason?: string;
}

/** Filters of GET /audit. */
export interface AuditFilters {
  userName?: string;
  action?: string;
  machineId?: string;
  from?: number;
  to?: number;
  beforeSeq?: number;
  limit: number;
}

/**
 * Writes the audit log (every state-changing API request, every sign-in) and reads it for
 * people with `audit.view`. A failed write is reported through `onWriteError` (the server logs
 * it at error level) rather than failing the request, whose change has already happened.
 */
export class AuditService {
  constructor(
    private readonly store: AuditAppender & AuditReader,
    private readonly clock: () => number,
    private readonly onWriteError: (error: unknown, entry: NewAuditEntry) => void,
  ) {}

  /** Appends one entry; false (and the error reported) when it could not be written. */
  async record(event: AuditEvent): Promise<boolean> {
    const a = event.actor;
    const entry: NewAuditEntry = {
      at: this.clock(),
      userId: a?.userId ?? null,
      userName: a?.userName ?? null,
      credentialKind: a?.credential?.kind ?? null,
      credentialId: a?.credential?.id ?? null,
      address: a?.address ?? null,
      action: event.action,
      targets: event.targets,
      details: event.details,
      status: event.status,
      result: event.result,
      scopeKeys: scopeKeysOf(event.targets),
    };
    try {
      await this.store.appendAudit(entry);
      return true;
    } catch (error) {
      this.onWriteError(error, entry);
      return false;
    }
  }

  /** Records a sign-in, successful or not (action `session.sign-in`). */
  signIn(attempt: SignInAttempt): Promise<boolean> {
    return this.record({
      actor: {
        userId: attempt.userId,
        userName: attempt.userName,
        credential: attempt.sessionId === null ? null : { kind: 'session', id: attempt.sessionId },
        address: attempt.address,
      },
      action: 'session.sign-in',
      targets: {},
      details: null,
      status: null,
      result: attempt.ok ? 'ok' : (attempt.reason ?? 'auth-failed'),
    });
  }

  /** A page of entries the caller's audit.view scope holds, newest first, with the next cursor. */
  async list(
    principal: Principal,
    filters: AuditFilters,
  ): Promise<{ items: AuditEntry[]; next: number | null }> {
    const scope = principal.require('audit.view');
    const items = await this.store.listAudit({ ...filters, scope });
    const last = items.at(-1);
    return { items, next: items.length === filters.limit && last ? last.seq : null };
  }

  /** Walks the whole chain (needs audit.view: the answer names no entry's contents). */
  verify(principal: Principal): Promise<AuditVerification> {
    principal.require('audit.view');
    return verifyAuditChain(this.store);
  }
}
