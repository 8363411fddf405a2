import type { FastifyInstance } from 'fastify';
import { ErrorCode } from '../domain/errors';

/** Checks a bearer token; resolves true when it is a valid admin token. */
export type TokenVerifier = (token: string) => Promise<boolean>;

/** Requires `Authorization: Bearer <token>` on every request, without exception. */
export function registerBearerAuth(app: FastifyInstance, verify: TokenVerifier): void {
  app.addHook('onRequest', async (request, reply) => {
    const header = request.headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match || !(await verify(match[1] as string))) {
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
    }
  });
}
