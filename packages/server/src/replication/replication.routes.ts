import { Type } from '@sinclair/typebox';
import { EVERYTHING } from '../access/scope';
import { AUTH_ERRORS, ErrorResponse, WRITE_ERRORS } from '../http/error-schema';
import { scopeOf } from '../http/route-permission';
import type { TypedApp } from '../http/typed-app';
import type { MachinesService } from '../services/machines.service';
import type { LocalServerRecord, OffsiteServerRecord } from '../store/replication-record';
import type { ReplicationControlService } from './replication-control.service';
import {
  LocalServerChangeSchema,
  LocalServerSchema,
  OffsiteServerChangeSchema,
  OffsiteServerSchema,
  ReplicationProceduresSchema,
} from './replication-schemas';
import { localView, offsiteView } from './replication-view';
import type { ReplicationWatch } from './replication-watch';

const IdParams = Type.Object(
  { id: Type.String({ minLength: 1, maxLength: 64 }) },
  { additionalProperties: false },
);
const MachineId = Type.String({ minLength: 1, maxLength: 300 });
const Directory = Type.String({ minLength: 1, maxLength: 4096 });

const OffsiteFields = {
  machineId: MachineId,
  host: Type.String({ minLength: 1, maxLength: 253 }),
  port: Type.Integer({ description: '1024-49151; 5722 suggested' }),
  directory: Directory,
  syntheticFull: Type.Boolean(),
};
const LocalFields = {
  machineId: MachineId,
  directory: Directory,
  offsiteServerId: Type.String({ minLength: 1, maxLength: 64 }),
  schedule: Type.String({
    minLength: 1,
    maxLength: 200,
    description: 'cron: five fields, or six with seconds',
  }),
  bandwidthKBps: Type.Integer({ minimum: 0, description: 'KB/s, 0 for unlimited' }),
};

const CreateOffsite = Type.Object(
  { ...OffsiteFields, syntheticFull: Type.Optional(OffsiteFields.syntheticFull) },
  { additionalProperties: false },
);
const PatchOffsite = Type.Partial(Type.Object(OffsiteFields, { additionalProperties: false }));
const CreateLocal = Type.Object(
  {
    ...LocalFields,
    schedule: Type.Optional(LocalFields.schedule),
    bandwidthKBps: Type.Optional(LocalFields.bandwidthKBps),
  },
  { additionalProperties: false },
);
const PatchLocal = Type.Partial(Type.Object(LocalFields, { additionalProperties: false }));

/** What a lookup by id may answer besides success. */
const READ_ERRORS = { 400: ErrorResponse, 404: ErrorResponse, ...AUTH_ERRORS };
/** What a change may answer besides success: a port clash or a role still in use is a conflict. */
const CHANGE_ERRORS = { ...READ_ERRORS, 409: ErrorResponse, ...WRITE_ERRORS };

/** The schedule of a local server when none is given: every night at 01:00. */
export const DEFAULT_REPLICATION_SCHEDULE = '0 1 * * *';

