import cookie from '@fastify/cookie';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Principal } from '../access/principal';
import { ErrorCode } from '../domain/errors';

/** The console's session cookie. */
export const SESSION_COOKIE = 'muster_session';
/** The header a cookie-authenticated request that changes state must carry (the CSRF token). */
export const CSRF_HEADER = 'x-csrf-token';

/** A console session as the authentication hook sees it. */
export interface AuthenticatedSession {
  principal: Principal;
  sessionId: string;
  /** Whether a presented CSRF token is this session's. */
  csrfMatches(presented: string | undefined): boolean;
}

/** How callers are recognized: API tokens always; console sessions when the server has them. */
export interface Authenticators {
  bearer(token: string, address: string): Promise<Principal | null>;
  session?(secret: string, address: string): Promise<AuthenticatedSession | null>;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Who is calling: set by the authentication hook before any route runs. */
    principal: Principal;
    /** The console session of a cookie-authenticated request (null for API tokens). */
    sessionId: string | null;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Every request is authenticated before its route runs, except the few routes declared
 * `public` (signing in, the OpenAPI document): by `Authorization: Bearer <token>` (API tokens,
 * the CLI, scripts), or by the session cookie the console gets at sign-in. A cookie alone never
 * changes anything: a request that changes state must also carry the session's CSRF token in
 * the x-csrf-token header, which another site cannot read.
 */
export async function registerAuthentication(app: FastifyInstance, auth: Authenticators): Promise<void> {
  await app.register(cookie);
  app.decorateRequest('principal', null as unknown as Principal);
  app.decorateRequest('sessionId', null);
  app.addHook('onRequest', async (request, reply) => {
    if (request.routeOptions.config.permission === 'public') return;
    const header = request.headers.authorization;
    if (header !== undefined) {
      const match = /^Bearer\s+(\S+)$/i.exec(header);
      const principal = match ? await auth.bearer(match[1] as string, request.ip) : null;
      if (principal) {
        request.principal = principal;
        return;
      }
      return refuse(
        reply,
        401,
        ErrorCode.unauthorized,
        'the bearer token is not valid (revoked, expired or unknown)',
      );
    }
    const secret = request.cookies[SESSION_COOKIE];
    const session = secret && auth.session ? await auth.session(secret, request.ip) : null;
    if (!session) {
      return refuse(
        reply,
        401,
        ErrorCode.unauthorized,
        secret
          ? 'the session has ended; sign in again'
          : 'send Authorization: Bearer <token> (the first admin token is in <data>/admin-token), or sign in',
      );
    }
    if (!SAFE_METHODS.has(request.method) && !session.csrfMatches(csrfOf(request))) {
      return refuse(
        reply,
        403,
        ErrorCode.forbidden,
        `a request that changes state needs the ${CSRF_HEADER} header with the CSRF token given at sign-in`,
      );
    }
    request.principal = session.principal;
    request.sessionId = session.sessionId;
  });
}

function csrfOf(request: FastifyRequest): string | undefined {
  const value = request.headers[CSRF_HEADER];
  return Array.isArray(value) ? value[0] : value;
}

async function refuse(reply: FastifyReply, status: number, code: string, message: string): Promise<void> {
  if (status === 401) reply.header('www-authenticate', 'Bearer');
  await reply.status(status).send({ error: { code, message } });
}
