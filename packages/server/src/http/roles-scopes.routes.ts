import { Type } from '@sinclair/typebox';
import { requireDelegable, requireUserManagement } from '../access/delegation';
import type { AccessRouteServices } from './access-route-services';
import { IdParams, RoleBody, RoleSchema, ScopeBody, ScopeSchema } from './access-schemas';
import { roleView, scopeView } from './access-views';
import { AUTH_ERRORS, ErrorResponse } from './error-schema';
import type { TypedApp } from './typed-app';

const errors = { 400: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse, ...AUTH_ERRORS };

/**
 * Roles (what functions) and scopes (which data). The built-in master role and scope cannot be
 * changed. All need users.manage on everything; a role holds only permissions its maker holds.
 */
export function rolesAndScopesRoutes(app: TypedApp, s: AccessRouteServices): void {
  const config = { permission: 'users.manage' } as const;

  app.get(
    '/roles',
    {
      schema: {
        operationId: 'listRoles',
        tags: ['access'],
        summary: 'List roles',
        response: { 200: Type.Object({ items: Type.Array(RoleSchema) }), ...AUTH_ERRORS },
      },
      config,
    },
    async (request) => {
      requireUserManagement(request.principal);
      return { items: (await s.roles.list()).map(roleView) };
    },
  );
  app.post(
    '/roles',
    {
      schema: {
        operationId: 'createRole',
        tags: ['access'],
        summary: 'Create a role: a named set of permissions, optionally requiring TOTP',
        body: RoleBody,
        response: { 201: RoleSchema, ...errors },
      },
      config,
    },
    async (request, reply) => {
      requireUserManagement(request.principal);
      requireDelegable(request.principal, request.body.permissions);
      return reply.status(201).send(roleView(await s.roles.create(request.body)));
    },
  );
  app.get(
    '/roles/:id',
    {
      schema: {
        operationId: 'getRole',
        tags: ['access'],
        summary: 'One role, by id or name',
        params: IdParams,
        response: { 200: RoleSchema, ...errors },
      },
      config,
    },
    async (request) => {
      requireUserManagement(request.principal);
      return roleView(await s.roles.get(request.params.id));
    },
  );
  app.put(
    '/roles/:id',
    {
      schema: {
        operationId: 'updateRole',
        tags: ['access'],
        summary: 'Change a role (not the built-in master)',
        params: IdParams,
        body: RoleBody,
        response: { 200: RoleSchema, ...errors },
      },
      config,
    },
    async (request) => {
      requireUserManagement(request.principal);
      requireDelegable(request.principal, request.body.permissions);
      return roleView(await s.roles.update((await s.roles.get(request.params.id)).id, request.body));
    },
  );
  app.delete(
    '/roles/:id',
    {
      schema: {
        operationId: 'deleteRole',
        tags: ['access'],
        summary: 'Delete a role (not the built-in master)',
        params: IdParams,
        response: { 204: Type.Null(), ...errors },
      },
      config,
    },
    async (request, reply) => {
      requireUserManagement(request.principal);
      await s.roles.delete((await s.roles.get(request.params.id)).id);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/scopes',
    {
      schema: {
        operationId: 'listScopes',
        tags: ['access'],
        summary: 'List scopes',
        response: { 200: Type.Object({ items: Type.Array(ScopeSchema) }), ...AUTH_ERRORS },
      },
      config,
    },
    async (request) => {
      requireUserManagement(request.principal);
      return { items: (await s.scopes.list()).map(scopeView) };
    },
  );
  app.post(
    '/scopes',
    {
      schema: {
        operationId: 'createScope',
        tags: ['access'],
        summary:
          'Create a scope: organizations, groups (with their subgroups) and machines, each included or excluded',
        description: 'Every entry must name something that exists. Within a scope an exclusion wins.',
        body: ScopeBody,
        response: { 201: ScopeSchema, ...errors },
      },
      config,
    },
    async (request, reply) => {
      requireUserManagement(request.principal);
      return reply.status(201).send(scopeView(await s.scopes.create(request.body)));
    },
  );
  app.get(
    '/scopes/:id',
    {
      schema: {
        operationId: 'getScope',
        tags: ['access'],
        summary: 'One scope, by id or name',
        params: IdParams,
        response: { 200: ScopeSchema, ...errors },
      },
      config,
    },
    async (request) => {
      requireUserManagement(request.principal);
      return scopeView(await s.scopes.get(request.params.id));
    },
  );
  app.put(
    '/scopes/:id',
    {
      schema: {
        operationId: 'updateScope',
        tags: ['access'],
        summary: 'Change a scope (not the built-in master)',
        params: IdParams,
        body: ScopeBody,
        response: { 200: ScopeSchema, ...errors },
      },
      config,
    },
    async (request) => {
      requireUserManagement(request.principal);
      return scopeView(await s.scopes.update((await s.scopes.get(request.params.id)).id, request.body));
    },
  );
  app.delete(
    '/scopes/:id',
    {
      schema: {
        operationId: 'deleteScope',
        tags: ['access'],
        summary: 'Delete a scope (not the built-in master)',
        params: IdParams,
        response: { 204: Type.Null(), ...errors },
      },
      config,
    },
    async (request, reply) => {
      requireUserManagement(request.principal);
      await s.scopes.delete((await s.scopes.get(request.params.id)).id);
      return reply.status(204).send(null);
    },
  );
}
