import { Type } from '@sinclair/typebox';
import { ErrorCode, MusterError } from '../domain/errors';
import { ErrorResponse } from './error-schema';
import { component } from './openapi-components';
import type { TypedApp } from './typed-app';

/** How long /readyz waits for the store before it counts as unreachable. */
const STORE_CHECK_TIMEOUT_MS = 2000;

/** What /readyz checks: each answers null when fine, or why not. */
export interface ReadinessChecks {
  /** The store answers a query (resolves), or why not (rejects). */
  store(): Promise<void>;
  /** Every listener of this node is bound and it is not shutting down: null, else why not. */
  listeners(): string | null;
}

/** The answer of GET /healthz. */
export const HealthSchema = component(
  'Health',
  Type.Object({ status: Type.Literal('ok', { description: 'the process is alive and answering' }) }),
);

/** The answer of GET /readyz when ready. */
export const ReadinessSchema = component(
  'Readiness',
  Type.Object({
    status: Type.Literal('ready'),
    checks: Type.Object({ store: Type.String(), listeners: Type.String() }),
  }),
);

/**
 * The probes of a process supervisor or load balancer, outside /api/v1 where they are looked
 * for and without credentials (they say nothing of any organization): /healthz answers while
 * the process runs; /readyz only while the store answers and every listener is up. Successful
 * probes are not logged (logLevel warn): a probe every few seconds would bury the request log.
 */
export function healthRoutes(app: TypedApp, checks: ReadinessChecks): void {
  app.get(
    '/healthz',
    {
      logLevel: 'warn',
      config: { permission: 'public' },
      schema: {
        operationId: 'getHealth',
        tags: ['server'],
        summary: 'Liveness: the process is alive',
        response: { 200: HealthSchema },
      },
    },
    () => ({ status: 'ok' as const }),
  );
  app.get(
    '/readyz',
    {
      logLevel: 'warn',
      config: { permission: 'public' },
      schema: {
        operationId: 'getReadiness',
        tags: ['server'],
        summary: 'Readiness: the store is reachable and the listeners are up',
        description:
          'Answers 503 store-unavailable or not-ready, with each check in error.details.checks, when this node should get no traffic.',
        response: { 200: ReadinessSchema, 503: ErrorResponse },
      },
    },
    async () => {
      const [store, listeners] = await Promise.all([storeCheck(checks), checks.listeners()]);
      if (store === null && listeners === null)
        return { status: 'ready' as const, checks: { store: 'ok', listeners: 'ok' } };
      const details = { checks: { store: store ?? 'ok', listeners: listeners ?? 'ok' } };
      if (store !== null)
        throw new MusterError(
          ErrorCode.storeUnavailable,
          `not ready: the store is unreachable: ${store}`,
          details,
        );
      throw new MusterError(ErrorCode.notReady, `not ready: ${listeners}`, details);
    },
  );
}

/** Null when the store answered in time, else why not. */
async function storeCheck(checks: ReadinessChecks): Promise<string | null> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string>((resolve) => {
    timer = setTimeout(
      () => resolve(`no answer within ${STORE_CHECK_TIMEOUT_MS} ms`),
      STORE_CHECK_TIMEOUT_MS,
    );
  });
  try {
    return await Promise.race([
      checks.store().then(
        () => null,
        (error: unknown) => (error instanceof Error ? error.message : String(error)) || 'query failed',
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
