import type { FastifyInstance, FastifyRequest, FastifySchema } from 'fastify';
import type { Permission } from '../access/permissions';
import type { ScopeFilter } from '../access/scope';
import { ErrorCode, MusterError } from '../domain/errors';

/**
 * What a route needs: a permission, only a signed-in caller (`authenticated`: answers that
 * hold no data of any organization, like the Server ID), or nothing at all (`public`: signing
 * in, and the OpenAPI document, which describes and holds no data).
 */
export type RoutePermission = Permission | 'authenticated' | 'public';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The permission the route needs; every API route declares one (see registerRoutePermissions). */
    permission?: RoutePermission;
    /**
     * The route acts on the whole server, not on data of an organization (the Server ID, the
     * warning switches, the whole audit chain): its permission must reach everything.
     */
    onEverything?: boolean;
  }
}

/** The OpenAPI operation extension that carries a route's permission, for clients and the matrix test. */
export const PERMISSION_EXTENSION = 'x-permission';
/** The OpenAPI operation extension of a route whose permission must reach everything. */
export const ON_EVERYTHING_EXTENSION = 'x-on-everything';

/**
 * Every route declares what it needs in `config.permission`, one way for all: this hook copies
 * it into the route's OpenAPI operation as `x-permission` (the authorization matrix test reads
 * the document, so a route that declares nothing fails there) and checks it before the body is
 * validated (403 forbidden names the missing permission). Handlers then ask `scopeOf(request)`
 * for the data the permission reaches. Register it before the swagger plugin and any route.
 */
export function registerRoutePermissions(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    const permission = route.config?.permission;
    if (permission !== undefined)
      route.schema = { ...route.schema, [PERMISSION_EXTENSION]: permission } as FastifySchema;
    // The document says a public route needs no credentials (OpenAPI's empty security list).
    if (permission === 'public') route.schema = { ...route.schema, security: [] } as FastifySchema;
    if (route.config?.onEverything)
      route.schema = { ...route.schema, [ON_EVERYTHING_EXTENSION]: true } as FastifySchema;
  });
  app.addHook('preValidation', async (request) => {
    const permission = request.routeOptions.config.permission;
    if (permission !== undefined && permission !== 'authenticated' && permission !== 'public')
      request.principal.require(permission);
    if (request.routeOptions.config.onEverything) requireOnEverything(request);
  });
}

/**
 * The scope of the caller for the route's declared permission (EVERYTHING-like `{all:true}` for
 * a master). Throws forbidden when the caller lacks the permission.
 */
export function scopeOf(request: FastifyRequest): ScopeFilter {
  const permission = request.routeOptions.config.permission;
  if (permission === undefined || permission === 'authenticated' || permission === 'public') {
    throw new Error(`${request.routeOptions.url} has no permission that gives a scope`);
  }
  return request.principal.require(permission);
}

/**
 * For what belongs to the whole server rather than to any organization (the Server ID, the
 * warning switches): the route's permission must reach everything. A scope limits data, so a
 * permission held on part of it never reaches the server itself.
 */
export function requireOnEverything(request: FastifyRequest): void {
  if (!scopeOf(request).all) {
    throw new MusterError(
      ErrorCode.forbidden,
      `this changes the whole server: it needs ${request.routeOptions.config.permission} on everything (the master scope); yours is limited`,
    );
  }
}
