import type { FastifyInstance } from 'fastify';
import type { Principal } from '../access/principal';
import { ErrorCode } from '../domain/errors';

/** Resolves a bearer token (and the client's address) to its caller, or null when it is not valid. */
export type TokenVerifier = (token: string, address: string) => Promise<Principal | null>;

declare module 'fastify' {
  interface FastifyRequest {
    /** Who is calling: set by the authentication hook before any route runs. */
    principal: Principal;
  }
}

/** Requires `Authorization: Bearer <token>` on every request, without exception. */
export function registerBearerAuth(app: FastifyInstance, verify: TokenVerifier): void {
  app.decorateRequest('principal', null as unknown as Principal);
  app.addHook('onRequest', async (request, reply) => {
    const header = request.headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    const principal = match ? await verify(match[1] as string, request.ip) : null;
    if (principal) {
      request.principal = principal;
      return;
    }
    await reply
      .status(401)
      .header('www-authenticate', 'Bearer')
      .send({
        error: {
          code: ErrorCode.unauthorized,
          message: match
            ? 'the bearer token is not valid'
            : 'send Authorization: Bearer <token>; the first admin token is in <data>/admin-token',
        },
      });
  });
}
