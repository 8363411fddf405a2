import { type Static, Type } from '@sinclair/typebox';
import { MACHINE_STATUSES } from '../domain/machine-status';
import { CHECKIN_SETTINGS, type MachineView } from '../services/machine-view';
import { MACHINE_SORT_KEYS } from '../store/list-record';
import { ListAnswer, listParameters } from './list-query';
import { component } from './openapi-components';
import { StringEnum } from './schemas';

const Iso = Type.String({ format: 'date-time' });
const IsoOrNull = Type.Union([Iso, Type.Null()]);
const StringOrNull = Type.Union([Type.String(), Type.Null()]);

/** Where an agent checks in. */
export const ServerAddressOutSchema = component(
  'ServerAddress',
  Type.Object({ host: Type.String(), port: Type.Integer() }),
);

/** Check-in control settings as the API shows them (the manual's Check-In Control columns). */
export const CheckinControlSettingsSchema = component(
  'CheckinControlSettings',
  Type.Object({
    primary: Type.Union([ServerAddressOutSchema, Type.Null()], {
      description: "null while the account waits for its first agent (that agent's own server becomes it)",
    }),
    secondary: Type.Union([ServerAddressOutSchema, Type.Null()]),
    periodSeconds: Type.Integer({ description: 'seconds between quick check-ins' }),
    bindToServer: Type.Boolean({ description: 'the agent accepts only this Server ID' }),
    bandwidthKBps: Type.Integer({ description: 'agent bandwidth limit in KB/s; 0: none' }),
  }),
);

/** A short summary of a machine's latest audit. */
export const MachineAuditSummarySchema = component(
  'MachineAuditSummary',
  Type.Object({
    hostName: Type.String(),
    os: Type.String({ description: '"platform release"' }),
    cpu: Type.String(),
    cores: Type.Integer(),
    memoryBytes: Type.Number(),
    hardwareId: Type.String(),
    auditedAt: IsoOrNull,
  }),
);

/** The definition of a machine as the API shows it (services/machine-view.ts). */
export const MachineDefinition = Type.Object({
  id: Type.String({ description: 'the Machine.Group ID: name.group.organization' }),
  guid: Type.String(),
  name: Type.String(),
  group: Type.String(),
  organization: Type.String(),
  status: StringEnum(MACHINE_STATUSES, {
    description: 'the check-in status: the first of these that applies, in this order',
  }),
  online: Type.Boolean(),
  temporary: Type.Boolean({ description: 'a temporary agent: deleted after it stays offline' }),
  bound: Type.Boolean({ description: 'bound to this server (Server ID pinned): bindToServer' }),
  suspended: Type.Boolean(),
  remoteControlEnabled: Type.Boolean(),
  lastCheckinAt: IsoOrNull,
  firstCheckinAt: IsoOrNull,
  /** The settings set on the server, which the agent is to use. */
  checkinControl: CheckinControlSettingsSchema,
  appliedCheckinControl: Type.Union([CheckinControlSettingsSchema, Type.Null()], {
    description: 'the settings the agent last confirmed; null when it never confirmed any',
  }),
  pendingSettings: Type.Array(StringEnum(CHECKIN_SETTINGS), {
    description: 'settings set on the server that the agent has not confirmed yet (PENDING)',
  }),
  settingsApplied: Type.Boolean({
    description: 'the agent confirmed the settings: pendingSettings is empty',
  }),
  loggedOnUser: Type.Union([Type.String(), Type.Null()], { description: 'while online only' }),
  userIdleSeconds: Type.Integer(),
  localAddresses: Type.Array(Type.String()),
  connectedFrom: StringOrNull,
  agentVersion: StringOrNull,
  audit: Type.Union([MachineAuditSummarySchema, Type.Null()], { description: 'null until the first audit' }),
});

/** A machine as the API shows it. */
export const MachineSchema = component('Machine', MachineDefinition);

// The view and its schema must stay one shape: a property the schema lacks is not sent.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const viewMatchesSchema: Same<Static<typeof MachineDefinition>, MachineView> = true;
void viewMatchesSchema;

/** A page of the machine list. */
export const MachinePageSchema = component('MachinePage', ListAnswer(MachineSchema));

/** What a machine's deletion did. */
export const RemovedMachineSchema = component(
  'RemovedMachine',
  Type.Object({
    id: Type.String(),
    canceledCommands: Type.Integer({ description: 'its commands never delivered, now canceled' }),
    unknownCommands: Type.Integer({ description: 'its delivered commands without a result, now unknown' }),
  }),
);

const MACHINE_SORTS = Object.keys(MACHINE_SORT_KEYS) as Array<keyof typeof MACHINE_SORT_KEYS>;

/** The query string of GET /machines. */
export const MachineListQuery = Type.Object(
  {
    filter: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 300,
        description:
          'Machine.Group ID filter: "*" wildcards (*.web.acme), or a machine id, or a group name (web.acme: that group and its subgroups)',
      }),
    ),
    status: Type.Optional(
      Type.Array(StringEnum(MACHINE_STATUSES), {
        maxItems: MACHINE_STATUSES.length,
        description:
          'only machines with one of these check-in statuses (repeat the parameter for several); as for sort=status, the status the stored state gives, which for an agent whose server node died says online until its flag is cleared',
      }),
    ),
    ...listParameters(MACHINE_SORTS, 'id'),
  },
  { additionalProperties: false },
);
