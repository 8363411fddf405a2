import { type Static, Type } from '@sinclair/typebox';
import { COMMAND_STATUSES } from '../store/command-record';
import { COMMAND_SORT_KEYS } from '../store/list-record';
import { ListAnswer, listParameters } from './list-query';
import { component } from './openapi-components';
import { StringEnum } from './schemas';

const Iso = Type.String({ format: 'date-time' });
const IsoOrNull = Type.Union([Iso, Type.Null()]);
const StringOrNull = Type.Union([Type.String(), Type.Null()]);

/** One status change of a command. */
export const CommandTransitionSchema = component(
  'CommandTransition',
  Type.Object({ status: StringEnum(COMMAND_STATUSES), at: IsoOrNull, detail: StringOrNull }),
);

/** What a finished (or reported) command answered. */
export const CommandResultSchema = component(
  'CommandResult',
  Type.Object({
    exitCode: Type.Union([Type.Integer(), Type.Null()]),
    output: StringOrNull,
    error: StringOrNull,
  }),
);

/** The definition of a command as the API lists it (http/command-view.ts). */
export const CommandDefinition = Type.Object({
  id: Type.String(),
  target: Type.String({ description: 'the machine or device id' }),
  targetKind: StringEnum(['machine', 'device']),
  group: Type.String(),
  type: Type.String({ description: 'the procedure: shell, audit, put-file, ... or a device command' }),
  params: Type.Record(Type.String(), Type.Unknown()),
  status: StringEnum(COMMAND_STATUSES),
  priority: Type.Integer(),
  attempts: Type.Integer(),
  maxAttempts: Type.Integer(),
  createdAt: IsoOrNull,
  updatedAt: IsoOrNull,
  expiresAt: Type.Union([Iso, Type.Null()], { description: 'when it expires if not delivered; null: never' }),
  finishedAt: IsoOrNull,
  createdBy: Type.Union([Type.String(), Type.Null()], {
    description: 'the user who queued it; null for the server itself and older commands',
  }),
  result: Type.Union([CommandResultSchema, Type.Null()], { description: 'null until it has one' }),
});

/** A command as the API lists it. */
export const CommandSchema = component('Command', CommandDefinition);

/** A command with every status change it went through. */
export const CommandDetailDefinition = Type.Object({
  ...CommandDefinition.properties,
  transitions: Type.Array(CommandTransitionSchema),
});

/** A command with its transitions. */
export const CommandDetailSchema = component('CommandDetail', CommandDetailDefinition);

/** The command view as the list sends it (checked against the schema where it is built). */
export type CommandView = Static<typeof CommandDefinition>;

/** The command view with its transitions. */
export type CommandDetailView = Static<typeof CommandDetailDefinition>;

/** What POST /commands queued (or found queued under the same idempotency key). */
export const QueuedCommandsSchema = component(
  'QueuedCommands',
  Type.Object({
    created: Type.Boolean({
      description: 'false: the idempotency key was used before; nothing new was queued',
    }),
    matched: Type.Integer({ description: 'how many targets the request selected (one command each)' }),
    items: Type.Array(
      Type.Object({ id: Type.String(), target: Type.String(), status: StringEnum(COMMAND_STATUSES) }),
    ),
  }),
);

/** A page of commands. */
export const CommandPageSchema = component('CommandPage', ListAnswer(CommandSchema));

const COMMAND_SORTS = Object.keys(COMMAND_SORT_KEYS) as Array<keyof typeof COMMAND_SORT_KEYS>;

/** Sort, order, search and pages of a command list, with the limit's old default. */
function commandListParameters(defaultLimit: number) {
  const common = listParameters(COMMAND_SORTS, 'created');
  return {
    ...common,
    limit: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 1000,
        default: defaultLimit,
        description: 'a page of at most this many',
      }),
    ),
    order: Type.Optional(
      StringEnum(['asc', 'desc'] as const, {
        description: 'default: desc for created (newest first), else asc',
      }),
    ),
    search: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 100,
        description:
          'text the target id or the type contains (case-insensitive; "%", "_" and "\\" are literal)',
      }),
    ),
    status: Type.Optional(StringEnum(COMMAND_STATUSES)),
    type: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  };
}

/** The query string of GET /commands. */
export const CommandListQuery = Type.Object(
  {
    target: Type.Optional(
      Type.String({ minLength: 1, maxLength: 300, description: 'one machine or device id' }),
    ),
    filter: Type.Optional(
      Type.String({ minLength: 1, maxLength: 300, description: 'Machine.Group ID filter on the target' }),
    ),
    from: Type.Optional(Type.String({ format: 'date-time', description: 'created at or after' })),
    to: Type.Optional(Type.String({ format: 'date-time', description: 'created before' })),
    before: Type.Optional(
      Type.Integer({
        minimum: 1,
        description:
          'the older page cursor: the "next" of the page before, newest first only (after does the same)',
      }),
    ),
    ...commandListParameters(100),
  },
  { additionalProperties: false },
);

/** The query string of GET /machines/{id}/commands. */
export const MachineCommandListQuery = Type.Object(commandListParameters(200), {
  additionalProperties: false,
});
