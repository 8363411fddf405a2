import { DevicePlatformSchema } from '@muster/protocol';
import { Type } from '@sinclair/typebox';
import { filterContains } from '../access/scope';
import type { DeviceService } from '../devices/device.service';
import type { DeviceAdminService } from '../devices/device-admin.service';
import type { DeviceWakeService } from '../devices/device-wake.service';
import { notFound } from '../domain/errors';
import type { WakeRecord } from '../store/device-record';
import {
  CreatedDeviceEnrollmentTokenSchema,
  DeviceGroupSettingsSchema,
  DeviceListQuery,
  DeviceLocationSchema,
  DevicePageSchema,
  DeviceSchema,
  DeviceWakeSchema,
  type DeviceWakeView,
} from './device-schemas';
import { AUTH_ERRORS, ErrorResponse, WRITE_ERRORS } from './error-schema';
import { explainQueryErrors } from './list-query';
import { scopeOf } from './route-permission';
import { GroupParams } from './schemas';
import type { TypedApp } from './typed-app';

const IdParams = Type.Object(
  { id: Type.String({ minLength: 1, maxLength: 300 }) },
  { additionalProperties: false },
);
const SettingsBody = Type.Object(
  {
    checkinIntervalMinutes: Type.Optional(
      Type.Union([Type.Integer({ minimum: 1, maximum: 10080 }), Type.Null()]),
    ),
    tracking: Type.Optional(Type.Union([Type.Boolean(), Type.Null()])),
  },
  { additionalProperties: false, minProperties: 1 },
);

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

const LIST_PARAMETERS = Object.keys(DeviceListQuery.properties);

/** Errors of a route that looks a device (or group) up. */
const LOOKUP_ERRORS = { 400: ErrorResponse, 404: ErrorResponse, ...AUTH_ERRORS } as const;

function wakeView(w: WakeRecord): DeviceWakeView {
  return {
    id: w.id,
    channel: w.channel,
    status: w.status,
    reason: w.reason,
    attempts: w.attempts,
    requestedAt: iso(w.requestedAt),
    sentAt: iso(w.sentAt),
    checkinAt: iso(w.checkinAt),
  };
}

/** Mobile devices in the admin API. */
export function deviceRoutes(
  app: TypedApp,
  devices: DeviceService,
  admin: DeviceAdminService,
  wakes: DeviceWakeService,
): void {
  app.post(
    '/device-enrollment-tokens',
    {
      config: { permission: 'install-tokens.manage' },
      schema: {
        operationId: 'createDeviceEnrollmentToken',
        tags: ['devices'],
        summary: 'Create a device enrollment token for a group and platform',
        description: "The token is shown once. A group outside the caller's scope is unknown (404).",
        response: { 201: CreatedDeviceEnrollmentTokenSchema, ...LOOKUP_ERRORS, ...WRITE_ERRORS },
        body: Type.Object(
          {
            group: Type.String({ minLength: 1, maxLength: 200 }),
            platform: DevicePlatformSchema,
            expiresInSeconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 365 * 86400 })),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply) => {
      // An enrollment token belongs to its group: a group out of scope is unknown.
      const group = request.body.group.toLowerCase();
      if (!filterContains(scopeOf(request), group, null)) throw notFound(`no machine group "${group}"`);
      return reply.status(201).send(await devices.createEnrollmentToken(request.body));
    },
  );
  app.get(
    '/devices',
    {
      config: { permission: 'devices.view' },
      schemaErrorFormatter: (errors, dataVar) => explainQueryErrors(errors, dataVar, LIST_PARAMETERS),
      schema: {
        operationId: 'listDevices',
        tags: ['devices'],
        summary: 'List devices: filtered, searched, sorted and paged on the server',
        description:
          "With limit, one page: pass the answer's next as after for the following page (null after the last); without, every device that matches. " +
          'sort is id (default), group, platform, lastCheckin (never checked in first) or enrolled; ties are ordered by id. total counts every device that matches.',
        querystring: DeviceListQuery,
        response: { 200: DevicePageSchema, 400: ErrorResponse, ...AUTH_ERRORS },
      },
    },
    (request) => admin.listPage(request.query, scopeOf(request)),
  );
  app.get(
    '/devices/:id',
    {
      config: { permission: 'devices.view' },
      schema: {
        operationId: 'getDevice',
        tags: ['devices'],
        summary: 'One device',
        params: IdParams,
        response: { 200: DeviceSchema, ...LOOKUP_ERRORS },
      },
    },
    (request) => admin.show(request.params.id, scopeOf(request)),
  );
  app.put(
    '/devices/:id/settings',
    {
      config: { permission: 'devices.command' },
      schema: {
        operationId: 'setDeviceSettings',
        tags: ['devices'],
        summary: "Set a device's check-in interval and tracking (null: inherit from its group)",
        params: IdParams,
        body: SettingsBody,
        response: { 200: DeviceSchema, ...LOOKUP_ERRORS, ...WRITE_ERRORS },
      },
    },
    (request) => admin.setSettings(request.params.id, request.body, scopeOf(request)),
  );
  app.put(
    '/device-groups/:group/settings',
    {
      config: { permission: 'devices.command' },
      schema: {
        operationId: 'setDeviceGroupSettings',
        tags: ['devices'],
        summary: 'Default device settings of a group',
        params: GroupParams,
        body: SettingsBody,
        response: { 200: DeviceGroupSettingsSchema, ...LOOKUP_ERRORS, ...WRITE_ERRORS },
      },
    },
    (request) =>
      admin.setGroupSettings(
        request.params.group,
        {
          checkinIntervalMinutes: request.body.checkinIntervalMinutes ?? null,
          tracking: request.body.tracking ?? null,
        },
        scopeOf(request),
      ),
  );
  app.post(
    '/devices/:id/request-checkin',
    {
      config: { permission: 'devices.request-checkin' },
      schema: {
        operationId: 'requestDeviceCheckin',
        tags: ['devices'],
        summary: 'Wake the device through its push channel to check in now',
        description: 'Answers 202 with the queued wake-up; a device without a push channel answers 400.',
        params: IdParams,
        response: { 202: DeviceWakeSchema, ...LOOKUP_ERRORS, ...WRITE_ERRORS },
      },
    },
    async (request, reply) =>
      reply.status(202).send(wakeView(await wakes.request(request.params.id, scopeOf(request)))),
  );
  app.get(
    '/devices/:id/wakes',
    {
      config: { permission: 'devices.view' },
      schema: {
        operationId: 'listDeviceWakes',
        tags: ['devices'],
        summary: 'Every wake-up attempt and the check-in that followed (the newest 200)',
        params: IdParams,
        response: { 200: Type.Object({ items: Type.Array(DeviceWakeSchema) }), ...LOOKUP_ERRORS },
      },
    },
    async (request) => {
      await admin.show(request.params.id, scopeOf(request));
      return { items: (await wakes.list(request.params.id)).map(wakeView) };
    },
  );
  app.get(
    '/devices/:id/locations',
    {
      config: { permission: 'devices.view' },
      schema: {
        operationId: 'listDeviceLocations',
        tags: ['devices'],
        summary: 'Location history in a time range',
        response: { 200: Type.Object({ items: Type.Array(DeviceLocationSchema) }), ...LOOKUP_ERRORS },
        params: IdParams,
        querystring: Type.Object(
          {
            from: Type.Optional(Type.String({ format: 'date-time' })),
            to: Type.Optional(Type.String({ format: 'date-time' })),
          },
          { additionalProperties: false },
        ),
      },
    },
    (request) => admin.locations(request.params.id, request.query.from, request.query.to, scopeOf(request)),
  );
}
