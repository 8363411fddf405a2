import type { SwaggerOptions } from '@fastify/swagger';
import { SESSION_COOKIE } from './authentication';
import { componentRefResolver } from './openapi-components';

/** The tags of the document, in the order a reader meets them, each with what it groups. */
export const OPENAPI_TAGS = [
  { name: 'machines', description: 'Managed machines (agents): list, show, suspend, remove' },
  { name: 'check-in control', description: 'Check-in settings of machines and per-group check-in policies' },
  { name: 'enrollment', description: 'Install tokens that agents enroll with' },
  { name: 'commands', description: 'The command queue: procedures for agents and devices' },
  { name: 'events', description: 'Server-sent events: command status changes and check-ins' },
  { name: 'devices', description: 'Mobile devices: enrollment, settings, check-in requests, locations' },
  { name: 'files', description: 'The file store of put-file and get-file' },
  { name: 'replication', description: 'Offsite and local servers of backup image replication' },
  { name: 'webhooks', description: 'Organization webhooks for command status changes' },
  { name: 'notifications', description: 'Warnings for administrators and their switches' },
  { name: 'server', description: 'The server itself: Server ID and status' },
  { name: 'access', description: 'Signing in, users, roles, scopes and API tokens' },
  { name: 'audit', description: 'The hash-chained audit log' },
];

/**
 * The options of @fastify/swagger: the document's info, tags and security, and shared schemas
 * named after their `$id` (see openapi-components.ts). Operations come from the routes.
 */
export function openapiOptions(version: string): SwaggerOptions {
  return {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Muster API',
        version,
        description:
          'Muster remote monitoring and management API. Callers send `Authorization: Bearer <token>` ' +
          '(API tokens), or the console session cookie, with the CSRF token given at sign-in in the ' +
          'x-csrf-token header of every request that changes state. Each operation names the ' +
          "permission it needs in x-permission; what lies outside the caller's scope answers 404. " +
          'Every error answers `{"error": {"code", "message", "details"?}}`.',
      },
      tags: OPENAPI_TAGS,
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'An API token (mst_...)' },
          session: {
            type: 'apiKey',
            in: 'cookie',
            name: SESSION_COOKIE,
            description: 'The console session, set by POST /api/v1/session',
          },
        },
      },
      security: [{ bearer: [] }, { session: [] }],
    },
    refResolver: componentRefResolver,
  };
}
