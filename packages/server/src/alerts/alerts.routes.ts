import { Type } from '@sinclair/typebox';
import { AUTH_ERRORS, ErrorResponse, WRITE_ERRORS } from '../http/error-schema';
import { scopeOf } from '../http/route-permission';
import { StringEnum } from '../http/schemas';
import type { TypedApp } from '../http/typed-app';
import type { AlertRecord, AlertRuleRecord, MaintenanceWindowRecord } from '../store/alert-record';
import type { AlertAdminService } from './alert-admin.service';
import {
  AlertRuleBody,
  AlertRuleSchema,
  type AlertRuleView,
  AlertSchema,
  type AlertView,
  MaintenanceWindowBody,
  MaintenanceWindowSchema,
  type MaintenanceWindowView,
} from './alert-schemas';

const iso = (ms: number) => new Date(ms).toISOString();
const IdParams = Type.Object(
  { id: Type.String({ minLength: 1, maxLength: 64 }) },
  { additionalProperties: false },
);

const ruleView = (r: AlertRuleRecord): AlertRuleView => ({
  id: r.id,
  name: r.name,
  group: r.groupId,
  condition: r.condition,
  minutes: r.minutes,
  emails: r.emails,
  webhook: r.webhook,
  enabled: r.enabled,
  createdAt: iso(r.createdAt),
  updatedAt: iso(r.updatedAt),
});

const alertView = (a: AlertRecord): AlertView => ({
  id: a.id,
  ruleId: a.ruleId,
  rule: a.ruleName,
  condition: a.condition,
  machineId: a.machineId,
  state: a.state,
  message: a.message,
  firedAt: iso(a.firedAt),
  resolvedAt: a.resolvedAt === null ? null : iso(a.resolvedAt),
});

const windowView = (w: MaintenanceWindowRecord): MaintenanceWindowView => ({
  id: w.id,
  machineId: w.machineId,
  group: w.groupId,
  startsAt: iso(w.startsAt),
  endsAt: iso(w.endsAt),
  reason: w.reason,
  createdAt: iso(w.createdAt),
});

