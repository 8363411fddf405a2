import { type Static, Type } from '@sinclair/typebox';
import { component } from '../http/openapi-components';
import { StringEnum } from '../http/schemas';
import { ALERT_CONDITIONS } from './alert-rule-input';

const Iso = Type.String({ format: 'date-time' });

const ConditionSchema = StringEnum(ALERT_CONDITIONS as readonly AlertConditionName[], {
  description:
    'offline: a machine offline longer than `minutes`; never-checked-in: enrolled more than `minutes` ago and never checked in; warning: a warning (duplicate-account, lan-via-gateway, local-server-inactive, offsite-corruption) about a machine; command-failed: a command failed on a machine',
});
type AlertConditionName = 'offline' | 'never-checked-in' | 'warning' | 'command-failed';

/** The body of POST /alert-rules and PUT /alert-rules/{id}. */
export const AlertRuleBodyDefinition = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    group: Type.String({
      minLength: 1,
      maxLength: 253,
      description: 'Machine group (office.acme) or organization (acme): the rule covers it and its subgroups',
    }),
    condition: ConditionSchema,
    // The range is checked by parseAlertRule rather than here, so a refusal says it in words
    // ("a whole number from 0 to 10080, got -5") instead of the schema's anyOf errors.
    minutes: Type.Optional(
      Type.Union([Type.Number(), Type.Null()], {
        description:
          'offline and never-checked-in only: how many minutes, a whole number from 0 to 10080 (0: at the next evaluation)',
      }),
    ),
    emails: Type.Optional(Type.Array(Type.String({ minLength: 3, maxLength: 254 }), { maxItems: 50 })),
    webhook: Type.Optional(
      Type.Boolean({ description: "also send alert.fired / alert.resolved to the organization's webhook" }),
    ),
    enabled: Type.Optional(Type.Boolean({ default: true })),
  },
  { additionalProperties: false },
);
/** See AlertRuleBodyDefinition. */
export const AlertRuleBody = component('AlertRuleBody', AlertRuleBodyDefinition);

const AlertRuleDefinition = Type.Object({
  id: Type.String(),
  name: Type.String(),
  group: Type.String(),
  condition: ConditionSchema,
  minutes: Type.Union([Type.Integer(), Type.Null()]),
  emails: Type.Array(Type.String()),
  webhook: Type.Boolean(),
  enabled: Type.Boolean(),
  createdAt: Iso,
  updatedAt: Iso,
});
/** An alert rule as the API shows it. */
export type AlertRuleView = Static<typeof AlertRuleDefinition>;
/** See AlertRuleDefinition. */
export const AlertRuleSchema = component('AlertRule', AlertRuleDefinition);

const AlertDefinition = Type.Object({
  id: Type.String(),
  ruleId: Type.String(),
  rule: Type.String({ description: 'the rule name when the alert fired' }),
  condition: ConditionSchema,
  machineId: Type.String(),
  state: StringEnum(['firing', 'resolved'] as const),
  message: Type.String(),
  firedAt: Iso,
  resolvedAt: Type.Union([Iso, Type.Null()]),
});
/** An alert as the API shows it. */
export type AlertView = Static<typeof AlertDefinition>;
/** See AlertDefinition. */
export const AlertSchema = component('Alert', AlertDefinition);

/** The body of POST /maintenance-windows. */
export const MaintenanceWindowBody = component(
  'MaintenanceWindowBody',
  Type.Object(
    {
      machine: Type.Optional(
        Type.String({ minLength: 1, maxLength: 300, description: 'a machine id; or give group' }),
      ),
      group: Type.Optional(
        Type.String({
          minLength: 1,
          maxLength: 253,
          description: 'a machine group or organization; or give machine',
        }),
      ),
      startsAt: Type.String({ minLength: 1, maxLength: 40, description: 'ISO 8601 date-time' }),
      endsAt: Type.String({ minLength: 1, maxLength: 40, description: 'ISO 8601 date-time, after startsAt' }),
      reason: Type.Optional(Type.String({ maxLength: 500 })),
    },
    { additionalProperties: false },
  ),
);

const MaintenanceWindowDefinition = Type.Object({
  id: Type.String(),
  machineId: Type.Union([Type.String(), Type.Null()]),
  group: Type.String({ description: "the window's group, or the machine's group for a machine's window" }),
  startsAt: Iso,
  endsAt: Iso,
  reason: Type.String(),
  createdAt: Iso,
});
/** A maintenance window as the API shows it. */
export type MaintenanceWindowView = Static<typeof MaintenanceWindowDefinition>;
/** See MaintenanceWindowDefinition. */
export const MaintenanceWindowSchema = component('MaintenanceWindow', MaintenanceWindowDefinition);
