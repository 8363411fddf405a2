import { CheckinControlSchema, ServerAddressSchema } from '@muster/protocol';
import { Type } from '@sinclair/typebox';

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
