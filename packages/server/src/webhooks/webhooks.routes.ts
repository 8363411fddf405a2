import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { filterContains } from '../access/scope';
import { notFound } from '../domain/errors';
import { AUTH_ERRORS, ErrorResponse, WRITE_ERRORS } from '../http/error-schema';
import { scopeOf } from '../http/route-permission';
import type { TypedApp } from '../http/typed-app';
import type { WebhookService } from './webhook.service';
import { ConfiguredWebhookSchema, DeadLetterSchema, WebhookSchema } from './webhook-schemas';

const OrgParams = Type.Object(
  { org: Type.String({ minLength: 1, maxLength: 63, description: 'Organization id, e.g. acme' }) },
  { additionalProperties: false },
);

const DeliveryParams = Type.Object(
  { id: Type.String({ minLength: 1, maxLength: 64 }) },
  { additionalProperties: false },
);

/** The body of PUT /organizations/{org}/webhook. */
export const WebhookBody = Type.Object(
  {
    url: Type.String({
      minLength: 1,
      maxLength: 2048,
      description: 'http or https URL receiving the events',
    }),
    secret: Type.Optional(
      Type.String({
        minLength: 16,
        maxLength: 256,
        description:
          'HMAC-SHA256 key; omitted: the current one is kept, or one is generated and returned once',
      }),
    ),
    enabled: Type.Optional(Type.Boolean({ default: true })),
  },
  { additionalProperties: false },
);

const DeadLetterQuery = Type.Object(
  {
    org: Type.Optional(Type.String({ minLength: 1, maxLength: 63 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
  },
  { additionalProperties: false },
);

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * A webhook belongs to its organization (not to a machine): an organization out of the
 * caller's scope answers as if it had no webhook (404), for reads and writes alike.
 */
function inScopeOrg(request: FastifyRequest & { params: { org: string } }): void {
  const org = request.params.org.toLowerCase();
  if (!filterContains(scopeOf(request), org, null)) throw notFound(`organization ${org} has no webhook`);
}

/**
 * Organization webhooks for command status changes, and their dead-letter list. Requests are
 * signed as described in webhook-signature.ts.
 */
export function webhookRoutes(app: TypedApp, service: WebhookService): void {
  app.put(
    '/organizations/:org/webhook',
    {
      config: { permission: 'webhooks.manage' },
      schema: {
        tags: ['webhooks'],
        summary: "Set an organization's webhook for command status changes",
        description:
          'Each event is POSTed as JSON with x-muster-event, x-muster-delivery, x-muster-timestamp (epoch ms) ' +
          'and x-muster-signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>. ' +
          'A generated secret is in this answer only.',
        operationId: 'setOrganizationWebhook',
        params: OrgParams,
        body: WebhookBody,
        response: {
          200: ConfiguredWebhookSchema,
          400: ErrorResponse,
          404: ErrorResponse,
          ...AUTH_ERRORS,
          ...WRITE_ERRORS,
        },
      },
    },
    (request) => {
      inScopeOrg(request);
      return service.configure(request.params.org, request.body);
    },
  );
  app.get(
    '/organizations/:org/webhook',
    {
      config: { permission: 'webhooks.manage' },
      schema: {
        tags: ['webhooks'],
        summary: "An organization's webhook (never its secret)",
        operationId: 'getOrganizationWebhook',
        params: OrgParams,
        response: { 200: WebhookSchema, 400: ErrorResponse, 404: ErrorResponse, ...AUTH_ERRORS },
      },
    },
    async (request) => {
      inScopeOrg(request);
      const view = await service.get(request.params.org);
      return { ...view, createdAt: iso(view.createdAt) };
    },
  );
  app.delete(
    '/organizations/:org/webhook',
    {
      config: { permission: 'webhooks.manage' },
      schema: {
        tags: ['webhooks'],
        summary: "Remove an organization's webhook with its queued and dead deliveries",
        operationId: 'deleteOrganizationWebhook',
        params: OrgParams,
        response: {
          204: Type.Null({ description: 'removed' }),
          400: ErrorResponse,
          404: ErrorResponse,
          ...AUTH_ERRORS,
          ...WRITE_ERRORS,
        },
      },
    },
    async (request, reply) => {
      inScopeOrg(request);
      await service.remove(request.params.org);
      return reply.status(204).send(null);
    },
  );
  app.get(
    '/webhooks/dead-letters',
    {
      config: { permission: 'webhooks.manage' },
      schema: {
        tags: ['webhooks'],
        summary: 'Deliveries that ran out of attempts, newest first',
        operationId: 'listWebhookDeadLetters',
        querystring: DeadLetterQuery,
        response: {
          200: Type.Object({ items: Type.Array(DeadLetterSchema) }),
          400: ErrorResponse,
          ...AUTH_ERRORS,
        },
      },
    },
    async (request) => ({
      items: (await service.deadLetters(request.query.org, request.query.limit ?? 100, scopeOf(request))).map(
        (d) => ({
          ...d,
          createdAt: iso(d.createdAt),
        }),
      ),
    }),
  );
  app.post(
    '/webhooks/dead-letters/:id/retry',
    {
      config: { permission: 'webhooks.manage' },
      schema: {
        tags: ['webhooks'],
        summary: 'Send a dead letter again, with fresh attempts',
        operationId: 'retryWebhookDeadLetter',
        params: DeliveryParams,
        response: {
          200: Type.Object({ id: Type.String(), status: Type.Literal('pending') }),
          400: ErrorResponse,
          404: ErrorResponse,
          ...AUTH_ERRORS,
          ...WRITE_ERRORS,
        },
      },
    },
    async (request) => {
      await service.retry(request.params.id, scopeOf(request));
      return { id: request.params.id, status: 'pending' as const };
    },
  );
}
