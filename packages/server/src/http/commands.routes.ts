import { Type } from '@sinclair/typebox';
import type { ScopeFilter } from '../access/scope';
import { commandQuery, nextCommandCursor } from '../services/command-list';
import type { CommandQueueService } from '../services/command-queue.service';
import type { MachinesService } from '../services/machines.service';
import {
  CommandDetailSchema,
  CommandListQuery,
  CommandPageSchema,
  CommandSchema,
  MachineCommandListQuery,
  QueuedCommandsSchema,
} from './command-schemas';
import { commandView } from './command-view';
import { AUTH_ERRORS, ErrorResponse, WRITE_ERRORS } from './error-schema';
import { explainQueryErrors } from './list-query';
import { scopeOf } from './route-permission';
import { MachineIdParams } from './schemas';
import type { TypedApp } from './typed-app';

const Ids = Type.Array(Type.String({ minLength: 1, maxLength: 300 }), { minItems: 1, maxItems: 200_000 });

/** The body of POST /commands. */
export const EnqueueBody = Type.Object(
  {
    targets: Type.Union([
      Type.Object({ machines: Ids }, { additionalProperties: false }),
      Type.Object({ devices: Ids }, { additionalProperties: false }),
      Type.Object({ filter: Type.String({ minLength: 1, maxLength: 300 }) }, { additionalProperties: false }),
    ]),
    type: Type.String({ minLength: 1, maxLength: 64 }),
    params: Type.Record(Type.String({ maxLength: 64 }), Type.Unknown()),
    ttlSeconds: Type.Optional(
      Type.Union([Type.Integer({ minimum: 1, maximum: 365 * 86400 }), Type.Null()], {
        description:
          'Seconds the command may wait for delivery; absent: commandDefaultTtlSeconds; null: never expires.',
      }),
    ),
    priority: Type.Optional(Type.Integer({ minimum: -100, maximum: 100 })),
    idempotencyKey: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  },
  { additionalProperties: false },
);

const IdParams = Type.Object(
  { id: Type.String({ minLength: 1, maxLength: 64 }) },
  { additionalProperties: false },
);

const LIST_PARAMETERS = Object.keys(CommandListQuery.properties);
const MACHINE_LIST_PARAMETERS = Object.keys(MachineCommandListQuery.properties);

/** The command queue API. */
export function commandRoutes(app: TypedApp, queue: CommandQueueService, machines: MachinesService): void {
  app.post(
    '/commands',
    {
      schema: {
        operationId: 'createCommand',
        tags: ['commands'],
        summary: 'Queue a command for machines or devices (one per target, in one transaction)',
        description:
          "The same idempotencyKey again returns the first request's commands and queues nothing (200). " +
          'Needs commands.run; a shell command also commands.run-shell, and commands to devices also devices.command: targets must be in the scope of each. ' +
          'A put-file also needs files.read, and its file must be in that scope (else it is unknown, 404). ' +
          'A filter matches only machines in scope and "matched" says how many; ids out of scope are unknown (404).',
        body: EnqueueBody,
        response: {
          201: QueuedCommandsSchema,
          200: QueuedCommandsSchema,
          400: ErrorResponse,
          404: ErrorResponse,
          ...AUTH_ERRORS,
          ...WRITE_ERRORS,
        },
      },
      config: { permission: 'commands.run' },
    },
    async (request, reply) => {
      const scopes: ScopeFilter[] = [scopeOf(request)];
      if (request.body.type === 'shell') scopes.push(request.principal.require('commands.run-shell'));
      if ('devices' in request.body.targets) scopes.push(request.principal.require('devices.command'));
      // The file a put-file sends must be one the caller may read.
      const readScope =
        request.body.type === 'put-file' ? request.principal.require('files.read') : undefined;
      const result = await queue.enqueue(
        { ...request.body, createdBy: request.principal.actor.userName, readScope },
        scopes,
      );
      return reply.status(result.created ? 201 : 200).send({
        created: result.created,
        matched: result.commands.length,
        items: result.commands.map((c) => ({ id: c.id, target: c.targetId, status: c.status })),
      });
    },
  );
  app.get(
    '/commands',
    {
      schema: {
        operationId: 'listCommands',
        tags: ['commands'],
        summary: 'List commands with filters, search, sort and pages (newest first by default)',
        description:
          'sort is created (default, newest first), status, type or target; ties are ordered by creation. ' +
          "With limit (default 100), pass the answer's next as after for the following page; total counts every command that matches. " +
          'before (the next of the page before) still pages the newest-first order.',
        querystring: CommandListQuery,
        response: { 200: CommandPageSchema, 400: ErrorResponse, ...AUTH_ERRORS },
      },
      schemaErrorFormatter: (errors, dataVar) => explainQueryErrors(errors, dataVar, LIST_PARAMETERS),
      // Reading commands is seeing machines' activity, so it needs what seeing machines needs.
      config: { permission: 'machines.view' },
    },
    async (request) => {
      const query = commandQuery({ ...request.query, limit: request.query.limit ?? 100 }, scopeOf(request));
      const { rows, total } = await queue.list(query);
      return { items: rows.map((c) => commandView(c)), next: nextCommandCursor(query, rows), total };
    },
  );
  app.get(
    '/commands/:id',
    {
      schema: {
        operationId: 'getCommand',
        tags: ['commands'],
        summary: 'One command with every transition',
        params: IdParams,
        response: { 200: CommandDetailSchema, 400: ErrorResponse, 404: ErrorResponse, ...AUTH_ERRORS },
      },
      config: { permission: 'machines.view' },
    },
    async (request) => {
      const { command, transitions } = await queue.get(request.params.id, scopeOf(request));
      return commandView(command, transitions);
    },
  );
  app.post(
    '/commands/:id/cancel',
    {
      schema: {
        operationId: 'cancelCommand',
        tags: ['commands'],
        summary: 'Cancel a pending command',
        description: 'A command that is not pending (any more) answers 409.',
        params: IdParams,
        response: {
          200: CommandSchema,
          400: ErrorResponse,
          404: ErrorResponse,
          409: ErrorResponse,
          ...AUTH_ERRORS,
          ...WRITE_ERRORS,
        },
      },
      config: { permission: 'commands.cancel' },
    },
    async (request) => commandView(await queue.cancel(request.params.id, scopeOf(request))),
  );
  app.get(
    '/machines/:id/commands',
    {
      schema: {
        operationId: 'listMachineCommands',
        tags: ['commands'],
        summary: "A machine's pending and recent procedures with their results (Pending Procedures)",
        description:
          'Sorted, searched and paged as GET /commands (limit default 200); total counts every command of the machine that matches.',
        params: MachineIdParams,
        querystring: MachineCommandListQuery,
        response: { 200: CommandPageSchema, 400: ErrorResponse, 404: ErrorResponse, ...AUTH_ERRORS },
      },
      schemaErrorFormatter: (errors, dataVar) => explainQueryErrors(errors, dataVar, MACHINE_LIST_PARAMETERS),
      config: { permission: 'machines.view' },
    },
    async (request) => {
      // An unknown machine is a 404, as for GET /machines/{id}; an empty list would read as
      // "a machine with nothing pending". Out of scope is unknown too.
      const scope = scopeOf(request);
      const machine = await machines.get(request.params.id, scope);
      const query = commandQuery({ ...request.query, limit: request.query.limit ?? 200 }, scope, {
        targetKind: 'machine',
        targetId: machine.id,
      });
      const { rows, total } = await queue.list(query);
      return { items: rows.map((c) => commandView(c)), next: nextCommandCursor(query, rows), total };
    },
  );
}
