import { Type } from '@sinclair/typebox';
import type { ScopeFilter } from '../access/scope';
import { invalidInput } from '../domain/errors';
import { parseMachineFilter } from '../domain/machine-filter';
import type { CommandQueueService } from '../services/command-queue.service';
import type { MachinesService } from '../services/machines.service';
import { COMMAND_STATUSES, type CommandQuery, type CommandRecord } from '../store/command-record';
import { commandView } from './command-view';
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

const ListQuery = Type.Object(
  {
    target: Type.Optional(Type.String({ minLength: 1, maxLength: 300 })),
    filter: Type.Optional(Type.String({ minLength: 1, maxLength: 300 })),
    status: Type.Optional(Type.Union(COMMAND_STATUSES.map((s) => Type.Literal(s)))),
    type: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    from: Type.Optional(Type.String({ format: 'date-time' })),
    to: Type.Optional(Type.String({ format: 'date-time' })),
    before: Type.Optional(
      Type.Integer({ minimum: 1, description: 'page cursor: the "next" of the previous page' }),
    ),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
  },
  { additionalProperties: false },
);

const IdParams = Type.Object(
  { id: Type.String({ minLength: 1, maxLength: 64 }) },
  { additionalProperties: false },
);

/**
 * One page of commands whose target matches any of a filter's patterns (a bare group name
 * has two, see domain/machine-filter.ts): each pattern's page, newest first, merged by seq.
 * The newest `limit` of the union are among the newest `limit` of some pattern, so the page
 * and its "next" cursor are the same as one query over the union would give.
 */
async function listByFilter(
  queue: CommandQueueService,
  query: CommandQuery,
  patterns: readonly string[],
): Promise<CommandRecord[]> {
  const pages = await Promise.all(patterns.map((targetLike) => queue.list({ ...query, targetLike })));
  const byId = new Map(pages.flat().map((c) => [c.id, c]));
  return [...byId.values()].sort((a, b) => b.seq - a.seq).slice(0, query.limit);
}

/** The command queue API. */
export function commandRoutes(app: TypedApp, queue: CommandQueueService, machines: MachinesService): void {
  app.post(
    '/commands',
    {
      schema: {
        tags: ['commands'],
        summary: 'Queue a command for machines or devices (one per target, in one transaction)',
        description:
          "The same idempotencyKey again returns the first request's commands and queues nothing. " +
          'Needs commands.run; a shell command also commands.run-shell, and commands to devices also devices.command: targets must be in the scope of each. ' +
          'A put-file also needs files.read, and its file must be in that scope (else it is unknown, 404). ' +
          'A filter matches only machines in scope and "matched" says how many; ids out of scope are unknown (404).',
        body: EnqueueBody,
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
        tags: ['commands'],
        summary: 'List commands, newest first, with filters and pages',
        querystring: ListQuery,
      },
      // Reading commands is seeing machines' activity, so it needs what seeing machines needs.
      config: { permission: 'machines.view' },
    },
    async (request) => {
      const q = request.query;
      const query: CommandQuery = { limit: q.limit ?? 100, scope: scopeOf(request) };
      if (q.target) query.targetId = q.target.toLowerCase();
      if (q.status) query.status = q.status;
      if (q.type) query.type = q.type;
      if (q.from) query.createdFrom = Date.parse(q.from);
      if (q.to) query.createdTo = Date.parse(q.to);
      if (
        query.createdFrom !== undefined &&
        query.createdTo !== undefined &&
        query.createdFrom > query.createdTo
      ) {
        throw invalidInput('"from" is after "to"');
      }
      if (q.before) query.beforeSeq = q.before;
      const items = q.filter
        ? await listByFilter(queue, query, parseMachineFilter(q.filter).likePatterns)
        : await queue.list(query);
      const last = items.at(-1);
      return {
        items: items.map((c) => commandView(c)),
        next: items.length === query.limit && last ? last.seq : null,
      };
    },
  );
  app.get(
    '/commands/:id',
    {
      schema: { tags: ['commands'], summary: 'One command with every transition', params: IdParams },
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
      schema: { tags: ['commands'], summary: 'Cancel a pending command', params: IdParams },
      config: { permission: 'commands.cancel' },
    },
    async (request) => commandView(await queue.cancel(request.params.id, scopeOf(request))),
  );
  app.get(
    '/machines/:id/commands',
    {
      schema: {
        tags: ['commands'],
        summary: "A machine's pending and recent procedures with their results (Pending Procedures)",
        params: MachineIdParams,
      },
      config: { permission: 'machines.view' },
    },
    async (request) => {
      // An unknown machine is a 404, as for GET /machines/{id}; an empty list would read as
      // "a machine with nothing pending". Out of scope is unknown too.
      const scope = scopeOf(request);
      const machine = await machines.get(request.params.id, scope);
      const query: CommandQuery = { targetKind: 'machine', targetId: machine.id, limit: 200, scope };
      return {
        items: (await queue.list(query)).map((c) => commandView(c)),
      };
    },
  );
}
