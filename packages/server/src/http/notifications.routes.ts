import { Type } from '@sinclair/typebox';
import type { NotificationService } from '../services/notification.service';
import { AUTH_ERRORS, ErrorResponse, WRITE_ERRORS } from './error-schema';
import { scopeOf } from './route-permission';
import {
  NotificationSchema,
  NotificationSettingsBody,
  NotificationSwitchesSchema,
  NotificationTypeSchema,
} from './schemas';
import type { TypedApp } from './typed-app';

/** Warnings (see NOTIFICATION_TYPES) and their on/off switches. */
export function notificationRoutes(app: TypedApp, notifications: NotificationService): void {
  app.get(
    '/notifications',
    {
      config: { permission: 'notifications.view' },
      schema: {
        operationId: 'listNotifications',
        tags: ['notifications'],
        summary: 'List warnings, newest first',
        querystring: Type.Object(
          { type: Type.Optional(NotificationTypeSchema) },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({ items: Type.Array(NotificationSchema) }),
          400: ErrorResponse,
          ...AUTH_ERRORS,
        },
      },
    },
    async (request) => ({
      items: (await notifications.list(request.query.type, scopeOf(request))).map((n) => ({
        id: n.id,
        type: n.type,
        machineId: n.machineId,
        message: n.message,
        createdAt: new Date(n.createdAt).toISOString(),
      })),
    }),
  );
  app.get(
    '/notification-settings',
    {
      config: { permission: 'notifications.view' },
      schema: {
        operationId: 'getNotificationSettings',
        tags: ['notifications'],
        summary: 'Which warning types are on',
        response: { 200: NotificationSwitchesSchema, ...AUTH_ERRORS },
      },
    },
    () => notifications.switches(),
  );
  app.put(
    '/notification-settings',
    {
      // The switches are the whole server's, not an organization's.
      config: { permission: 'notifications.manage', onEverything: true },
      schema: {
        operationId: 'setNotificationSettings',
        tags: ['notifications'],
        summary: 'Switch warning types on or off',
        description:
          'Give the types to change; the answer has every type. An unknown type changes nothing (400).',
        body: NotificationSettingsBody,
        response: { 200: NotificationSwitchesSchema, 400: ErrorResponse, ...AUTH_ERRORS, ...WRITE_ERRORS },
      },
    },
    (request) => {
      return notifications.setSwitches(request.body);
    },
  );
}
