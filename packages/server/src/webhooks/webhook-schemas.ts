import { Type } from '@sinclair/typebox';
import { component } from '../http/openapi-components';
import { StringEnum } from '../http/schemas';
import { COMMAND_STATUSES } from '../store/command-record';
import { COMMAND_STATUS_EVENT } from './webhook-event';

const Iso = Type.String({ format: 'date-time' });

/** What PUT /organizations/{org}/webhook stored. */
export const ConfiguredWebhookSchema = component(
  'ConfiguredWebhook',
  Type.Object({
    org: Type.String(),
    url: Type.String(),
    enabled: Type.Boolean(),
    secret: Type.Optional(
      Type.String({ description: 'only when the server generated it: shown this once and never again' }),
    ),
  }),
);

/** An organization's webhook as the API shows it: never its secret. */
export const WebhookSchema = component(
  'Webhook',
  Type.Object({
    org: Type.String(),
    url: Type.String(),
    enabled: Type.Boolean(),
    hasSecret: Type.Boolean(),
    createdAt: Iso,
  }),
);

/** The JSON body POSTed to a webhook for one command status change (see webhook-event.ts). */
export const CommandStatusWebhookEventSchema = component(
  'CommandStatusWebhookEvent',
  Type.Object({
    id: Type.String({ description: 'the delivery id (also x-muster-delivery); receivers deduplicate on it' }),
    type: Type.Literal(COMMAND_STATUS_EVENT),
    occurredAt: Iso,
    command: Type.Object({
      id: Type.String(),
      target: Type.String({ description: 'the machine or device id' }),
      targetKind: StringEnum(['machine', 'device']),
      type: Type.String({ description: 'the command type, e.g. shell' }),
      status: StringEnum(COMMAND_STATUSES),
    }),
  }),
);

/** A delivery that ran out of attempts. */
export const DeadLetterSchema = component(
  'WebhookDeadLetter',
  Type.Object({
    id: Type.String(),
    org: Type.String(),
    event: CommandStatusWebhookEventSchema,
    attempts: Type.Integer(),
    lastError: Type.Union([Type.String(), Type.Null()]),
    createdAt: Iso,
  }),
);
