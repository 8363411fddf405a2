import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AuditService } from './audit.service';
import { targetsOfRequest } from './audit-targets';

/** What a route may add to its request's audit entry. */
export interface AuditNote {
  /** Facts of the action worth keeping (merged into the entry's details). */
  details?: Record<string, unknown>;
  /** The route writes its own entry (the session route records sign-ins through AuditService.signIn). */
  skip?: boolean;
  /** Settings as read before the handler ran (see SettingsReaders). */
  before?: unknown;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The audit entry's notes for a state-changing request; null for any other request. */
    audit: AuditNote | null;
  }
}

/**
 * Reads the settings a route changes, by `METHOD /api/v1/route/:pattern`: the hook reads them
 * before the handler runs and again after it answered, and records both, so settings routes
 * need no audit code of their own.
 */
export type SettingsReaders = Record<string, (request: FastifyRequest) => Promise<unknown>>;

const CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const PREFIX = '/api/v1';

function routeOf(request: FastifyRequest): string | null {
  const url = request.routeOptions.url;
  if (!url?.startsWith(`${PREFIX}/`) || !CHANGING.has(request.method)) return null;
  return url;
}

function errorCodeOf(payload: unknown): string | null {
  if (typeof payload !== 'string' && !Buffer.isBuffer(payload)) return null;
  try {
    const code = JSON.parse(payload.toString()).error?.code;
    return typeof code === 'string' ? code : null;
  } catch {
    return null;
  }
}

/**
 * Writes one audit entry for every state-changing request under /api/v1 that reached a route
 * with a known caller: who, from where, the action (the route's operationId, else method and
 * route pattern), its targets and how it ended. It is written when the answer is decided and
 * before it is sent, so a client that saw the answer can find the entry. Requests refused
 * before authentication (401) name nobody and write nothing.
 */
export function registerAuditHook(app: FastifyInstance, audit: AuditService, readers: SettingsReaders): void {
  app.decorateRequest('audit', null);
  app.addHook('preHandler', async (request) => {
    const route = routeOf(request);
    if (!route) return;
    request.audit = {};
    const read = readers[`${request.method} ${route}`];
    // A read that fails (an unknown group, machines out of scope) fails the request the same
    // way, and the entry records that error; the settings are then simply not known.
    if (read) request.audit.before = await read(request).catch(() => null);
  });
  app.addHook('onSend', async (request, reply, payload) => {
    const route = routeOf(request);
    // No principal: refused by authentication. Requests refused by validation are recorded too.
    if (!route || !request.principal || request.audit?.skip) return payload;
    const note = request.audit ?? {};
    const ok = reply.statusCode < 400;
    const details: Record<string, unknown> = { ...note.details };
    const read = readers[`${request.method} ${route}`];
    if (read && request.audit) {
      details.settings = {
        before: note.before ?? null,
        after: ok ? await read(request).catch(() => null) : null,
      };
    }
    const schema = request.routeOptions.schema as { operationId?: string } | undefined;
    await audit.record({
      actor: request.principal.actor,
      action: schema?.operationId ?? `${request.method} ${route.slice(PREFIX.length)}`,
      targets: targetsOfRequest(route, request.params, request.body),
      details: Object.keys(details).length > 0 ? details : null,
      status: reply.statusCode,
      result: ok ? 'ok' : (errorCodeOf(payload) ?? `http-${reply.statusCode}`),
    });
    return payload;
  });
}
