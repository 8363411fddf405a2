import { Type } from '@sinclair/typebox';
import { NOTIFICATION_TYPES, type NotificationService } from '../services/notification.service';
import { scopeOf } from './route-permission';
import { NotificationSettingsBody } from './schemas';
import type { TypedApp } from './typed-app';

/** Warnings (see NOTIFICATION_TYPES) and their on/off switches. */
export function notificationRoutes(app: TypedApp, notifications: NotificationService): void {
  app.get(
    '/notifications',
    {
      config: { permission: 'notifications.view' },
      schema: {
        tags: ['notifications'],
        summary: 'List warnings, newest first',
        querystring: Type.Object(
          { type: Type.Optional(Type.Union(NOTIFICATION_TYPES.map((t) => Type.Literal(t)))) },
          { additionalProperties: false },
        ),
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
      schema: { tags: ['notifications'], summary: 'Which warning types are on' },
    },
    () => notifications.switches(),
  );
  app.put(
    '/notification-settings',
    {
      // The switches are the whole server's, not an organization's.
      config: { permission: 'notifications.manage', onEverything: true },
      schema: {
        tags: ['notifications'],
        summary: 'Switch warning types on or off',
        body: NotificationSettingsBody,
      },
    },
    (request) => {
      return notifications.setSwitches(request.body);
    },
  );
}