/** Alerts with their state, alert rules, and maintenance windows. */
export function alertRoutes(app: TypedApp, alerts: AlertAdminService): void {
  app.get(
    '/alerts',
    {
      config: { permission: 'alerts.view' },
      schema: {
        operationId: 'listAlerts',
        tags: ['alerts'],
        summary: 'List alerts, newest first, with their state',
        querystring: Type.Object(
          {
            state: Type.Optional(StringEnum(['firing', 'resolved'] as const)),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({ items: Type.Array(AlertSchema) }),
          400: ErrorResponse,
          ...AUTH_ERRORS,
        },
      },
    },
    async (request) => ({
      items: (await alerts.listAlerts(request.query.state, request.query.limit ?? 100, scopeOf(request))).map(
        alertView,
      ),
    }),
  );
  app.get(
    '/alert-rules',
    {
      config: { permission: 'alerts.view' },
      schema: {
        operationId: 'listAlertRules',
        tags: ['alerts'],
        summary: 'List alert rules, by name',
        response: { 200: Type.Object({ items: Type.Array(AlertRuleSchema) }), ...AUTH_ERRORS },
      },
    },
    async (request) => ({ items: (await alerts.listRules(scopeOf(request))).map(ruleView) }),
  );
  app.post(
    '/alert-rules',
    {
      config: { permission: 'alerts.manage' },
      schema: {
        operationId: 'createAlertRule',
        tags: ['alerts'],
        summary: 'Create an alert rule for a machine group',
        description:
          'An unknown group (or one out of the caller scope) answers 404; a bad condition, negative minutes or a bad address 400. Nothing is stored then.',
        body: AlertRuleBody,
        response: {
          201: AlertRuleSchema,
          400: ErrorResponse,
          404: ErrorResponse,
          ...AUTH_ERRORS,
          ...WRITE_ERRORS,
        },
      },
    },
    async (request, reply) =>
      reply.status(201).send(ruleView(await alerts.createRule(request.body, scopeOf(request)))),
  );
  app.get(
    '/alert-rules/:id',
    {
      config: { permission: 'alerts.view' },
      schema: {
        operationId: 'getAlertRule',
        tags: ['alerts'],
        summary: 'One alert rule',
        params: IdParams,
        response: { 200: AlertRuleSchema, 400: ErrorResponse, 404: ErrorResponse, ...AUTH_ERRORS },
      },
    },
    async (request) => ruleView(await alerts.getRule(request.params.id, scopeOf(request))),
  );
  app.put(
    '/alert-rules/:id',
    {
      config: { permission: 'alerts.manage' },
      schema: {
        operationId: 'updateAlertRule',
        tags: ['alerts'],
        summary: "Replace an alert rule's settings",
        params: IdParams,
        body: AlertRuleBody,
        response: {
          200: AlertRuleSchema,
          400: ErrorResponse,
          404: ErrorResponse,
          ...AUTH_ERRORS,
          ...WRITE_ERRORS,
        },
      },
    },
    async (request) => ruleView(await alerts.updateRule(request.params.id, request.body, scopeOf(request))),
  );
  app.delete(
    '/alert-rules/:id',
    {
      config: { permission: 'alerts.manage' },
      schema: {
        operationId: 'deleteAlertRule',
        tags: ['alerts'],
        summary: 'Delete an alert rule; its firing alerts are resolved without messages',
        params: IdParams,
        response: {
          204: Type.Null({ description: 'deleted' }),
          400: ErrorResponse,
          404: ErrorResponse,
          ...AUTH_ERRORS,
          ...WRITE_ERRORS,
        },
      },
    },
    async (request, reply) => {
      await alerts.deleteRule(request.params.id, scopeOf(request));
      return reply.status(204).send(null);
    },
  );
  app.get(
    '/maintenance-windows',
    {
      config: { permission: 'alerts.view' },
      schema: {
        operationId: 'listMaintenanceWindows',
        tags: ['alerts'],
        summary: 'Maintenance windows that have not ended, by start',
        response: { 200: Type.Object({ items: Type.Array(MaintenanceWindowSchema) }), ...AUTH_ERRORS },
      },
    },
    async (request) => ({ items: (await alerts.listWindows(scopeOf(request))).map(windowView) }),
  );
  app.post(
    '/maintenance-windows',
    {
      config: { permission: 'alerts.manage' },
      schema: {
        operationId: 'createMaintenanceWindow',
        tags: ['alerts'],
        summary: 'Suppress alerts of a machine or group for a while',
        description:
          'While a window is in force no alert of its machines fires; a condition that still holds when it ends fires then. A window ending before it starts, or already ended, answers 400; an unknown machine or group 404.',
        body: MaintenanceWindowBody,
        response: {
          201: MaintenanceWindowSchema,
          400: ErrorResponse,
          404: ErrorResponse,
          ...AUTH_ERRORS,
          ...WRITE_ERRORS,
        },
      },
    },
    async (request, reply) =>
      reply.status(201).send(windowView(await alerts.createWindow(request.body, scopeOf(request)))),
  );
  app.delete(
    '/maintenance-windows/:id',
    {
      config: { permission: 'alerts.manage' },
      schema: {
        operationId: 'deleteMaintenanceWindow',
        tags: ['alerts'],
        summary: 'Delete (end) a maintenance window',
        params: IdParams,
        response: {
          204: Type.Null({ description: 'deleted' }),
          400: ErrorResponse,
          404: ErrorResponse,
          ...AUTH_ERRORS,
          ...WRITE_ERRORS,
        },
      },
    },
    async (request, reply) => {
      await alerts.deleteWindow(request.params.id, scopeOf(request));
      return reply.status(204).send(null);
    },
  );
}
