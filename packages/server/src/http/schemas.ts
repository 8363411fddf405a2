import { CheckinControlSchema, ServerAddressSchema } from '@muster/protocol';
import { type SchemaOptions, type TUnsafe, Type } from '@sinclair/typebox';
import { NOTIFICATION_TYPES } from '../services/notification.service';
import { component } from './openapi-components';

const Iso = Type.String({ format: 'date-time' });
const IsoOrNull = Type.Union([Iso, Type.Null()]);

/**
 * One of a few strings, as `{"type": "string", "enum": [...]}`: generated clients get a union
 * of literals, and answers are serialized as plain strings (a TypeBox union of literals would
 * be an anyOf, tried branch by branch).
 */
export function StringEnum<const T extends readonly string[]>(
  values: T,
  options: SchemaOptions = {},
): TUnsafe<T[number]> {
  return Type.Unsafe<T[number]>({ ...options, type: 'string', enum: [...values] });
}

/** A Machine.Group ID filter in a query string. */
export const FilterQuery = Type.Object(
  {
    filter: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 300,
        description:
          'Machine.Group ID filter: "*" wildcards (*.web.acme), or a machine id, or a group name (web.acme: that group and its subgroups)',
      }),
    ),
  },
  { additionalProperties: false },
);

/** A machine id path parameter. */
export const MachineIdParams = Type.Object(
  { id: Type.String({ minLength: 1, maxLength: 300 }) },
  { additionalProperties: false },
);

/** A group id path parameter. */
export const GroupParams = Type.Object(
  { group: Type.String({ minLength: 1, maxLength: 200 }) },
  { additionalProperties: false },
);

/** Any subset of the check-in control settings. */
export const CheckinControlPatchSchema = Type.Partial(
  Type.Object(
    {
      primary: ServerAddressSchema,
      secondary: Type.Union([ServerAddressSchema, Type.Null()]),
      periodSeconds: CheckinControlSchema.properties.periodSeconds,
      bindToServer: Type.Boolean(),
      bandwidthKBps: CheckinControlSchema.properties.bandwidthKBps,
    },
    { additionalProperties: false },
  ),
  { additionalProperties: false },
);

/**
 * The body of PUT /checkin-control: exactly one of machines or filter, plus at least one
 * setting. One object rather than a union of the two shapes, so a body missing something
 * gets a message naming it (the service checks "exactly one" and "at least one") instead of
 * a schema error about the other shape.
 */
export const CheckinControlUpdateBody = Type.Object(
  {
    machines: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 300 }), {
        minItems: 1,
        maxItems: 100000,
        description: 'machine ids (give this or filter)',
      }),
    ),
    filter: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 300,
        description:
          'Machine.Group ID filter (give this or machines): "*" wildcards, or a machine id, or a group name meaning that group and its subgroups',
      }),
    ),
    settings: CheckinControlPatchSchema,
  },
  { additionalProperties: false },
);

/** The body of POST /install-tokens. */
export const InstallTokenBody = Type.Object(
  {
    group: Type.String({ minLength: 1, maxLength: 200, description: 'Machine group, e.g. web.acme' }),
    maxUses: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })),
    expiresInSeconds: Type.Optional(
      Type.Union([Type.Integer({ minimum: 0, maximum: 10 * 365 * 86400 }), Type.Null()], {
        description: 'Lifetime in seconds; 0 or null: never expires; absent: the server default (7 days)',
      }),
    ),
    machineName: Type.Optional(Type.String({ minLength: 1, maxLength: 63 })),
    temporary: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

/** The body of PUT /checkin-policy/{group}. */
export const CheckinPolicyBody = Type.Object(
  {
    minSeconds: Type.Integer({ minimum: 1, maximum: 86400 }),
    maxSeconds: Type.Integer({ minimum: 1, maximum: 86400 }),
  },
  { additionalProperties: false },
);

/** The body of PUT /notification-settings: type to on/off. */
export const NotificationSettingsBody = Type.Record(Type.String({ maxLength: 64 }), Type.Boolean(), {
  minProperties: 1,
});

/** The body of PUT /machines/{id}/remote-control. */
export const RemoteControlBody = Type.Object({ enabled: Type.Boolean() }, { additionalProperties: false });

/** A machine whose check-in period was brought inside its group's policy. */
export const ClampedPeriodSchema = component(
  'ClampedPeriod',
  Type.Object({
    machineId: Type.String(),
    requested: Type.Integer({ description: 'seconds asked for' }),
    applied: Type.Integer({ description: "seconds in force: the nearest the group's policy allows" }),
  }),
);

/** What PUT /checkin-control did. */
export const CheckinControlUpdateResultSchema = component(
  'CheckinControlUpdateResult',
  Type.Object({
    updated: Type.Integer({ description: 'machines whose settings were stored and sent' }),
    clamped: Type.Array(ClampedPeriodSchema),
  }),
);

/** The check-in policy in force for a group (its own or inherited). */
export const CheckinPolicySchema = component(
  'CheckinPolicy',
  Type.Object({ group: Type.String(), minSeconds: Type.Integer(), maxSeconds: Type.Integer() }),
);

/** A group's new policy, and the machines of the group whose period it brought inside. */
export const CheckinPolicyChangeSchema = component(
  'CheckinPolicyChange',
  Type.Object({
    group: Type.String(),
    minSeconds: Type.Integer(),
    maxSeconds: Type.Integer(),
    clamped: Type.Array(ClampedPeriodSchema),
  }),
);

/** An install token as the API lists it: never the token itself, only its first characters. */
export const InstallTokenSchema = component(
  'InstallToken',
  Type.Object({
    id: Type.String(),
    prefix: Type.Union([Type.String(), Type.Null()], {
      description: 'the start of the token; null for tokens made before prefixes were kept',
    }),
    group: Type.String(),
    machineName: Type.Union([Type.String(), Type.Null()]),
    state: StringEnum(['active', 'revoked', 'expired', 'used-up']),
    uses: Type.Integer(),
    maxUses: Type.Union([Type.Integer(), Type.Null()]),
    temporary: Type.Boolean(),
    createdAt: IsoOrNull,
    expiresAt: IsoOrNull,
    revokedAt: IsoOrNull,
  }),
);

/** A new install token: the token is in this answer only. */
export const CreatedInstallTokenSchema = component(
  'CreatedInstallToken',
  Type.Object({
    token: Type.String({ description: 'shown once: agents enroll with it' }),
    id: Type.String(),
    group: Type.String(),
    machineId: Type.Union([Type.String(), Type.Null()], {
      description: 'the account made now for a fixed machine name',
    }),
    maxUses: Type.Union([Type.Integer(), Type.Null()]),
    expiresAt: Type.Union([Iso, Type.Null()], { description: 'null: never expires' }),
  }),
);

/** A notification type. */
export const NotificationTypeSchema = Type.Union(NOTIFICATION_TYPES.map((t) => Type.Literal(t)));

/** A warning for administrators. */
export const NotificationSchema = component(
  'Notification',
  Type.Object({
    id: Type.Integer(),
    type: Type.String({ description: `one of ${NOTIFICATION_TYPES.join(', ')}` }),
    machineId: Type.Union([Type.String(), Type.Null()]),
    message: Type.String(),
    createdAt: Iso,
  }),
);

/** Which warning types are on. */
export const NotificationSwitchesSchema = component(
  'NotificationSwitches',
  Type.Object(
    Object.fromEntries(NOTIFICATION_TYPES.map((t) => [t, Type.Boolean()])) as Record<
      (typeof NOTIFICATION_TYPES)[number],
      ReturnType<typeof Type.Boolean>
    >,
  ),
);
