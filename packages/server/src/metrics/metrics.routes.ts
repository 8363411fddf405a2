import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Registry } from 'prom-client';
import { ErrorCode } from '../domain/errors';

/**
 * GET /metrics in Prometheus' text format, for a scraper holding the metrics token
 * (`Authorization: Bearer <metricsToken>`): its own secret, not a user's API token, so a
 * monitoring system reaches the counts and nothing else. Without a configured token the
 * route answers 404, saying how to turn it on. Not in the OpenAPI document: it answers
 * Prometheus text, not JSON, to a scraper, not to a generated client.
 */
export function metricsRoutes(app: FastifyInstance, registry: Registry, token: string): void {
  const expected = token ? digest(token) : null;
  app.get(
    '/metrics',
    { logLevel: 'warn', config: { permission: 'public' }, schema: { hide: true } },
    async (request, reply) => {
      if (!expected) {
        return refuse(
          reply,
          404,
          ErrorCode.notFound,
          'metrics are off: set metricsToken (MUSTER_METRICS_TOKEN) to serve /metrics',
        );
      }
      const presented = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
      if (!presented || !timingSafeEqual(digest(presented), expected)) {
        reply.header('www-authenticate', 'Bearer');
        return refuse(
          reply,
          401,
          ErrorCode.unauthorized,
          presented
            ? 'the metrics token is not valid'
            : 'send Authorization: Bearer <metricsToken> (the server setting, MUSTER_METRICS_TOKEN)',
        );
      }
      const text = await registry.metrics();
      return reply.type(registry.contentType).send(text);
    },
  );
}

/** Equal-length digests, so comparing them takes the same time whatever was presented. */
function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

function refuse(reply: FastifyReply, status: number, code: string, message: string): FastifyReply {
  return reply.status(status).send({ error: { code, message } });
}
