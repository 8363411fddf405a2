import { type Static, Type } from '@sinclair/typebox';
import { MACHINE_CHANGES, type MachineEvent, type ReplicationEvent } from '../bus/live-events';
import { MACHINE_STATUSES } from '../domain/machine-status';
import { LocalServerDefinition } from '../replication/replication-schemas';
import type { CheckinEvent, CommandEvent, StreamEvent } from '../services/event-hub';
import { CHECKIN_SETTINGS } from '../services/machine-view';
import { component } from './openapi-components';
import { StringEnum } from './schemas';

// The events of GET /events, as named schemas: the console's generated types name each payload
// (CommandEvent, MachineEvent, ...) and StreamEvent, the union of them by `type`. The types the
// hub builds the events with are checked against these definitions when this file compiles.

const Iso = Type.String({ format: 'date-time' });
const IsoOrNull = Type.Union([Iso, Type.Null()]);
const StringOrNull = Type.Union([Type.String(), Type.Null()]);

/** A command whose status changed. */
export const CommandEventDefinition = Type.Object({
  type: StringEnum(['command']),
  id: Type.String(),
  target: Type.String({ description: 'the machine or device id the command is for' }),
  targetKind: Type.String({ description: 'machine or device' }),
  commandType: Type.String(),
  status: Type.String({ description: 'the status the command changed to' }),
  at: Iso,
  orgId: Type.String(),
});

/** A check-in, seen by the node the stream is open on. */
export const CheckinEventDefinition = Type.Object({
  type: StringEnum(['checkin']),
  machineId: Type.String(),
  at: Iso,
});

/** The fields of a machine's row a machine event carries, as GET /machines lists them. */
export const MachineEventRowDefinition = Type.Object({
  status: StringEnum(MACHINE_STATUSES),
  online: Type.Boolean(),
  temporary: Type.Boolean(),
  bound: Type.Boolean(),
  suspended: Type.Boolean(),
  remoteControlEnabled: Type.Boolean(),
  loggedOnUser: StringOrNull,
  userIdleSeconds: Type.Integer(),
  lastCheckinAt: IsoOrNull,
  firstCheckinAt: IsoOrNull,
  settingsApplied: Type.Boolean({ description: 'false while changed check-in control settings are pending' }),
  pendingSettings: Type.Array(StringEnum(CHECKIN_SETTINGS), {
    description: 'the check-in control settings the agent has not confirmed yet',
  }),
  connectedFrom: StringOrNull,
  agentVersion: StringOrNull,
});
const MachineEventRowSchema = component('MachineEventRow', MachineEventRowDefinition);

/** A machine whose check-in status or row changed. */
export const MachineEventDefinition = Type.Object({
  type: StringEnum(['machine']),
  machineId: Type.String(),
  change: StringEnum(MACHINE_CHANGES, {
    description:
      'connected, disconnected (its agent), suspended, resumed, removed (an administrator), checked-in (another logged-on user, idleness or agent version), audited, settings-applied (the agent confirmed changed check-in control settings)',
  }),
  status: StringEnum([...MACHINE_STATUSES, 'deleted'], { description: 'the check-in status now' }),
  at: Iso,
  machine: Type.Union([MachineEventRowSchema, Type.Null()], {
    description: "the row's fields now, to merge into the row shown; null once the machine is deleted",
  }),
});

/** The fields of a local server's list item a replication event carries. */
export const LocalServerProgressDefinition = Type.Pick(LocalServerDefinition, [
  'status',
  'state',
  'lastContactAt',
  'lastTransferAt',
  'bytesRemaining',
  'rateBytesPerSecond',
  'etaSeconds',
  'nextRunAt',
  'lastPass',
  'error',
  'reportedAt',
]);

/** A local server's replication progressed, or it turned active or inactive. */
export const ReplicationEventDefinition = Type.Object({
  type: StringEnum(['replication']),
  localServerId: Type.String(),
  machineId: Type.String({ description: 'the machine whose agent runs the local server' }),
  at: Iso,
  localServer: component('LocalServerProgress', LocalServerProgressDefinition),
});

const members = {
  command: component('CommandEvent', CommandEventDefinition),
  checkin: component('CheckinEvent', CheckinEventDefinition),
  machine: component('MachineEvent', MachineEventDefinition),
  replication: component('ReplicationEvent', ReplicationEventDefinition),
};

/**
 * One event of GET /events: its `type` says which, and is also the SSE event name (`event:`
 * line), so an EventSource listens with addEventListener(type). The data line is the JSON.
 */
export const StreamEventSchema = component(
  'StreamEvent',
  Type.Unsafe<StreamEvent>({
    oneOf: Object.values(members),
    discriminator: {
      propertyName: 'type',
      mapping: Object.fromEntries(Object.keys(members).map((type) => [type, refOf(type)])),
    },
  }),
);

/** Where a member's schema is in the document. */
function refOf(type: string): string {
  return `#/components/schemas/${type[0]?.toUpperCase()}${type.slice(1)}Event`;
}

/** True only when A and B are the same type. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

// Fails to compile when an event the hub builds and its documented schema part ways.
const documented: [
  Same<Static<typeof CommandEventDefinition>, CommandEvent>,
  Same<Static<typeof CheckinEventDefinition>, CheckinEvent>,
  Same<Static<typeof MachineEventDefinition>, MachineEvent>,
  Same<Static<typeof ReplicationEventDefinition>, ReplicationEvent>,
] = [true, true, true, true];
void documented;
