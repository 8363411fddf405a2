import { type Static, Type } from '@sinclair/typebox';
import { invalidInput } from '../domain/errors';
import { AUTH_ERRORS, ErrorResponse } from '../http/error-schema';
import { component } from '../http/openapi-components';
import type { TypedApp } from '../http/typed-app';
import type { AuditEntry } from '../store/audit-record';
import type { AuditFilters, AuditService } from './audit.service';

const AuditEntryDefinition = Type.Object({
  seq: Type.Integer({ description: 'Position in the chain; also the page cursor' }),
  at: Type.String({ format: 'date-time' }),
  user: Type.Union([
    Type.Object({ id: Type.Union([Type.String(), Type.Null()]), name: Type.String() }),
    Type.Null(),
  ]),
  credential: Type.Union([Type.Object({ kind: Type.String(), id: Type.String() }), Type.Null()]),
  address: Type.Union([Type.String(), Type.Null()]),
  action: Type.String({ description: 'operationId, or method and route pattern, or session.sign-in' }),
  targets: Type.Record(Type.String(), Type.Unknown(), {
    description: 'machines, devices, groups, filter, ids: what the request named',
  }),
  details: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()], {
    description: 'settings.before and settings.after for settings changes',
  }),
  status: Type.Union([Type.Integer(), Type.Null()], { description: 'HTTP status of the answer' }),
  result: Type.String({ description: '"ok" or the error code of the answer' }),
  prevHash: Type.String(),
  hash: Type.String(),
});
/** One entry of the audit log. */
const AuditEntrySchema = component('AuditEntry', AuditEntryDefinition);

const AuditPage = Type.Object({
  items: Type.Array(AuditEntrySchema),
  next: Type.Union([Type.Integer(), Type.Null()], { description: 'cursor for ?before= of the next page' }),
});

const AuditVerificationSchema = component(
  'AuditVerification',
  Type.Object({
    ok: Type.Boolean(),
    checked: Type.Integer({ description: 'entries whose links were checked' }),
    headSeq: Type.Integer(),
    headHash: Type.String({ description: 'keep it elsewhere to notice a rewritten chain later' }),
    broken: Type.Optional(
      Type.Object({
        seq: Type.Integer(),
        kind: Type.Union([Type.Literal('edited'), Type.Literal('deleted'), Type.Literal('inserted')]),
        message: Type.String(),
      }),
    ),
  }),
);

const ListQuery = Type.Object(
  {
    user: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    action: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    machine: Type.Optional(Type.String({ minLength: 1, maxLength: 300 })),
    from: Type.Optional(Type.String({ format: 'date-time' })),
    to: Type.Optional(Type.String({ format: 'date-time' })),
    before: Type.Optional(
      Type.Integer({ minimum: 1, description: 'page cursor: the "next" of the previous page' }),
    ),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
  },
  { additionalProperties: false },
);

const parseJson = (text: string | null) => (text === null ? null : JSON.parse(text));

/** An entry as the API shows it. */
export function auditEntryView(e: AuditEntry): Static<typeof AuditEntryDefinition> {
  return {
    seq: e.seq,
    at: new Date(e.at).toISOString(),
    user: e.userName === null ? null : { id: e.userId, name: e.userName },
    credential: e.credentialKind === null ? null : { kind: e.credentialKind, id: e.credentialId ?? '' },
    address: e.address,
    action: e.action,
    targets: parseJson(e.targetsJson) ?? {},
    details: parseJson(e.detailsJson),
    status: e.status,
    result: e.result,
    prevHash: e.prevHash,
    hash: e.hash,
  };
}

/** GET /audit and GET /audit/verify; both need audit.view. */
export function auditRoutes(app: TypedApp, audit: AuditService): void {
  const errors = { 400: ErrorResponse, ...AUTH_ERRORS };
  app.get(
    '/audit',
    {
      config: { permission: 'audit.view' },
      schema: {
        operationId: 'listAuditEntries',
        tags: ['audit'],
        summary: 'The audit log, newest first, with filters and pages (needs audit.view; scoped)',
        description:
          "Only entries whose every target machine or group lies in the caller's audit.view scope; entries naming none (server settings, sign-ins) only for callers who see everything.",
        querystring: ListQuery,
        response: { 200: AuditPage, ...errors },
      },
    },
    async (request) => {
      const q = request.query;
      const filters: AuditFilters = { limit: q.limit ?? 100 };
      if (q.user) filters.userName = q.user;
      if (q.action) filters.action = q.action;
      if (q.machine) filters.machineId = q.machine.toLowerCase();
      if (q.from) filters.from = Date.parse(q.from);
      if (q.to) filters.to = Date.parse(q.to);
      if (filters.from !== undefined && filters.to !== undefined && filters.from > filters.to)
        throw invalidInput('"from" is after "to"');
      if (q.before) filters.beforeSeq = q.before;
      const page = await audit.list(request.principal, filters);
      return { items: page.items.map(auditEntryView), next: page.next };
    },
  );
  app.get(
    '/audit/verify',
    {
      // The chain is the whole server's: its length and a broken entry may belong to any
      // organization, so only a caller who sees everything verifies it.
      config: { permission: 'audit.view', onEverything: true },
      schema: {
        operationId: 'verifyAuditChain',
        tags: ['audit'],
        summary:
          'Walk the hash chain and report the first edited, deleted or inserted entry (needs audit.view)',
        response: { 200: AuditVerificationSchema, ...AUTH_ERRORS },
      },
    },
    (request) => {
      return audit.verify(request.principal);
    },
  );
}
