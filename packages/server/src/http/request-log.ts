import { type FastifyReply, type FastifyRequest, LogController } from 'fastify';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Log the route's pattern (`/install/:token`), not the address: the address holds a secret. */
    logRoute?: boolean;
  }
}

/**
 * Fastify's request logging, one line per request: Fastify's default writes two `info` lines
 * for each ("incoming request", then "request completed" without the method or URL), which
 * doubles the log volume and makes a reader join the pair by request id.
 */
class OneLinePerRequest extends LogController {
  override incomingRequest(): void {
    // Logged with its outcome in requestCompleted.
  }

  override requestCompleted(
    error: Error | null | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
  ): void {
    if (this.isLogDisabled(request)) return;
    const fields = {
      method: request.method,
      url: request.routeOptions.config?.logRoute ? request.routeOptions.url : request.url,
      statusCode: reply.statusCode,
      responseTimeMs: Math.round(reply.elapsedTime * 10) / 10,
      from: request.ip,
    };
    if (error) reply.log.error({ ...fields, err: error }, 'request failed');
    else reply.log.info(fields, 'request');
  }
}

/** The `logController` of every Fastify app the server runs (admin API and device endpoint). */
export function requestLogController(): LogController {
  return new OneLinePerRequest();
}
