import type { FastifyError, FastifyInstance } from 'fastify';
import { ErrorCode, type ErrorCodeValue, MusterError } from '../domain/errors';

/** HTTP status of each core error code; the only place that maps them. */
export const HTTP_STATUS: Record<ErrorCodeValue, number> = {
  [ErrorCode.invalidInput]: 400,
  [ErrorCode.unauthorized]: 401,
  [ErrorCode.forbidden]: 403,
  [ErrorCode.notFound]: 404,
  [ErrorCode.conflict]: 409,
  [ErrorCode.invalidState]: 409,
  [ErrorCode.tokenInvalid]: 400,
  [ErrorCode.accountConflict]: 409,
  [ErrorCode.unknownAgent]: 404,
  [ErrorCode.authFailed]: 401,
  [ErrorCode.internal]: 500,
  [ErrorCode.tooManyRequests]: 429,
  [ErrorCode.storeUnavailable]: 503,
  [ErrorCode.notReady]: 503,
};

/** The error body every failing request gets. */
export interface ErrorBody {
  error: { code: string; message: string; details?: Record<string, unknown> };
}

/** Registers the handlers that turn every failure into `{"error": {"code", "message"}}`. */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | MusterError, request, reply) => {
    if (error instanceof MusterError) {
      const body: ErrorBody = { error: { code: error.code, message: error.message } };
      if (error.details) body.error.details = error.details;
      return reply.status(HTTP_STATUS[error.code]).send(body);
    }
    if (error.validation) {
      const where = error.validationContext ?? 'request';
      return reply.status(400).send({
        error: {
          code: ErrorCode.invalidInput,
          message: `invalid ${where}: ${error.message.replace(/^(body|querystring|params)\s*/, '')}`,
        },
      });
    }
    const status = error.statusCode ?? 500;
    if (status >= 500) request.log.error({ err: error }, 'request failed');
    const code =
      status === 404 ? ErrorCode.notFound : status < 500 ? ErrorCode.invalidInput : ErrorCode.internal;
    return reply
      .status(status)
      .send({ error: { code, message: status >= 500 ? 'internal error' : error.message } });
  });
  app.setNotFoundHandler((request, reply) => {
    reply
      .status(404)
      .send({ error: { code: ErrorCode.notFound, message: `no route ${request.method} ${request.url}` } });
  });
}
