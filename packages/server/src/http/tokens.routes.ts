import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { requireDelegable, requireUserManagement } from '../access/delegation';
import { notFound } from '../domain/errors';
import type { AccessRouteServices } from './access-route-services';
import { IdParams, NewTokenBody, TokenSchema } from './access-schemas';
import { tokenView } from './access-views';
import { AUTH_ERRORS, ErrorResponse } from './error-schema';
import { component } from './openapi-components';
import type { TypedApp } from './typed-app';

const errors = { 400: ErrorResponse, 404: ErrorResponse, ...AUTH_ERRORS };

/** A new API token: the token is in this answer only. */
const CreatedTokenSchema = component(
  'CreatedApiToken',
  Type.Object({ token: Type.String({ description: 'shown once' }), record: TokenSchema }),
);

/** The user a token request is about: the caller, or (with users.manage on everything) another. */
async function ownerOf(s: AccessRouteServices, request: FastifyRequest, user: string | undefined) {
  const self = request.principal.actor.userId;
  if (user === undefined) return self;
  const other = (await s.users.get(user)).id;
  if (other !== self) requireUserManagement(request.principal);
  return other;
}

/**
 * Per-user API tokens: each user lists, makes and revokes their own; a manager with users.manage
 * on everything can do so for anyone. A token is shown once; a revoked or expired one stops
 * working on every node within a second.
 */
export function tokensRoutes(app: TypedApp, s: AccessRouteServices): void {
  const config = { permission: 'authenticated' } as const;

  app.get(
    '/tokens',
    {
      schema: {
        operationId: 'listTokens',
        tags: ['access'],
        summary: "List my API tokens (or, with users.manage, another user's: ?user=)",
        querystring: Type.Object(
          { user: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ items: Type.Array(TokenSchema) }), ...errors },
      },
      config,
    },
    async (request) => ({
      items: (await s.tokens.list(await ownerOf(s, request, request.query.user))).map(tokenView),
    }),
  );

  app.post(
    '/tokens',
    {
      schema: {
        operationId: 'createToken',
        tags: ['access'],
        summary: 'Make an API token: named, optionally expiring and limited to some of my permissions',
        description: 'The token is in the answer once and never again.',
        body: NewTokenBody,
        response: { 201: CreatedTokenSchema, ...errors },
      },
      config,
    },
    async (request, reply) => {
      const owner = await ownerOf(s, request, request.body.user);
      if (request.body.permissions)
        requireDelegable(
          request.principal,
          owner === request.principal.actor.userId ? [] : request.body.permissions,
        );
      const created = await s.tokens.create(owner, request.body);
      return reply.status(201).send({ token: created.token, record: tokenView(created.record) });
    },
  );

  app.delete(
    '/tokens/:id',
    {
      schema: {
        operationId: 'revokeToken',
        tags: ['access'],
        summary: "Revoke an API token (mine; with users.manage, anyone's)",
        params: IdParams,
        response: { 200: TokenSchema, ...errors },
      },
      config,
    },
    async (request) => {
      const self = request.principal.actor.userId;
      const mine = (await s.tokens.list(self)).some((t) => t.id === request.params.id);
      if (!mine) {
        if (!request.principal.can('users.manage')) throw notFound(`no token ${request.params.id}`);
        requireUserManagement(request.principal);
        return tokenView(await s.tokens.revoke(request.params.id));
      }
      return tokenView(await s.tokens.revoke(request.params.id, self));
    },
  );
}
