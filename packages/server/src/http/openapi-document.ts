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
  {
    name: 'alerts',
    description: 'Alerts with their state, alert rules per machine group, maintenance windows',
  },
  { name: 'server', description: 'The server itself: Server ID and status' },
  { name: 'access', description: 'Signing in, users, roles, scopes and API tokens' },
  { name: 'audit', description: 'The hash-chained audit log' },
  {
    name: 'terminal',
    description:
      'Remote terminals: live and recorded sessions. The terminal itself is a WebSocket at GET /api/v1/machines/{id}/terminal?cols=&rows= (permission remote.terminal), described in the README; WebSocket routes are not listed as operations.',
  },
];

/**
 * What each status means in this API, for the answers whose schema gives no description (the
 * plugin would say "Default Response"). The error codes are those of domain/errors.ts.
 */
const STATUS_DESCRIPTIONS: Record<string, string> = {
  200: 'OK',
  201: 'Created',
  202: 'Accepted: queued, and done in the background',
  204: 'Done; no content',
  400: 'invalid-input: a malformed body, query or path, or a value the server refuses; nothing was changed',
  401: 'unauthorized: no valid credentials (a missing, revoked or expired token, or an ended session)',
  403: 'forbidden: the caller lacks the permission (or holds it on part of the data where all of it is needed), or a cookie-authenticated change came without the CSRF token',
  404: "not-found: it does not exist, or lies outside the caller's scope",
  409: 'conflict or invalid-state: the change clashes with what exists, or the object is not in a state that allows it',
  415: 'the body has the wrong content type',
  429: 'too-many-requests: try again after Retry-After seconds',
  503: 'store-unavailable: the store was lost under the running server, so changes are refused',
};

/** The part of the document's paths that describeAnswers reads. */
type Paths = Record<string, Record<string, { responses?: Record<string, { description?: string }> }>>;

/** Gives each answer described only as "Default Response" the meaning of its status. */
function describeAnswers(paths: Paths): void {
  for (const item of Object.values(paths)) {
    for (const operation of Object.values(item)) {
      for (const [status, answer] of Object.entries(operation.responses ?? {})) {
        const described = STATUS_DESCRIPTIONS[status];
        if (answer.description === 'Default Response' && described) answer.description = described;
      }
    }
  }
}

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
    transformObject(document) {
      if (!('openapiObject' in document)) return document.swaggerObject;
      describeAnswers((document.openapiObject.paths ?? {}) as Paths);
      return document.openapiObject;
    },
  };
}
