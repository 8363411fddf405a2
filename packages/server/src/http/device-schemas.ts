import { type Static, Type } from '@sinclair/typebox';
import type { DeviceAdminService } from '../devices/device-admin.service';
import { DEVICE_SORT_KEYS } from '../store/list-record';
import { ListAnswer, listParameters } from './list-query';
import { component } from './openapi-components';
import { StringEnum } from './schemas';

const Iso = Type.String({ format: 'date-time' });
const IsoOrNull = Type.Union([Iso, Type.Null()]);
const StringOrNull = Type.Union([Type.String(), Type.Null()]);
const PLATFORMS = ['ios', 'android'] as const;

/** The definition of a device as the API shows it (devices/device-admin.service.ts). */
export const DeviceDefinition = Type.Object({
  id: Type.String({ description: 'name.group.organization, as a machine id' }),
  guid: Type.String(),
  name: Type.String(),
  group: Type.String(),
  platform: StringEnum(PLATFORMS),
  model: StringOrNull,
  osVersion: StringOrNull,
  batteryPercent: Type.Union([Type.Integer(), Type.Null()]),
  enrolledAt: IsoOrNull,
  lastCheckinAt: IsoOrNull,
  nextCheckinExpectedAt: IsoOrNull,
  overdue: Type.Boolean({ description: 'its expected check-in is past, beyond the margin' }),
  tracking: Type.Boolean({ description: 'in force: its own, else its nearest group, else on' }),
  checkinIntervalMinutes: Type.Integer({
    description: 'in force: its own, else its nearest group, else the default',
  }),
  ownSettings: Type.Object(
    {
      checkinIntervalMinutes: Type.Union([Type.Integer(), Type.Null()]),
      tracking: Type.Union([Type.Boolean(), Type.Null()]),
    },
    { description: "the device's own settings; null inherits from its group" },
  ),
  pushChannel: Type.Union([
    Type.Object({
      kind: StringEnum(['apns', 'sms', 'webhook'] as const, { description: 'how it is woken' }),
    }),
    Type.Null(),
  ]),
});

/** A mobile device. */
export const DeviceSchema = component('Device', DeviceDefinition);

/** A device as the API shows it. */
export type DeviceView = Static<typeof DeviceDefinition>;

// The service's view and this schema must stay one shape: a property the schema lacks is not sent.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const viewMatchesSchema: Same<DeviceView, Awaited<ReturnType<DeviceAdminService['view']>>> = true;
void viewMatchesSchema;

/** A page of the device list. */
export const DevicePageSchema = component('DevicePage', ListAnswer(DeviceSchema));

/** A group's default device settings (null: inherit from its parent group, then the default). */
export const DeviceGroupSettingsSchema = component(
  'DeviceGroupSettings',
  Type.Object({
    group: Type.String(),
    checkinIntervalMinutes: Type.Union([Type.Integer(), Type.Null()]),
    tracking: Type.Union([Type.Boolean(), Type.Null()]),
  }),
);

/** A new device enrollment token: the token is in this answer only. */
export const CreatedDeviceEnrollmentTokenSchema = component(
  'CreatedDeviceEnrollmentToken',
  Type.Object({
    token: Type.String({ description: 'shown once: a device enrolls with it' }),
    group: Type.String(),
    platform: StringEnum(PLATFORMS),
    expiresAt: Type.Union([Iso, Type.Null()], { description: 'null: never expires' }),
  }),
);

/** One wake-up attempt of a device and the check-in that followed. */
export const DeviceWakeSchema = component(
  'DeviceWake',
  Type.Object({
    id: Type.String(),
    channel: Type.String(),
    status: StringEnum(['queued', 'sent', 'failed'] as const),
    reason: StringOrNull,
    attempts: Type.Integer(),
    requestedAt: IsoOrNull,
    sentAt: IsoOrNull,
    checkinAt: Type.Union([Iso, Type.Null()], { description: 'the check-in that answered it' }),
  }),
);

/** A wake-up as the API shows it. */
export type DeviceWakeView = Static<typeof DeviceWakeSchema>;

/** One reported location. */
export const DeviceLocationSchema = component(
  'DeviceLocation',
  Type.Object({
    lat: Type.Number(),
    lon: Type.Number(),
    accuracyMeters: Type.Union([Type.Number(), Type.Null()]),
    at: IsoOrNull,
  }),
);

const DEVICE_SORTS = Object.keys(DEVICE_SORT_KEYS) as Array<keyof typeof DEVICE_SORT_KEYS>;

/** The query string of GET /devices. */
export const DeviceListQuery = Type.Object(
  {
    filter: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 300,
        description:
          'Machine.Group ID filter on the device id: "*" wildcards, or a device id, or a group name',
      }),
    ),
    ...listParameters(DEVICE_SORTS, 'id'),
    search: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 100,
        description: 'text the id, name or model contains (case-insensitive; "%", "_" and "\\" are literal)',
      }),
    ),
  },
  { additionalProperties: false },
);
