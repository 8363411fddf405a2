import { Type } from '@sinclair/typebox';
import { requireDelegable, requireUserManagement } from '../access/delegation';
import type { Principal } from '../access/principal';
import type { GrantInput } from '../access/user.service';
import { ErrorCode, invalidInput, MusterError } from '../domain/errors';
import type { AccessRouteServices } from './access-route-services';
import { GrantSchema, IdParams, NewUserBody, UserPatchBody, UserSchema } from './access-schemas';
import { grantView, userView } from './access-views';
import { AUTH_ERRORS, ErrorResponse } from './error-schema';
import { component } from './openapi-components';
import type { TypedApp } from './typed-app';

const UserWithGrants = component(
  'UserWithGrants',
  Type.Object({ user: UserSchema, grants: Type.Array(GrantSchema) }),
);
const errors = { 400: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse, ...AUTH_ERRORS };

/** A manager hands out only the permissions they hold on everything (see delegation.ts). */
async function requireGrantable(s: AccessRouteServices, principal: Principal, grants: readonly GrantInput[]) {
  for (const g of grants) {
    const role = await s.roles.get(g.role).catch((error: unknown) => {
      // A role named in a body is bad input, not a missing resource.
      if (error instanceof MusterError && error.code === ErrorCode.notFound)
        throw invalidInput(`grants: no role "${g.role}"; nothing was changed`);
      throw error;
    });
    requireDelegable(principal, role.permissions);
  }
}

/** People: users, their (role, scope) pairs, passwords and second factor. All need users.manage on everything. */
export function usersRoutes(app: TypedApp, s: AccessRouteServices): void {
  const config = { permission: 'users.manage' } as const;

  app.get(
    '/users',
    {
      schema: {
        operationId: 'listUsers',
        tags: ['access'],
        summary: 'List users',
        response: { 200: Type.Object({ items: Type.Array(UserSchema) }), ...AUTH_ERRORS },
      },
      config,
    },
    async (request) => {
      requireUserManagement(request.principal);
      return { items: (await s.users.list()).map(userView) };
    },
  );

  app.post(
    '/users',
    {
      schema: {
        operationId: 'createUser',
        tags: ['access'],
        summary: 'Create a user, with a password (at least 12 characters) and (role, scope) pairs',
        body: NewUserBody,
        response: { 201: UserWithGrants, ...errors },
      },
      config,
    },
    async (request, reply) => {
      requireUserManagement(request.principal);
      await requireGrantable(s, request.principal, request.body.grants ?? []);
      const user = await s.users.create(request.body);
      return reply
        .status(201)
        .send({ user: userView(user), grants: (await s.users.grantsOf(user.id)).map(grantView) });
    },
  );

  app.get(
    '/users/:id',
    {
      schema: {
        operationId: 'getUser',
        tags: ['access'],
        summary: 'One user (by id or name) with their (role, scope) pairs',
        params: IdParams,
        response: { 200: UserWithGrants, ...errors },
      },
      config,
    },
    async (request) => {
      requireUserManagement(request.principal);
      const user = await s.users.get(request.params.id);
      return { user: userView(user), grants: (await s.users.grantsOf(user.id)).map(grantView) };
    },
  );

  app.patch(
    '/users/:id',
    {
      schema: {
        operationId: 'updateUser',
        tags: ['access'],
        summary: 'Change a user: display name, email, disabled (a disabled user is signed out everywhere)',
        params: IdParams,
        body: UserPatchBody,
        response: { 200: UserSchema, ...errors },
      },
      config,
    },
    async (request) => {
      requireUserManagement(request.principal);
      return userView(await s.users.update(request.params.id, request.body));
    },
  );

  app.delete(
    '/users/:id',
    {
      schema: {
        operationId: 'deleteUser',
        tags: ['access'],
        summary: 'Delete a user with their tokens and sessions (never the last active master)',
        params: IdParams,
        response: { 204: Type.Null(), ...errors },
      },
      config,
    },
    async (request, reply) => {
      requireUserManagement(request.principal);
      await s.users.delete(request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.put(
    '/users/:id/grants',
    {
      schema: {
        operationId: 'setUserGrants',
        tags: ['access'],
        summary: "Replace a user's (role, scope) pairs",
        params: IdParams,
        body: Type.Object(
          { grants: Type.Array(GrantSchema, { maxItems: 100 }) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ grants: Type.Array(GrantSchema) }), ...errors },
      },
      config,
    },
    async (request) => {
      requireUserManagement(request.principal);
      await requireGrantable(s, request.principal, request.body.grants);
      return { grants: (await s.users.setGrants(request.params.id, request.body.grants)).map(grantView) };
    },
  );

  app.put(
    '/users/:id/password',
    {
      schema: {
        operationId: 'setUserPassword',
        tags: ['access'],
        summary: "Set a user's password (their sessions end)",
        params: IdParams,
        body: Type.Object({ password: Type.String({ maxLength: 1024 }) }, { additionalProperties: false }),
        response: { 204: Type.Null(), ...errors },
      },
      config,
    },
    async (request, reply) => {
      requireUserManagement(request.principal);
      await s.users.setPassword(request.params.id, request.body.password);
      return reply.status(204).send(null);
    },
  );

  app.delete(
    '/users/:id/totp',
    {
      schema: {
        operationId: 'resetUserTotp',
        tags: ['access'],
        summary: "Remove a user's TOTP second factor (they enroll again)",
        params: IdParams,
        response: { 204: Type.Null(), ...errors },
      },
      config,
    },
    async (request, reply) => {
      requireUserManagement(request.principal);
      await s.totp.reset((await s.users.get(request.params.id)).id);
      return reply.status(204).send(null);
    },
  );
}