/** Offsite and local servers: create, list with status, edit, delete, restart, replicate now. */
export function replicationRoutes(
  app: TypedApp,
  control: ReplicationControlService,
  machines: MachinesService,
  watch: ReplicationWatch,
  reportStaleMs: number,
  clock: () => number,
): void {
  const showOffsite = async (o: OffsiteServerRecord) => {
    const machine = await machines.show(o.machineId, EVERYTHING).catch(() => null);
    const fresh = o.reportedAt !== null && clock() - o.reportedAt <= reportStaleMs;
    return offsiteView(o, machine?.status ?? 'unknown', machine?.online ?? false, fresh);
  };
  const showLocal = (l: LocalServerRecord) => localView(l, watch.isActive(l, clock()));

  app.post(
    '/offsite-servers',
    {
      config: { permission: 'replication.manage' },
      schema: {
        operationId: 'createOffsiteServer',
        tags: ['replication'],
        summary: 'Make an agent an offsite server',
        body: CreateOffsite,
        response: { 201: OffsiteServerChangeSchema, ...CHANGE_ERRORS },
      },
    },
    async (request, reply) => {
      // The role's machine must be in scope; out of scope it is unknown.
      await machines.get(request.body.machineId, scopeOf(request));
      const change = await control.createOffsite({ syntheticFull: false, ...request.body });
      return reply.status(201).send({
        ...(await showOffsite(change.record)),
        procedures: change.procedures,
        warnings: change.warnings,
      });
    },
  );
  app.get(
    '/offsite-servers',
    {
      config: { permission: 'replication.view' },
      schema: {
        operationId: 'listOffsiteServers',
        tags: ['replication'],
        summary: 'List offsite servers with status',
        response: { 200: Type.Object({ items: Type.Array(OffsiteServerSchema) }), ...AUTH_ERRORS },
      },
    },
    async (request) => ({
      items: await Promise.all((await control.listOffsite(scopeOf(request))).map(showOffsite)),
    }),
  );
  app.get(
    '/offsite-servers/:id',
    {
      config: { permission: 'replication.view' },
      schema: {
        operationId: 'getOffsiteServer',
        tags: ['replication'],
        summary: 'Show an offsite server',
        params: IdParams,
        response: { 200: OffsiteServerSchema, ...READ_ERRORS },
      },
    },
    async (request) => showOffsite(await control.offsite(request.params.id, scopeOf(request))),
  );
  app.put(
    '/offsite-servers/:id',
    {
      config: { permission: 'replication.manage' },
      schema: {
        tags: ['replication'],
        summary: 'Edit an offsite server (restarts it)',
        operationId: 'updateOffsiteServer',
        params: IdParams,
        body: PatchOffsite,
        response: { 200: OffsiteServerChangeSchema, ...CHANGE_ERRORS },
      },
    },
    async (request) => {
      await control.offsite(request.params.id, scopeOf(request));
      if (request.body.machineId !== undefined) await machines.get(request.body.machineId, scopeOf(request));
      const change = await control.updateOffsite(request.params.id, request.body);
      return {
        ...(await showOffsite(change.record)),
        procedures: change.procedures,
        warnings: change.warnings,
      };
    },
  );
  app.delete(
    '/offsite-servers/:id',
    {
      config: { permission: 'replication.manage' },
      schema: {
        tags: ['replication'],
        summary: 'Delete an offsite server (none of its local servers may remain)',
        operationId: 'deleteOffsiteServer',
        params: IdParams,
        response: { 200: ReplicationProceduresSchema, ...CHANGE_ERRORS },
      },
    },
    async (request) => {
      await control.offsite(request.params.id, scopeOf(request));
      return { procedures: await control.deleteOffsite(request.params.id) };
    },
  );
  app.post(
    '/offsite-servers/:id/restart',
    {
      config: { permission: 'replication.manage' },
      schema: {
        operationId: 'restartOffsiteServer',
        tags: ['replication'],
        summary: 'Restart the offsite server on its agent',
        params: IdParams,
        response: { 200: ReplicationProceduresSchema, ...CHANGE_ERRORS },
      },
    },
    async (request) => {
      await control.offsite(request.params.id, scopeOf(request));
      return { procedures: await control.restartOffsite(request.params.id) };
    },
  );

  app.post(
    '/offsite-servers/:id/verify',
    {
      config: { permission: 'replication.manage' },
      schema: {
        tags: ['replication'],
        summary:
          'Re-hash the stored copies against their manifests now; damage is reported and fetched again',
        operationId: 'verifyOffsiteServer',
        params: IdParams,
        response: { 200: ReplicationProceduresSchema, ...CHANGE_ERRORS },
      },
    },
    async (request) => {
      await control.offsite(request.params.id, scopeOf(request));
      return { procedures: await control.verifyOffsite(request.params.id) };
    },
  );
  app.post(
    '/local-servers',
    {
      config: { permission: 'replication.manage' },
      schema: {
        tags: ['replication'],
        summary: 'Make an agent a local server of an offsite server',
        operationId: 'createLocalServer',
        body: CreateLocal,
        response: { 201: LocalServerChangeSchema, ...CHANGE_ERRORS },
      },
    },
    async (request, reply) => {
      await machines.get(request.body.machineId, scopeOf(request));
      await control.offsite(request.body.offsiteServerId, scopeOf(request));
      const change = await control.createLocal({
        schedule: DEFAULT_REPLICATION_SCHEDULE,
        bandwidthKBps: 0,
        ...request.body,
      });
      return reply
        .status(201)
        .send({ ...showLocal(change.record), procedures: change.procedures, warnings: change.warnings });
    },
  );
  app.get(
    '/local-servers',
    {
      config: { permission: 'replication.view' },
      schema: {
        operationId: 'listLocalServers',
        tags: ['replication'],
        summary: 'List local servers with status',
        response: { 200: Type.Object({ items: Type.Array(LocalServerSchema) }), ...AUTH_ERRORS },
      },
    },
    async (request) => ({
      items: (await control.listLocal(scopeOf(request))).map(showLocal),
    }),
  );
  app.get(
    '/local-servers/:id',
    {
      config: { permission: 'replication.view' },
      schema: {
        operationId: 'getLocalServer',
        tags: ['replication'],
        summary: 'Show a local server',
        params: IdParams,
        response: { 200: LocalServerSchema, ...READ_ERRORS },
      },
    },
    async (request) => showLocal(await control.local(request.params.id, scopeOf(request))),
  );
  app.put(
    '/local-servers/:id',
    {
      config: { permission: 'replication.manage' },
      schema: {
        tags: ['replication'],
        summary: 'Edit a local server (restarts it)',
        operationId: 'updateLocalServer',
        params: IdParams,
        body: PatchLocal,
        response: { 200: LocalServerChangeSchema, ...CHANGE_ERRORS },
      },
    },
    async (request) => {
      await control.local(request.params.id, scopeOf(request));
      if (request.body.machineId !== undefined) await machines.get(request.body.machineId, scopeOf(request));
      if (request.body.offsiteServerId !== undefined)
        await control.offsite(request.body.offsiteServerId, scopeOf(request));
      const change = await control.updateLocal(request.params.id, request.body);
      return { ...showLocal(change.record), procedures: change.procedures, warnings: change.warnings };
    },
  );
  app.delete(
    '/local-servers/:id',
    {
      config: { permission: 'replication.manage' },
      schema: {
        tags: ['replication'],
        summary: 'Delete a local server (its agent stops the role)',
        operationId: 'deleteLocalServer',
        params: IdParams,
        response: { 200: ReplicationProceduresSchema, ...CHANGE_ERRORS },
      },
    },
    async (request) => {
      await control.local(request.params.id, scopeOf(request));
      return { procedures: await control.deleteLocal(request.params.id) };
    },
  );
  app.post(
    '/local-servers/:id/restart',
    {
      config: { permission: 'replication.manage' },
      schema: {
        operationId: 'restartLocalServer',
        tags: ['replication'],
        summary: 'Restart the local server on its agent',
        params: IdParams,
        response: { 200: ReplicationProceduresSchema, ...CHANGE_ERRORS },
      },
    },
    async (request) => {
      await control.local(request.params.id, scopeOf(request));
      return { procedures: await control.restartLocal(request.params.id) };
    },
  );
  app.post(
    '/local-servers/:id/replicate-now',
    {
      config: { permission: 'replication.manage' },
      schema: {
        tags: ['replication'],
        summary: 'Start a transfer now, outside the schedule',
        operationId: 'replicateLocalServerNow',
        params: IdParams,
        response: { 200: ReplicationProceduresSchema, ...CHANGE_ERRORS },
      },
    },
    async (request) => {
      await control.local(request.params.id, scopeOf(request));
      return { procedures: await control.replicateNow(request.params.id) };
    },
  );
}
